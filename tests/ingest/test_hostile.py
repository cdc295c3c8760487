"""Hostile and clumsy input (issue 11, points 2, 5, 6, 7): one clear error or every row kept.

Oracles are hand-written: the rows each file holds and the rule each bad row breaks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from tests.ingest.hostile_files import write_xlsx_parts
from zicht.access import Actor, Look, search
from zicht.ingest import IngestFileError, MappingError, ingest_file, load_mapping, open_source
from zicht.ingest._rows import EXCERPT_CHARS
from zicht.ingest._service import quarantine_context
from zicht.privacy import Cipher, MissingKeyError, load_cipher
from zicht.store import IngestBatch, QuarantineRow, VictimRegistrationRow, read_quarantine

HEADER = "source_record_id,registration_date,forms"
GOOD = ["R1,2021-03-01,labour", "R2,2021-03-02,sexual_domestic"]

LOOK = Look(Actor("steward"), "correct the flagged values")


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def _originals(engine: Engine, cipher: Cipher) -> dict[int, dict[str, object]]:
    """Row number -> decrypted original cells of every open quarantine entry."""
    found = {}
    for entry in read_quarantine(engine, source="police"):
        context = quarantine_context("police", entry.file_name, entry.row_number)
        found[entry.row_number] = dict(cipher.decrypt_json(entry.original, context)["cells"])
    return found


def _missing(value: object) -> bool:
    return value is None or value != value  # None or NaN in a DataFrame


def _rules(engine: Engine) -> dict[int, list[str]]:
    return {
        entry.row_number: [error["rule"] for error in entry.errors]
        for entry in read_quarantine(engine, source="police")
    }


def test_bad_json_lines_are_quarantined_each_with_its_own_text(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    bad = ["not json", "{broken", "[1, 2]", '"text"', "{'single': 1}", "nul", "{"]
    lines = [
        '{"source_record_id": "R1", "registration_date": "2021-03-01", "forms": "labour"}',
        *bad,
    ]
    path = tmp_path / "f.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined) == (8, 1, 7)
    originals = _originals(engine, cipher)
    assert {number: cells["line"] for number, cells in originals.items()} == dict(
        enumerate(bad, start=2)
    )
    assert list(_rules(engine).values()) == [["invalid_json"]] * 7


def test_deeply_nested_json_line_is_a_bad_row(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "f.jsonl"
    good = '{"source_record_id": "R1", "registration_date": "2021-03-01", "forms": "labour"}'
    path.write_text(good + "\n" + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    result = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined) == (2, 1, 1)
    assert _rules(engine) == {2: ["invalid_json"]}
    kept = _originals(engine, cipher)[2]["line"]
    assert isinstance(kept, str) and len(kept) < EXCERPT_CHARS + 60


def test_xlsx_cells_beyond_the_header_are_quarantined_like_csv(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["source_record_id", "registration_date", "forms"])
    sheet.append(["R1", "2021-03-01", "labour"])
    sheet.append(["R2", "2021-03-02", "labour", "extra"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    result = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined) == (2, 1, 1)
    assert _rules(engine) == {2: ["cell_count"]}
    assert _originals(engine, cipher)[2]["(column 4)"] == "extra"


def test_xlsx_zip_bomb_is_refused_before_reading(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "bomb.xlsx"
    write_xlsx_parts(
        path, [HEADER.split(","), ["R1", "2021-03-01", "x"]], huge_cell=(1, 2, 20 << 20)
    )
    assert path.stat().st_size < 200_000
    with pytest.raises(IngestFileError, match="zip bomb"):
        ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert _count(engine, IngestBatch) == _count(engine, QuarantineRow) == 0


def test_over_long_cell_is_quarantined_as_a_bounded_excerpt(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    # Not compressible enough to look like a bomb, but longer than any cell Excel makes.
    long_text = "".join(f"{n:06d}" for n in range(10_000))
    path = tmp_path / "long.xlsx"
    write_xlsx_parts(
        path, [HEADER.split(","), ["R1", "2021-03-01", "labour"], ["R2", "2021-03-01", long_text]]
    )
    result = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined) == (2, 1, 1)
    assert _rules(engine) == {2: ["too_long"]}
    kept = _originals(engine, cipher)[2]["forms"]
    assert isinstance(kept, str) and kept.startswith(long_text[:EXCERPT_CHARS])
    assert len(kept) < EXCERPT_CHARS + 60


def test_a_one_megabyte_csv_field_quarantines_its_row_only(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "\n".join([HEADER, GOOD[0], "R9,2021-03-01," + "x" * (1 << 20), GOOD[1]]) + "\n",
        encoding="utf-8",
    )
    result = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined) == (3, 2, 1)
    assert _rules(engine) == {2: ["too_long"]}


@pytest.mark.parametrize(
    ("row", "field", "rule"),
    [
        ("R9,1850-06-01,labour,,", "registration_date", "range"),
        ("R9,0001-01-01,labour,,", "registration_date", "range"),
        ("R9,2021-03-01,labour,,٣٤", "age", "integer"),
        ("R9,2021-03-01,labour,,3_4", "age", "integer"),
        ("R9,٢٠٢١-٠٣-٠١,labour,,", "registration_date", "date"),
    ],
)
def test_impossible_values_are_quarantined_on_every_database(
    engine: Engine, cipher: Cipher, tmp_path: Path, row: str, field: str, rule: str
) -> None:
    path = tmp_path / "f.csv"
    header = HEADER + ",date_of_birth,age"
    path.write_text("\n".join([header, GOOD[0] + ",,", row]) + "\n", encoding="utf-8")
    result = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined) == (2, 1, 1)
    [entry] = read_quarantine(engine, source="police")
    assert [(e["field"], e["rule"]) for e in entry.errors] == [(field, rule)]
    assert _count(engine, VictimRegistrationRow) == 1


# (row, flag, source column of the left-out value, its cell as written)
FLAGGED = [
    ("F1,2021-03-01,labour,Anna,1985-02-31,", "date_of_birth:date", "date_of_birth", "1985-02-31"),
    ("F2,2021-03-01,labour,Anna,1850-01-01,", "date_of_birth:range", "date_of_birth", "1850-01-01"),
    (
        "F3,2021-03-01,labour,Anna,2021-03-02,",
        "date_of_birth:birth_after_registration",
        "date_of_birth",
        "2021-03-02",
    ),
    ("F4,2021-03-01,labour,Anna,,1066", "birth_year:range", "birth_year", "1066"),
    (
        "F5,2021-03-01,labour,An\x07na,1990-01-01,",
        "given_names:control_character",
        "given_names",
        "An\x07na",
    ),
    ("F6,2021-03-01,labour,Anna,,199O", "birth_year:integer", "birth_year", "199O"),
]


def test_a_bad_identity_value_costs_the_value_not_the_registration(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    from zicht.ingest._prepare import flagged_context
    from zicht.store import identity_context, read_records

    path = tmp_path / "f.csv"
    header = HEADER + ",given_names,date_of_birth,birth_year"
    rows = [row for row, *_ in FLAGGED]
    path.write_text("\n".join([header, "R1,2021-03-01,labour,Bo,1990-01-01,", *rows]) + "\n")
    result = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined) == (7, 7, 0)
    assert result.flagged == 6
    assert dict(result.flags) == {flag: 1 for _, flag, _, _ in FLAGGED}
    records = read_records(engine, "victim_registration", cipher=cipher).set_index(
        "source_record_id"
    )
    assert _missing(records.loc["R1", "quality_flags"])
    with engine.connect() as connection:
        statement = select(
            VictimRegistrationRow.source_record_id, VictimRegistrationRow.flagged_original
        )
        stored = dict(connection.execute(statement).all())
    for number, (_, flag, column, cell) in enumerate(FLAGGED, start=1):
        record_id = f"F{number}"
        assert records.loc[record_id, "quality_flags"] == flag
        field = flag.split(":")[0]
        assert _missing(records.loc[record_id, field])  # left out of the identity ...
        expected_name = None if field == "given_names" else "Anna"  # ... the rest kept
        assert records.loc[record_id, "given_names"] == expected_name or field == "given_names"
        context = flagged_context(identity_context("victim_registration", "police", record_id))
        kept = cipher.decrypt_json(stored[record_id], context)
        assert kept["cells"] == {column: cell}
        assert [(f["field"], f["rule"]) for f in kept["flags"]] == [tuple(flag.split(":"))]
    assert stored["R1"] is None


def test_a_corrected_identity_value_clears_the_flag(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    from zicht.store import read_records

    path = tmp_path / "f.csv"
    path.write_text(HEADER + ",date_of_birth\nR1,2021-03-01,labour,1985-02-31\n")
    assert ingest_file(path, source="police", engine=engine, cipher=cipher).flagged == 1
    path.write_text(HEADER + ",date_of_birth\nR1,2021-03-01,labour,1985-02-28\n")
    again = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (again.updated, again.flagged) == (1, 0)
    record = read_records(engine, "victim_registration", cipher=cipher).iloc[0]
    assert _missing(record["quality_flags"])
    assert str(record["date_of_birth"]) == "1985-02-28"
    assert record["age"] == 36


def test_a_bsn_failing_the_eleven_test_costs_the_number_not_the_registration(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    from zicht.ingest._prepare import flagged_context
    from zicht.store import identity_context, read_records

    path = tmp_path / "f.csv"
    header = HEADER + ",family_name,national_id_number,national_id_country"
    rows = [
        "B1,2021-03-01,labour,Smit,111222333,",  # passes the eleven-test
        "B2,2021-03-01,labour,Smit,123456789,",  # fails it (147 is no multiple of 11)
        "B3,2021-03-01,labour,Smit,123456789,NL",  # fails it, the country goes with it
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined, result.flagged) == (3, 3, 0, 2)
    assert dict(result.flags) == {
        "national_id_number:eleven_test": 2,
        "national_id_country:eleven_test": 1,
    }
    records = read_records(engine, "victim_registration", cipher=cipher).set_index(
        "source_record_id"
    )
    assert records.loc["B1", "national_id_number"] == "111222333"
    assert set(records.loc[["B2", "B3"], "family_name"]) == {"Smit"}  # linked on the rest
    assert all(_missing(records.loc[r, "national_id_number"]) for r in ("B2", "B3"))
    assert records.loc["B3", "quality_flags"] == (
        "national_id_country:eleven_test;national_id_number:eleven_test"
    )
    with engine.connect() as connection:
        statement = select(
            VictimRegistrationRow.source_record_id, VictimRegistrationRow.flagged_original
        )
        stored = dict(connection.execute(statement).all())
    context = flagged_context(identity_context("victim_registration", "police", "B3"))
    kept = cipher.decrypt_json(stored["B3"], context)
    assert kept["cells"] == {"national_id_number": "123456789", "national_id_country": "NL"}
    assert stored["B1"] is None


def test_a_nul_in_a_record_id_is_quarantined_on_every_database(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "f.jsonl"
    rows = [
        {"source_record_id": "R1", "registration_date": "2021-03-01", "forms": "labour"},
        {"source_record_id": "R\u00002", "registration_date": "2021-03-01", "forms": "labour"},
        {"source_record_id": "R3", "registration_date": "2021-03-01", "forms": "labour"},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    result = ingest_file(path, source="police", engine=engine, cipher=cipher)
    assert (result.rows_read, result.new, result.quarantined) == (3, 2, 1)
    assert _rules(engine) == {2: ["control_character"]}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_with_a_bom_are_text(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "f.csv"
    text = "\n".join([HEADER, "R1,2021-03-01,José"]) + "\n"
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-32": b""}[encoding]
    path.write_bytes(bom + text.encode(encoding))
    opened = open_source(path)
    assert opened.header == HEADER.split(",")
    assert [row.cells for row in opened.rows] == [
        {"source_record_id": "R1", "registration_date": "2021-03-01", "forms": "José"}
    ]


def _mapping_file(tmp_path: Path, **settings: object) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(json.dumps({"source": "police", **settings}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"encoding": "klingon"}, "not a known text encoding"),
        ({"encoding": "rot13"}, "not a known text encoding"),
        ({"separators": {"forms": ""}}, "separator must not be empty"),
        ({"delimiter": '"'}, "delimiter must be one character"),
        ({"delimiter": ""}, "delimiter must be one character"),
    ],
)
def test_unusable_mapping_settings_are_refused(
    tmp_path: Path, settings: dict[str, object], problem: str
) -> None:
    with pytest.raises(MappingError, match=problem):
        load_mapping(_mapping_file(tmp_path, **settings))


def test_a_mapping_with_utf16_reads_a_utf16_file(tmp_path: Path) -> None:
    mapping = load_mapping(_mapping_file(tmp_path, encoding="utf-16"))
    path = tmp_path / "f.csv"
    path.write_bytes(("\n".join([HEADER, GOOD[0]]) + "\n").encode("utf-16"))
    opened = open_source(path, encoding=mapping.encoding)
    assert [row.cells["forms"] for row in opened.rows] == ["labour"]


def test_a_mapping_path_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="is a directory"):
        load_mapping(tmp_path)


def test_an_unreadable_key_file_is_a_missing_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(MissingKeyError, match="cannot be read"):
        load_cipher(str(tmp_path), None)  # a directory
    key = tmp_path / "key"
    key.write_text("x", encoding="ascii")

    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_text", refuse)  # root reads any file: simulate it
    with pytest.raises(MissingKeyError, match=r"cannot be read \(PermissionError\)"):
        load_cipher(str(key), None)


def test_a_fifo_is_refused_without_reading(tmp_path: Path) -> None:
    import os

    path = tmp_path / "x.csv"
    os.mkfifo(path)
    with pytest.raises(IngestFileError, match="not a regular file"):
        open_source(path)
    with pytest.raises(MappingError, match="not a regular file"):
        load_mapping(path)


def test_the_monitor_counts_flagged_registrations(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    from zicht.monitor._data import load
    from zicht.monitor._tables import build_system

    path = tmp_path / "f.csv"
    path.write_text(
        HEADER + ",date_of_birth\n"
        "R1,2021-03-01,labour,1985-02-31\n"  # flagged, 2021
        "R2,2021-04-01,labour,1850-01-01\n"  # flagged, 2021
        "R3,2021-05-01,labour,1990-01-01\n"  # good, 2021
        "R4,2020-05-01,labour,2020-06-01\n"  # flagged, 2020
    )
    ingest_file(path, source="police", engine=engine, cipher=cipher)
    data = load(engine, 2021)
    assert data.missing["police"]["registrations"] == 3
    assert data.missing["police"]["identity_flagged"] == 2
    table = build_system(data, 2021).tables["missing"]
    assert ("police", "identity_flagged") in table.keys


def test_flags_are_counted_the_same_with_worker_processes(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "f.csv"
    rows = [
        f"R{n},2021-03-01,labour,{'1850-01-01' if n % 3 == 0 else '1990-01-01'}"
        for n in range(3000)
    ]
    path.write_text("\n".join([HEADER + ",date_of_birth", *rows]) + "\n")
    result = ingest_file(path, source="police", engine=engine, cipher=cipher, workers=2)
    assert (result.rows_read, result.new, result.flagged) == (3000, 3000, 1000)
    assert dict(result.flags) == {"date_of_birth:range": 1000}


def test_flagged_values_are_exported_for_correction(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    import csv

    from zicht.ingest import export_flagged

    path = tmp_path / "f.csv"
    path.write_text(
        HEADER + ",given_names,date_of_birth\n"
        "R1,2021-03-01,labour,Anna,1985-02-31\n"
        "R2,2021-03-01,labour,Bo,1990-01-01\n"
        "R3,2021-03-01,labour,Ca\x07rl,2022-01-01\n"
    )
    ingest_file(path, source="police", engine=engine, cipher=cipher)
    out = tmp_path / "flagged.csv"
    assert export_flagged(engine, cipher, "police", out, look=LOOK) == 2
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["source_record_id"], row["date_of_birth"]) for row in rows] == [
        ("R1", "1985-02-31"),
        ("R3", "2022-01-01"),
    ]
    assert rows[1]["given_names"] == "Ca\x07rl"
    assert "not a valid date" in rows[0]["_zicht_errors"]
    assert "after the registration date" in rows[1]["_zicht_errors"]
    assert "control character" in rows[1]["_zicht_errors"]
    entries, total = search(engine, action="export_flagged")
    assert total == 1 and entries[0].purpose == LOOK.purpose
    assert entries[0].object_ids == "victim_registration:R1,victim_registration:R3"
    assert export_flagged(engine, cipher, "shelter", out, look=LOOK) == 0
