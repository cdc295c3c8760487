"""Ingest into the store, on SQLite and PostgreSQL: nothing lost, doubled or leaked."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select, text

from zicht.access import Actor, Look
from zicht.ingest import (
    IngestFileError,
    MappingError,
    export_quarantine,
    ingest_file,
    load_mapping,
    read_manifest,
)
from zicht.privacy import Cipher
from zicht.store import QuarantineRow, VictimRegistrationRow, read_quarantine, read_records

EXAMPLES = Path(__file__).parents[2] / "examples"


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def _ingest_example(engine: Engine, cipher: Cipher, name: str):  # type: ignore[no-untyped-def]
    mapping = load_mapping(EXAMPLES / f"{name}.mapping.yaml")
    file = next(EXAMPLES.glob(f"{name}.*[!l]"))  # the data file, not the .yaml
    assert mapping.source is not None
    return ingest_file(file, source=mapping.source, engine=engine, cipher=cipher, mapping=mapping)


def test_every_example_row_is_stored_or_quarantined(engine: Engine, cipher: Cipher) -> None:
    for entry in read_manifest(EXAMPLES / "manifest.json"):
        mapping = load_mapping(entry.mapping)
        result = ingest_file(
            entry.file, source=entry.source, engine=engine, cipher=cipher, mapping=mapping
        )
        assert result.rows_read == entry.rows
        assert result.quarantined == entry.bad_rows
        assert result.new + result.quarantined == result.rows_read


def test_reingest_adds_no_duplicates(engine: Engine, cipher: Cipher) -> None:
    first = _ingest_example(engine, cipher, "police_victims")
    stored, quarantined = _count(engine, VictimRegistrationRow), _count(engine, QuarantineRow)
    second = _ingest_example(engine, cipher, "police_victims")
    assert (first.new, second.new, second.unchanged) == (4, 0, 4)
    assert _count(engine, VictimRegistrationRow) == stored
    assert _count(engine, QuarantineRow) == quarantined


def test_a_changed_record_is_updated_not_added(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    _ingest_example(engine, cipher, "police_victims")
    changed = tmp_path / "police_victims.csv"
    data = (
        (EXAMPLES / "police_victims.csv")
        .read_bytes()
        .replace(b"P-2023-0002;17-03-2023;AU", b"P-2023-0002;17-03-2023;CU")
    )
    changed.write_bytes(data)
    result = ingest_file(
        changed,
        source="police",
        engine=engine,
        cipher=cipher,
        mapping=load_mapping(EXAMPLES / "police_victims.mapping.yaml"),
    )
    assert (result.new, result.updated, result.unchanged) == (0, 1, 3)
    frame = read_records(engine)
    assert frame.loc[frame.source_record_id == "P-2023-0002", "forms"].item() == "criminal"


def test_identity_is_encrypted_at_rest_and_readable_with_the_key(
    engine: Engine, cipher: Cipher
) -> None:
    _ingest_example(engine, cipher, "police_victims")
    with engine.connect() as connection:
        raw = connection.execute(text("SELECT identity FROM victim_registration")).scalars().all()
        quarantined = connection.execute(text("SELECT original, errors FROM quarantine_row")).all()
    assert raw and all(b"Kowalski" not in bytes(token) for token in raw if token is not None)
    assert all(b"Okafor" not in bytes(original) for original, _ in quarantined)
    assert all("Okafor" not in str(errors) and "XX" not in str(errors) for _, errors in quarantined)
    frame = read_records(engine, cipher=cipher)
    assert "Kowalski" in set(frame.family_name)
    assert "family_name" not in read_records(engine).columns


def test_quarantine_correct_and_resubmit(engine: Engine, cipher: Cipher, tmp_path: Path) -> None:
    _ingest_example(engine, cipher, "police_victims")
    export = tmp_path / "correct.csv"
    look = Look(Actor("steward"), "correct the rows")
    assert (
        export_quarantine(engine, cipher, "police", export, "victim_registration", look=look) == 4
    )
    text_ = export.read_text(encoding="utf-8")
    assert "_zicht_errors" in text_ and "value is not a code" in text_
    fixed = (
        text_.replace("31-02-2023", "28-02-2023").replace(",XX,", ",SU,").replace(",250,", ",25,")
    )
    export.write_text(fixed, encoding="utf-8")
    result = ingest_file(
        export,
        source="police",
        engine=engine,
        cipher=cipher,
        mapping=load_mapping(EXAMPLES / "police_victims.mapping.yaml"),
    )
    assert (result.new, result.resolved, result.quarantined) == (3, 3, 1)
    open_rows = read_quarantine(engine, source="police")
    assert len(open_rows) == 1 and open_rows[0].errors[0]["rule"] == "required"
    assert _count(engine, QuarantineRow) == 4  # the failing row was updated, not added


@pytest.mark.parametrize(
    ("content", "suffix", "problem"),
    [
        (b"", ".csv", "file is empty"),
        (b"\x00\x00binary", ".csv", "binary"),
        (b"RegNr;DatumRegistratie\nP1;01-01-2020\n", ".csv", "missing required column"),
        (b"hello", ".docx", "unsupported file type"),
    ],
)
def test_file_errors_store_nothing(
    engine: Engine, cipher: Cipher, tmp_path: Path, content: bytes, suffix: str, problem: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    with pytest.raises(IngestFileError, match=problem):
        ingest_file(
            path,
            source="police",
            engine=engine,
            cipher=cipher,
            mapping=load_mapping(EXAMPLES / "police_victims.mapping.yaml"),
        )
    assert _count(engine, VictimRegistrationRow) == 0
    assert _count(engine, QuarantineRow) == 0


def test_a_failure_mid_file_rolls_back_everything(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "late.csv"
    good = "".join(f"R{i};01-01-2020;AU\n" for i in range(2500))
    path.write_bytes(
        ("RegNr;DatumRegistratie;Vorm\n" + good).encode() + b"R9;01-01-2020;\xff\xfeAU\n"
    )
    mapping = load_mapping(EXAMPLES / "police_victims.mapping.yaml").model_copy(
        update={
            "columns": {
                "RegNr": "source_record_id",
                "DatumRegistratie": "registration_date",
                "Vorm": "forms",
            },
            "encoding": "utf-8",
        }
    )
    with pytest.raises(IngestFileError, match="not valid utf-8"):
        ingest_file(path, source="police", engine=engine, cipher=cipher, mapping=mapping)
    assert _count(engine, VictimRegistrationRow) == 0


def test_unknown_source_and_mismatched_mapping(engine: Engine, cipher: Cipher) -> None:
    mapping = load_mapping(EXAMPLES / "police_victims.mapping.yaml")
    with pytest.raises(IngestFileError, match="unknown source"):
        ingest_file(
            EXAMPLES / "police_victims.csv",
            source="mi6",
            engine=engine,
            cipher=cipher,
            mapping=mapping,
        )
    with pytest.raises(IngestFileError, match="mapping is for source 'police'"):
        ingest_file(
            EXAMPLES / "police_victims.csv",
            source="kmar",
            engine=engine,
            cipher=cipher,
            mapping=mapping,
        )


def test_mapping_with_unknown_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    document = yaml.safe_load(
        (EXAMPLES / "police_victims.mapping.yaml").read_text(encoding="utf-8")
    )
    document["columns"]["Extra"] = "shoe_size"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(MappingError, match=r"unknown field.*shoe_size"):
        load_mapping(path)


def test_only_bad_rows_store_none(engine: Engine, cipher: Cipher, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("RegNr;DatumRegistratie;Vorm\nA;01-01-2020;XX\nB;xx;AU\n", encoding="utf-8")
    mapping = load_mapping(EXAMPLES / "police_victims.mapping.yaml").model_copy(
        update={
            "columns": {
                "RegNr": "source_record_id",
                "DatumRegistratie": "registration_date",
                "Vorm": "forms",
            }
        }
    )
    result = ingest_file(path, source="police", engine=engine, cipher=cipher, mapping=mapping)
    assert (result.stored, result.quarantined) == (0, 2)
    assert _count(engine, VictimRegistrationRow) == 0


def test_duplicate_id_with_other_content_in_one_file_is_quarantined(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "dup.csv"
    path.write_text(
        "RegNr;DatumRegistratie;Vorm\nA;01-01-2020;AU\nA;01-01-2020;AU\nA;02-01-2020;AU\n",
        encoding="utf-8",
    )
    mapping = load_mapping(EXAMPLES / "police_victims.mapping.yaml").model_copy(
        update={
            "columns": {
                "RegNr": "source_record_id",
                "DatumRegistratie": "registration_date",
                "Vorm": "forms",
            }
        }
    )
    result = ingest_file(path, source="police", engine=engine, cipher=cipher, mapping=mapping)
    assert (result.new, result.unchanged, result.quarantined) == (1, 1, 1)
    assert result.rules == {"duplicate_record_id": 1}


def test_worker_processes_give_the_same_result(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "many.csv"
    lines = [f"R{i};0{1 + i % 9}-01-2020;{'AU' if i % 7 else 'XX'}" for i in range(2500)]
    path.write_text("RegNr;DatumRegistratie;Vorm\n" + "\n".join(lines) + "\n", encoding="utf-8")
    mapping = load_mapping(EXAMPLES / "police_victims.mapping.yaml").model_copy(
        update={
            "columns": {
                "RegNr": "source_record_id",
                "DatumRegistratie": "registration_date",
                "Vorm": "forms",
            }
        }
    )
    result = ingest_file(
        path, source="police", engine=engine, cipher=cipher, mapping=mapping, workers=2
    )
    assert (result.rows_read, result.new, result.quarantined) == (2500, 2142, 358)
    again = ingest_file(path, source="police", engine=engine, cipher=cipher, mapping=mapping)
    assert (again.unchanged, again.quarantined, again.new) == (2142, 358, 0)
    frame = read_records(engine)
    assert list(frame.source_record_id[:3]) == ["R1", "R2", "R3"]
