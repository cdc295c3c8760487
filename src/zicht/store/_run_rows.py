"""The life of a versioned run row (link runs, network runs): finished or failed.

One place for what every kind of run records when it ends, so that the repositories of
each kind keep only what is their own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, update

from zicht.store.models import utcnow

__all__ = ["fail_run", "finish_run"]


def finish_run(engine: Engine, table: Any, run_id: int, **values: Any) -> None:
    """Mark run `run_id` of `table` done, with its kind's own `values`."""
    with engine.begin() as connection:
        connection.execute(
            update(table)
            .where(table.id == run_id)
            .values(status="done", finished_at=utcnow(), **values)
        )


def fail_run(engine: Engine, table: Any, run_id: int, error: str) -> None:
    """Mark run `run_id` of `table` failed (the message must not hold personal data)."""
    with engine.begin() as connection:
        connection.execute(
            update(table)
            .where(table.id == run_id)
            .values(status="failed", finished_at=utcnow(), error=error[:400])
        )
