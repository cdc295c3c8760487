"""Licence import into the register on SQLite and PostgreSQL, and `zicht licences import`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from zicht.cli import app
from zicht.ingest import IngestFileError
from zicht.platforms import import_licences
from zicht.platforms._register import licence_key
from zicht.privacy import Cipher
from zicht.store import QuarantineRow, make_engine
from zicht.store.licences import licence_states
from zicht.store.platforms import LicenceRow, licence_context

HEADER = ["licence_number", "holder_name", "date_of_birth", "valid_from", "valid_to", "status"]
ROWS = [
    ["GM0014-004217-87", "Sanne Voorbeeld", "1990-05-01", "2025-01-01", "", "active"],
    ["GM0014 000002 25", "Iris Proef", "1985-02-03", "2024-03-01", "2026-03-01", "suspended"],
    ["GM0014-000003-22", "Noor Jong", "2004-06-15", "2025-06-14", "", "active"],  # aged 20
    ["GM0014-000004-99", "Eva Tik", "1992-01-01", "2025-01-01", "", "active"],  # check digits
    ["GM0363-000001-83", "Lotte Elders", "1992-01-01", "2025-01-01", "", "active"],  # other place
    ["GM0014-004217-87", "Sanne Voorbeeld", "1990-05-01", "2025-01-01", "", "active"],  # repeat
]
# Check digits by hand with bc (000004 would be 19). Row numbers (from 1 after the
# header) and the (field, rule) each refused row breaks.
REFUSED = {
    3: [("date_of_birth", "minimum_age")],
    4: [("licence_number", "check_digit")],
    5: [("licence_number", "municipality")],
    6: [("licence_number", "duplicate_record_id")],
}


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_import_stores_valid_licences_and_quarantines_the_rest(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = _write(tmp_path / "groningen.csv", ROWS)
    result = import_licences(path, municipality="GM0014", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined) == (6, 2, 4)
    with Session(engine) as session:
        quarantined = session.scalars(select(QuarantineRow).order_by(QuarantineRow.row_number))
        found = {q.row_number: [(e["field"], e["rule"]) for e in q.errors] for q in quarantined}
        assert found == REFUSED
        keys = {n: licence_key(cipher, n) for n in ("GM0014-004217-87", "GM0014-000002-25")}
        states = licence_states(session, [*keys.values(), licence_key(cipher, "GM0014-000003-22")])
        assert set(states) == set(keys.values())
        sanne = states[keys["GM0014-004217-87"]]
        assert (sanne.status, sanne.municipality, str(sanne.valid_from)) == (
            "active",
            "GM0014",
            "2025-01-01",
        )
        row = session.scalars(
            select(LicenceRow).where(LicenceRow.number_key == keys["GM0014-000002-25"])
        ).one()
        identity = cipher.decrypt_json(row.identity, licence_context(row.number_key))
        assert identity == {
            "licence_number": "GM0014-000002-25",
            "holder_name": "Iris Proef",
            "date_of_birth": "1985-02-03",
        }
        assert "Proef" not in repr(row.__dict__)
    assert "Jong" not in " ".join(result.refusals)
    assert "groningen.csv row 3: date_of_birth: minimum_age" in result.refusals[0]


def test_reimport_counts_unchanged_and_updated(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    import_licences(
        _write(tmp_path / "a.csv", ROWS[:2]), municipality="GM0014", engine=engine, cipher=cipher
    )
    revoked = [[*ROWS[0][:5], "revoked"], ROWS[1]]
    again = import_licences(
        _write(tmp_path / "b.csv", revoked), municipality="GM0014", engine=engine, cipher=cipher
    )
    assert (again.new, again.updated, again.unchanged) == (0, 1, 1)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(LicenceRow)) == 2
        state = licence_states(session, [licence_key(cipher, "GM0014-004217-87")])
        assert [s.status for s in state.values()] == ["revoked"]


def test_a_file_without_the_required_columns_stores_nothing(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name,age\nA,30\n", encoding="utf-8")
    with pytest.raises(IngestFileError, match="missing required column"):
        import_licences(path, municipality="GM0014", engine=engine, cipher=cipher)
    with pytest.raises(IngestFileError, match="unknown municipality"):
        import_licences(path, municipality="GM9999", engine=engine, cipher=cipher)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(LicenceRow)) == 0


runner = CliRunner()


def test_cli_import_exit_codes_and_error_lines(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "zicht.key"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    monkeypatch.setenv("ZICHT_DATABASE_URL", database_url)
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    path = _write(tmp_path / "groningen.csv", ROWS)
    result = runner.invoke(app, ["licences", "import", str(path), "--municipality", "GM0014"])
    assert result.exit_code == 0, result.output
    assert "6 read, 2 new, 0 updated, 0 unchanged, 4 quarantined" in result.output
    assert "refused: groningen.csv row 3: date_of_birth: minimum_age" in result.output
    assert "Noor" not in result.output and "2004-06-15" not in result.output
    young = _write(tmp_path / "young.csv", [ROWS[2]])
    result = runner.invoke(app, ["licences", "import", str(young), "--municipality", "GM0014"])
    assert result.exit_code == 1
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {Nr: shoe_size}\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["licences", "import", str(path), "--municipality", "GM0014", "--mapping", str(mapping)],
    )
    assert result.exit_code == 2
    assert "unknown licence field(s): shoe_size" in result.output
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(LicenceRow)) == 2
    engine.dispose()
