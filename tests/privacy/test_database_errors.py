"""A database error never carries the values of the statement that failed.

PostgreSQL puts keys and values into its messages (DETAIL of a unique violation, the
text that is not a number, the line of a failed COPY); SQLAlchemy would add the
parameters. Both are kept out, also from the chained driver error in a traceback.
"""

from __future__ import annotations

import datetime as dt
import traceback

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from tests.conftest import start_victim_batch
from zicht.ingest import default_mapping
from zicht.ingest._prepare import Preparer
from zicht.ingest._readers import RawRow
from zicht.privacy import Cipher
from zicht.store import VictimRegistrationRow, make_engine, upgrade
from zicht.store import writing as store

SECRET = "SECRET-ID-4711"


def _everything_shown(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


def _registration(batch_id: int) -> VictimRegistrationRow:
    return VictimRegistrationRow(
        source="police",
        source_record_id=SECRET,
        registration_date=dt.date(2020, 1, 1),
        registration_year=2020,
        forms="labour",
        content_hash="0" * 64,
        batch_id=batch_id,
        victim_status="possible",
        gender="unknown",
    )


def test_a_unique_violation_names_the_constraint_not_the_key(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        batch_id = start_victim_batch(session)
        session.add(_registration(batch_id))
        session.flush()
        session.add(_registration(batch_id))
        with pytest.raises(IntegrityError) as caught:
            session.flush()
        session.rollback()
    shown = _everything_shown(caught.value)
    assert SECRET not in shown
    assert "victim_registration" in shown
    if engine.dialect.name == "postgresql":  # DETAIL holds the key: not on what is raised
        assert caught.value.orig.diag.message_detail is None  # type: ignore[union-attr]


def test_a_value_the_database_cannot_read_is_not_repeated(postgres_schema_url: str) -> None:
    engine = make_engine(postgres_schema_url)  # SQLite reads any text as a number
    try:
        with pytest.raises(DBAPIError) as caught, engine.connect() as connection:
            connection.execute(text("SELECT CAST(:value AS INTEGER)"), {"value": SECRET})
    finally:
        engine.dispose()
    shown = _everything_shown(caught.value)
    assert SECRET not in shown
    assert "SQLSTATE 22P02" in shown


def test_a_failed_copy_shows_neither_its_line_nor_the_key(
    postgres_schema_url: str, cipher: Cipher
) -> None:
    engine = make_engine(postgres_schema_url)
    upgrade(engine)
    preparer = Preparer(default_mapping("victim_registration"), "police", cipher, "postgresql")
    cells = {"source_record_id": SECRET, "registration_date": "2020-01-01", "forms": "labour"}
    row = preparer.prepare([RawRow(1, cells)]).valid[0][3]
    try:
        with Session(engine) as session, session.begin():
            batch_id = start_victim_batch(session)
            with pytest.raises(IntegrityError) as caught:  # the same key twice in one COPY
                store.insert_records(session, "victim_registration", [row, row], batch_id=batch_id)
            session.rollback()
    finally:
        engine.dispose()
    shown = _everything_shown(caught.value)
    assert SECRET not in shown and "2020-01-01" not in shown
    assert "SQLSTATE 23505" in shown
    diagnostics = caught.value.orig.diag  # type: ignore[union-attr]
    assert diagnostics.message_detail is None and diagnostics.context is None
