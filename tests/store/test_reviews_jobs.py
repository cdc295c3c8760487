"""The tables of person reviews and web jobs: models and migration 0016 agree; one job of
a kind at a time; reviews read back in order (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text, update

from zicht.store import make_engine, upgrade
from zicht.store.audit import chained_transaction
from zicht.store.models import Base
from zicht.store.web_jobs import (
    STALE_AFTER,
    WebJobRow,
    finish_job,
    job_beat,
    job_step,
    read_job,
    recent_jobs,
    running_job,
    start_job,
    start_job_in,
)

TABLES = {"person_review", "web_job"}


def _tables_of(diff: object) -> set[str]:
    found: set[str] = set()
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item if isinstance(item, tuple) else ():
            table = getattr(part, "table", None)
            name = getattr(table, "name", None) or getattr(part, "name", None)
            if isinstance(name, str):
                found.add(name)
            if isinstance(part, str):
                found.add(part)
    return found


def test_models_and_migration_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert [d for d in differences if _tables_of(d) & TABLES] == []


def test_one_job_of_a_kind_at_a_time(engine: Engine) -> None:
    first = start_job(engine, "link", "coordinator", {"incremental": False})
    assert first is not None
    assert start_job(engine, "link", "someone else", {}) is None
    other_kind = start_job(engine, "report", "coordinator", {"year": 2023})
    assert other_kind is not None
    running = running_job(engine, "link")
    assert running is not None and running.id == first and running.step == "queued"
    job_step(engine, first, "linking")
    assert read_job(engine, first).step == "linking"  # type: ignore[union-attr]
    finish_job(engine, first, error="LinkageError: nothing to link")
    failed = read_job(engine, first)
    assert failed is not None and failed.status == "failed"
    assert failed.error == "LinkageError: nothing to link" and failed.finished_at
    second = start_job(engine, "link", "coordinator", {})
    assert second is not None and second != first
    finish_job(engine, second, result={"persons": 3})
    done = read_job(engine, second)
    assert done is not None and done.status == "done" and done.result == {"persons": 3}
    assert [j.id for j in recent_jobs(engine)][:3] == [second, other_kind, first]


def test_a_job_left_running_by_a_dead_server_does_not_block_forever(engine: Engine) -> None:
    stuck = start_job(engine, "report", "coordinator", {})
    assert stuck is not None
    assert start_job(engine, "report", "coordinator", {}) is None
    long_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - STALE_AFTER - dt.timedelta(1)
    with engine.begin() as connection:
        connection.execute(update(WebJobRow).where(WebJobRow.id == stuck).values(beat_at=long_ago))
    job_beat(engine, stuck)  # a beat: alive again, still blocking
    assert start_job(engine, "report", "coordinator", {}) is None
    with engine.begin() as connection:
        connection.execute(update(WebJobRow).where(WebJobRow.id == stuck).values(beat_at=long_ago))
    fresh = start_job(engine, "report", "coordinator", {})
    assert fresh is not None
    old = read_job(engine, stuck)
    assert old is not None and old.status == "failed" and "interrupted" in (old.error or "")


@pytest.mark.postgres
def test_job_starts_in_two_schemas_do_not_wait_for_each_other(postgres_schema_url: str) -> None:
    # Two Zicht stores in two schemas of one server: a start held open in one (its
    # advisory lock taken) must not hold up a start of the same kind in the other.
    schema = postgres_schema_url.rsplit("%3D", 1)[1]
    other_url = postgres_schema_url.replace(f"%3D{schema}", f"%3D{schema}_b")
    first = make_engine(postgres_schema_url)
    with first.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}_b"'))
    second = make_engine(other_url)
    try:
        upgrade(first)
        upgrade(second)
        started: list[int | None] = []
        with chained_transaction(first) as connection:
            assert start_job_in(connection, "link", "coordinator", {}) is not None
            other = threading.Thread(
                target=lambda: started.append(start_job(second, "link", "coordinator", {}))
            )
            other.start()
            other.join(15)
            waited = other.is_alive()
        other.join()
        assert not waited, "a job start in another schema waited for this one's lock"
        assert started and started[0] is not None
        # Within one schema the lock still serialises: the committed job blocks a second.
        assert start_job(first, "link", "someone else", {}) is None
    finally:
        second.dispose()
        with first.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}_b" CASCADE'))
        first.dispose()
