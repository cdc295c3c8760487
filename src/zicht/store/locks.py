"""Locks that make a long job the only one of its kind on a database, across processes.

PostgreSQL: a session-level advisory lock, per schema, on a connection held for the job.
An SQLite file: a kernel lock on a file beside the database. Both vanish with the process that
holds them, so a crashed job never leaves the database locked.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["JobBusyError", "exclusive_job"]


class JobBusyError(RuntimeError):
    """Another process is running the same job on this database."""


@contextmanager
def exclusive_job(engine: Engine, job: str) -> Iterator[None]:
    """Hold the lock of `job` (e.g. "link") for the block; JobBusyError if someone has it."""
    if engine.dialect.name == "postgresql":
        # One lock per schema: Zicht's tables live in the connection's current schema,
        # and other schemas of the same database are other Zicht stores.
        key = text("SELECT ('x' || md5(current_schema() || '/' || :job))::bit(64)::bigint")
        with engine.connect() as connection:
            number = int(connection.execute(key, {"job": f"zicht-job-{job}"}).scalar_one())
            taken = connection.execute(text("SELECT pg_try_advisory_lock(:n)"), {"n": number})
            if not taken.scalar():
                connection.rollback()
                raise JobBusyError(job)
            connection.commit()
            try:
                yield
            finally:
                try:
                    connection.execute(text("SELECT pg_advisory_unlock(:n)"), {"n": number})
                    connection.commit()
                except SQLAlchemyError:
                    # The connection is gone (and its lock with it): let the job's own
                    # outcome stand rather than this error.
                    connection.invalidate()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # a private in-memory database has no other process to meet
        return
    with open(f"{database}-{job}.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JobBusyError(job) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
