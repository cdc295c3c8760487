"""Background jobs started from the web app (a link run, the yearly report): one row per
job with its step, outcome and error, so that any worker process can show its progress.

One job of a kind runs at a time: `start_job` refuses while a job of the kind is running
(and `store.locks.exclusive_job` guards the work itself across processes). A running job
beats (`job_beat`) while it works; one whose beat is older than `STALE_AFTER` died with
its process (a restart) and no longer blocks its kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Engine,
    Integer,
    String,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.audit import chained_transaction
from zicht.store.models import Base, utcnow

__all__ = [
    "STALE_AFTER",
    "JobRecord",
    "WebJobRow",
    "finish_job",
    "job_beat",
    "job_step",
    "read_job",
    "recent_jobs",
    "running_job",
    "start_job",
    "start_job_in",
]


class WebJobRow(Base):
    """One background job: kind, who started it, its step and outcome."""

    __tablename__ = "web_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    step: Mapped[str] = mapped_column(String(40), default="queued")
    started_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    beat_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(String(400), nullable=True)


@dataclass(frozen=True)
class JobRecord:
    """A job as read back."""

    id: int
    kind: str
    status: str
    step: str
    started_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    parameters: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None


_TABLE = WebJobRow.__table__
# A running job whose last beat is this old died with its process (a server restart).
STALE_AFTER = dt.timedelta(minutes=5)


def _record(row: Any) -> JobRecord:
    return JobRecord(
        row.id,
        row.kind,
        row.status,
        row.step,
        row.started_by,
        row.started_at,
        row.finished_at,
        dict(row.parameters or {}),
        None if row.result is None else dict(row.result),
        row.error,
    )


def running_job(engine: Engine, kind: str) -> JobRecord | None:
    """The running job of `kind`, or None."""
    statement = select(_TABLE).where(_TABLE.c.kind == kind, _TABLE.c.status == "running")
    with engine.connect() as connection:
        row = connection.execute(statement.order_by(_TABLE.c.id.desc())).first()
    return None if row is None else _record(row)


_JOB_START_LOCK = text(
    "SELECT pg_advisory_xact_lock(('x' || md5(current_schema() || '/' || :job))::bit(64)::bigint)"
)


def start_job(engine: Engine, kind: str, started_by: str, parameters: dict[str, Any]) -> int | None:
    """A new running job of `kind`, committed; None when one of that kind is running already
    (`start_job_in` in a transaction of its own)."""
    with chained_transaction(engine) as connection:
        return start_job_in(connection, kind, started_by, parameters)


def start_job_in(
    connection: Connection, kind: str, started_by: str, parameters: dict[str, Any]
) -> int | None:
    """A new running job of `kind` in the caller's transaction (a `chained_transaction`, so
    that its audit entry commits with it); None when one of that kind is running already.

    Two clicks cannot both see "none running": on SQLite the write lock is taken before
    the check (BEGIN IMMEDIATE, `chained_transaction`), on PostgreSQL an advisory lock
    per kind and schema (two schemas on one server do not wait for each other)."""
    if connection.dialect.name == "postgresql":
        # Serialise starts of one kind: two clicks cannot both see "none running". The
        # key is derived from the current schema (the first of the search_path, where the
        # tables are), as `store.locks.exclusive_job`'s: other schemas are other stores.
        connection.execute(_JOB_START_LOCK, {"job": f"zicht-web-job-{kind}"})
    running = WebJobRow.kind == kind, WebJobRow.status == "running"
    connection.execute(
        update(WebJobRow)
        .where(*running, WebJobRow.beat_at < utcnow() - STALE_AFTER)
        .values(
            status="failed",
            step="failed",
            finished_at=utcnow(),
            error="interrupted: the server stopped while the job ran",
        )
    )
    if connection.execute(select(WebJobRow.id).where(*running)).first() is not None:
        return None
    result = connection.execute(
        insert(WebJobRow)
        .values(
            kind=kind,
            status="running",
            step="queued",
            started_by=started_by,
            started_at=utcnow(),
            beat_at=utcnow(),
            parameters=parameters,
        )
        .returning(WebJobRow.id)
    )
    return int(result.scalar_one())


def job_step(engine: Engine, job_id: int, step: str) -> None:
    """Record the step a running job has reached (a beat too)."""
    with engine.begin() as connection:
        connection.execute(
            update(WebJobRow).where(WebJobRow.id == job_id).values(step=step, beat_at=utcnow())
        )


def job_beat(engine: Engine, job_id: int) -> None:
    """Say that a running job is alive."""
    with engine.begin() as connection:
        connection.execute(update(WebJobRow).where(WebJobRow.id == job_id).values(beat_at=utcnow()))


def finish_job(
    engine: Engine,
    job_id: int,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    """End a job: "done" with its result, or "failed" with an error (no personal data)."""
    with engine.begin() as connection:
        connection.execute(
            update(WebJobRow)
            .where(WebJobRow.id == job_id)
            .values(
                status="failed" if error is not None else "done",
                step="failed" if error is not None else "done",
                finished_at=utcnow(),
                result=result,
                error=None if error is None else error[:400],
            )
        )


def read_job(engine: Engine, job_id: int) -> JobRecord | None:
    """One job, or None."""
    with engine.connect() as connection:
        row = connection.execute(select(_TABLE).where(_TABLE.c.id == job_id)).first()
    return None if row is None else _record(row)


def recent_jobs(engine: Engine, limit: int = 20) -> list[JobRecord]:
    """The latest jobs, newest first."""
    with engine.connect() as connection:
        rows = connection.execute(select(_TABLE).order_by(_TABLE.c.id.desc()).limit(limit)).all()
    return [_record(row) for row in rows]
