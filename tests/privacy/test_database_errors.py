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

from zicht.store import VictimRegistrationRow, make_engine
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
        batch = store.start_batch(
            session,
            source="police",
            record_type="victim_registration",
            file_name="f.csv",
            file_sha256="0" * 64,
        )
        session.add(_registration(batch.id))
        session.flush()
        session.add(_registration(batch.id))
        with pytest.raises(IntegrityError) as caught:
            session.flush()
        session.rollback()
    shown = _everything_shown(caught.value)
    assert SECRET not in shown
    assert "victim_registration" in shown


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
