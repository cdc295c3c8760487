"""What ingest writes reads back as the standard's values, on SQLite and PostgreSQL.

Workers hand the store driver-ready row tuples (dates as ISO text on SQLite, flags as
0/1), bypassing SQLAlchemy's own conversion on the way in; these tests read them back
through the ORM's types, with and without worker processes, for new and updated rows.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from tests.conftest import start_victim_batch
from zicht.ingest import default_mapping, ingest_file
from zicht.ingest._prepare import Preparer
from zicht.ingest._readers import RawRow
from zicht.privacy import Cipher
from zicht.store import SuspectRegistrationRow, VictimRegistrationRow
from zicht.store import writing as store

VICTIMS = """\
source_record_id,registration_date,forms,gender,age,minor,nationality,family_name
V1,2021-03-04,labour;criminal,female,16,ja,RO,Popescu
V2,2022-11-30,sexual_domestic,male,40,,NL,
"""
SUSPECTS = """\
source_record_id,registration_date,forms,role,prosecutor_date
S1,2020-01-02,labour,recruiter,2020-05-06
S2,2020-01-03,criminal,unknown,
"""


def _victims(engine: Engine) -> dict[str, VictimRegistrationRow]:
    with Session(engine) as session:
        rows = session.scalars(select(VictimRegistrationRow)).all()
        return {row.source_record_id: row for row in rows}


@pytest.mark.parametrize("workers", [1, 2])
def test_new_rows_read_back_with_their_types(
    engine: Engine, cipher: Cipher, tmp_path: Path, workers: int
) -> None:
    path = tmp_path / "victims.csv"
    path.write_text(VICTIMS, encoding="utf-8")
    result = ingest_file(path, source="shelter", engine=engine, cipher=cipher, workers=workers)
    assert (result.new, result.quarantined) == (2, 0)
    rows = _victims(engine)
    first, second = rows["V1"], rows["V2"]
    assert first.registration_date == dt.date(2021, 3, 4) and first.registration_year == 2021
    assert (first.forms, first.minor, first.age, first.age_band) == (
        "labour;criminal",
        True,
        16,
        "9--17",
    )
    assert (second.minor, second.sectors, second.nationality) == (False, "", "NL")
    assert first.identity is not None and second.identity is None
    assert first.batch_id == result.batch_id and isinstance(first.updated_at, dt.datetime)

    path.write_text(SUSPECTS, encoding="utf-8")
    mapping = default_mapping("suspect_registration")
    ingest_file(
        path, source="police", engine=engine, cipher=cipher, mapping=mapping, workers=workers
    )
    with Session(engine) as session:
        suspects = {r.source_record_id: r for r in session.scalars(select(SuspectRegistrationRow))}
    assert suspects["S1"].prosecutor_date == dt.date(2020, 5, 6)
    assert suspects["S1"].referred_to_prosecutor is True
    assert (suspects["S2"].prosecutor_date, suspects["S2"].referred_to_prosecutor) == (None, False)


def test_an_update_rewrites_every_column_and_the_batch(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "victims.csv"
    path.write_text(VICTIMS, encoding="utf-8")
    first = ingest_file(path, source="shelter", engine=engine, cipher=cipher)
    before = _victims(engine)["V1"]
    path.write_text(VICTIMS.replace("2021-03-04,labour;criminal", "2021-03-05,labour"), "utf-8")
    second = ingest_file(path, source="shelter", engine=engine, cipher=cipher)
    assert (second.updated, second.unchanged) == (1, 1)
    after = _victims(engine)["V1"]
    assert (after.id, after.registration_date, after.forms) == (
        before.id,
        dt.date(2021, 3, 5),
        "labour",
    )
    assert (after.batch_id, before.batch_id) == (second.batch_id, first.batch_id)
    assert after.content_hash != before.content_hash and after.updated_at >= before.updated_at


def test_prepared_rows_have_one_value_per_written_column(cipher: Cipher) -> None:
    mapping = default_mapping("victim_registration")
    cells = {"source_record_id": "V1", "registration_date": "2021-03-04", "forms": "labour"}
    sqlite = Preparer(mapping, "shelter", cipher, "sqlite").prepare([RawRow(1, cells)])
    postgres = Preparer(mapping, "shelter", cipher, "postgresql").prepare([RawRow(1, cells)])
    names = store.record_columns("victim_registration")
    assert not {"id", "batch_id", "updated_at"} & set(names)
    values = dict(zip(names, sqlite.valid[0][3], strict=True))
    assert values["registration_date"] == "2021-03-04" and values["minor"] is None
    values = dict(zip(names, postgres.valid[0][3], strict=True))
    assert values["registration_date"] == dt.date(2021, 3, 4)


def test_lookups_keep_the_whole_key_as_a_postgresql_table_grows(
    postgres_schema_url: str, cipher: Cipher
) -> None:
    """Without fresh statistics PostgreSQL scans all rows of `source` for every lookup."""
    from zicht.store import make_engine, upgrade

    engine = make_engine(postgres_schema_url)
    upgrade(engine)
    preparer = Preparer(default_mapping("victim_registration"), "police", cipher, "postgresql")
    rows = [
        RawRow(
            i, {"source_record_id": f"P{i}", "registration_date": "2020-01-01", "forms": "labour"}
        )
        for i in range(1, 5001)
    ]
    prepared = [record[3] for record in preparer.prepare(rows).valid]
    explain = text(
        "EXPLAIN SELECT id FROM victim_registration "
        "WHERE source = 'police' AND source_record_id = ANY(ARRAY['P1', 'P2'])"
    )
    try:
        with Session(engine) as session, session.begin():
            batch_id = start_victim_batch(session)
            store.insert_records(session, "victim_registration", prepared, batch_id=batch_id)
            before = "\n".join(session.execute(explain).scalars())
            store.refresh_statistics(session, "victim_registration", len(prepared))
            after = "\n".join(session.execute(explain).scalars())
            found = store.existing_records(session, "victim_registration", "police", ["P7", "X"])
            session.rollback()
    finally:
        engine.dispose()
    print(before)
    print(after)
    assert "Filter: ((source_record_id)::text" in before
    assert "Index Cond: (((source)::text = 'police'::text) AND ((source_record_id)::text" in after
    assert list(found) == ["P7"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_repeated_id_after_an_unchanged_record_is_quarantined(
    engine: Engine, cipher: Cipher, tmp_path: Path, workers: int
) -> None:
    """Also when the first row left a stored record unchanged, in an earlier chunk."""
    header = "source_record_id,registration_date,forms\n"
    filler = "".join(f"F{i},2021-01-01,labour\n" for i in range(1500))  # > one chunk
    path = tmp_path / "victims.csv"
    path.write_text(header + "A,2020-01-01,labour\nB,2020-01-01,labour\n", encoding="utf-8")
    ingest_file(path, source="shelter", engine=engine, cipher=cipher)
    path.write_text(
        header
        + "A,2020-01-01,labour\nB,2020-01-01,labour\n"  # unchanged
        + filler
        + "A,2020-02-02,labour\nB,2020-01-01,labour\n",  # A again, other content; B the same
        encoding="utf-8",
    )
    result = ingest_file(path, source="shelter", engine=engine, cipher=cipher, workers=workers)
    assert (result.new, result.unchanged, result.updated, result.quarantined) == (1500, 3, 0, 1)
    assert result.rules == {"duplicate_record_id": 1}
    assert _victims(engine)["A"].registration_date == dt.date(2020, 1, 1)
    again = ingest_file(path, source="shelter", engine=engine, cipher=cipher, workers=workers)
    assert (again.new, again.unchanged, again.updated) == (0, 1503, 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_row_repeated_in_three_chunks_is_stored_once(
    engine: Engine, cipher: Cipher, tmp_path: Path, workers: int
) -> None:
    header = "source_record_id,registration_date,forms\n"
    filler = ["".join(f"F{c}-{i},2021-01-01,labour\n" for i in range(1200)) for c in range(2)]
    row = "X,2020-01-01,labour\n"
    path = tmp_path / "victims.csv"
    for _ in range(2):  # new the first time, unchanged the second
        path.write_text(header + row + filler[0] + row + filler[1] + row, encoding="utf-8")
        result = ingest_file(path, source="shelter", engine=engine, cipher=cipher, workers=workers)
        assert (result.rows_read, result.quarantined) == (2403, 0)
        assert result.new + result.unchanged == 2403
    assert len(_victims(engine)) == 2401


def test_a_statistics_refresh_never_waits_for_another_ingest(
    postgres_schema_url: str, cipher: Cipher
) -> None:
    """ANALYZE holds its lock until commit: a second ingest skips its refresh instead."""
    from zicht.store import make_engine, upgrade

    engine = make_engine(postgres_schema_url)
    upgrade(engine)
    try:
        with Session(engine) as first, first.begin(), Session(engine) as second, second.begin():
            first.execute(text("ANALYZE victim_registration"))  # holds the lock
            started = time.monotonic()
            store.refresh_statistics(second, "victim_registration", 10_000)
            assert time.monotonic() - started < 5
            assert second.execute(text("SHOW lock_timeout")).scalar() == "0"
            first.rollback()
            second.rollback()
    finally:
        engine.dispose()
