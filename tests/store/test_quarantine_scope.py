"""A correction resolves only its own organisation's quarantine of its own record type.

Issue 11, point 1: a police data steward uploading `_zicht_quarantine_id` values of
the care coordinator's open rows closed them. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from zicht.cli import app
from zicht.ingest import default_mapping, ingest_file
from zicht.ingest._service import IngestResult
from zicht.privacy import Cipher, load_cipher, write_key_file
from zicht.store import read_quarantine

HEADER = "source_record_id,registration_date,forms"
# One bad row each (the code "XX" is no form of exploitation).
BAD = "A-1,2023-03-01,XX\n"


def _ingest(
    engine: Engine, cipher: Cipher, folder: Path, source: str, record_type: str, text: str
) -> IngestResult:
    path = folder / f"{source}-{record_type}-{len(list(folder.iterdir()))}.csv"
    path.write_text(text, encoding="utf-8")
    mapping = default_mapping(record_type)
    return ingest_file(path, source=source, engine=engine, cipher=cipher, mapping=mapping)


def _open_ids(engine: Engine, source: str) -> list[int]:
    return [entry.id for entry in read_quarantine(engine, source=source)]


@pytest.fixture
def waiting(engine: Engine, cipher: Cipher, tmp_path: Path) -> dict[str, int]:
    """One open quarantine entry each: care coordinator victims, police suspects, police victims."""
    for source, record_type in (
        ("care_coordinator", "victim_registration"),
        ("police", "suspect_registration"),
        ("police", "victim_registration"),
    ):
        result = _ingest(engine, cipher, tmp_path, source, record_type, f"{HEADER}\n{BAD}")
        assert result.quarantined == 1
    ids = {
        (entry.source, entry.record_type): entry.id
        for entry in read_quarantine(engine, status=None)
    }
    return {
        "care_victim": ids["care_coordinator", "victim_registration"],
        "police_suspect": ids["police", "suspect_registration"],
        "police_victim": ids["police", "victim_registration"],
    }


def _correction(*quarantine_ids: object) -> str:
    lines = [f"_zicht_quarantine_id,{HEADER}"]
    lines += [f"{q},B-{n},2023-03-01,labour" for n, q in enumerate(quarantine_ids)]
    return "\n".join(lines) + "\n"


def test_ids_of_another_organisation_are_refused_per_row(
    engine: Engine, cipher: Cipher, tmp_path: Path, waiting: dict[str, int]
) -> None:
    result = _ingest(
        engine,
        cipher,
        tmp_path,
        "police",
        "victim_registration",
        _correction(waiting["care_victim"]),
    )
    assert (result.new, result.resolved, result.quarantined) == (0, 0, 1)
    assert result.rules == {"quarantine_id": 1}
    assert _open_ids(engine, "care_coordinator") == [waiting["care_victim"]]
    refused = [e for e in read_quarantine(engine, source="police") if e.batch_id == result.batch_id]
    assert [error["rule"] for error in refused[0].errors] == ["quarantine_id"]
    assert refused[0].errors[0]["message_en"] == (
        "quarantine id is not a row of this organisation and record type"
    )


def test_ids_of_another_record_type_are_refused(
    engine: Engine, cipher: Cipher, tmp_path: Path, waiting: dict[str, int]
) -> None:
    result = _ingest(
        engine,
        cipher,
        tmp_path,
        "police",
        "victim_registration",
        _correction(waiting["police_suspect"]),
    )
    assert (result.new, result.resolved, result.rules) == (0, 0, {"quarantine_id": 1})
    open_police = {e.id: e.record_type for e in read_quarantine(engine, source="police")}
    assert open_police[waiting["police_suspect"]] == "suspect_registration"


@pytest.mark.parametrize("named", ["999999", "0", "-3", "abc", "9223372036854775808", "1e3"])
def test_ids_of_no_entry_are_refused(
    engine: Engine, cipher: Cipher, tmp_path: Path, waiting: dict[str, int], named: str
) -> None:
    result = _ingest(engine, cipher, tmp_path, "police", "victim_registration", _correction(named))
    assert (result.new, result.resolved, result.rules) == (0, 0, {"quarantine_id": 1})
    assert len(read_quarantine(engine)) == 4  # three waiting plus the refused row


def test_own_id_resolves_and_a_mixed_file_keeps_the_others_open(
    engine: Engine, cipher: Cipher, tmp_path: Path, waiting: dict[str, int]
) -> None:
    result = _ingest(
        engine,
        cipher,
        tmp_path,
        "police",
        "victim_registration",
        _correction(waiting["police_victim"], waiting["care_victim"], waiting["police_suspect"]),
    )
    assert (result.new, result.resolved, result.quarantined) == (1, 1, 2)
    still_open = {e.id for e in read_quarantine(engine)}
    assert waiting["police_victim"] not in still_open
    assert {waiting["care_victim"], waiting["police_suspect"]} <= still_open


def test_a_bad_row_naming_another_organisations_id_leaves_it_untouched(
    engine: Engine, cipher: Cipher, tmp_path: Path, waiting: dict[str, int]
) -> None:
    text = f"_zicht_quarantine_id,{HEADER}\n{waiting['care_victim']},C-1,2023-03-01,YY\n"
    result = _ingest(engine, cipher, tmp_path, "police", "victim_registration", text)
    assert result.rules == {"code": 1, "quarantine_id": 1}
    care = read_quarantine(engine, source="care_coordinator")
    assert [(e.id, e.batch_id, e.source) for e in care] == [
        (waiting["care_victim"], care[0].batch_id, "care_coordinator")
    ]
    assert care[0].batch_id != result.batch_id  # not rewritten by the police upload


def test_the_command_line_refuses_the_same_rows(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "zicht.key"
    write_key_file(key)
    cipher = load_cipher(key, None)
    folder = tmp_path / "files"
    folder.mkdir()
    _ingest(engine, cipher, folder, "care_coordinator", "victim_registration", f"{HEADER}\n{BAD}")
    (care,) = _open_ids(engine, "care_coordinator")
    correction = tmp_path / "fix.csv"
    correction.write_text(_correction(care), encoding="utf-8")
    monkeypatch.setenv("ZICHT_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    result = CliRunner().invoke(app, ["ingest", str(correction), "--source", "police"])
    assert result.exit_code == 1, result.output  # its one row was refused
    assert "quarantine_id" in result.output
    assert _open_ids(engine, "care_coordinator") == [care]
