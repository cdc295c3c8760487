"""The tables of person reviews and web jobs: models and migration 0016 agree; one job of
a kind at a time; reviews read back in order (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, update

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
