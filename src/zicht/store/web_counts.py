"""What the dashboard reads besides the report's figures: stored records by type and open
quarantine rows, and a version that changes whenever any of it does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Engine, String, cast, func, literal_column, select

from zicht.store.database import read_rows
from zicht.store.linkage import LinkRunRow
from zicht.store.models import RECORD_TABLES, IngestBatch, QuarantineRow
from zicht.store.reporting import reports_version
from zicht.store.shelter import ReservationRow

__all__ = ["RecordCounts", "data_version", "record_counts"]


def data_version(engine: Engine) -> tuple[Any, ...]:
    """A value that changes whenever the stored records, quarantine or linked persons do.

    Records and quarantine rows change only within an ingest batch, which commits with
    its batch row (one transaction per file), and persons only with a finished link
    run; so the number of batches and runs and their latest finish times say whether
    anything figures are computed from has changed; the shelter figures change with a
    shelter's decision or discharge, and with the day; the anonymous channel's reports
    change outside ingest, so their counted facts are part of the version. Cheap: small
    tables and one indexed column, and one text column back (the facts joined by the
    database), since it is read on every page request.
    """
    (version,) = read_rows(engine, _data_version_statement())
    return (version[0],)


def _version_facts() -> list[Any]:
    batches = IngestBatch.__table__
    runs = LinkRunRow.__table__
    held = ReservationRow.__table__
    return [
        select(func.count()).select_from(batches).scalar_subquery(),
        select(func.max(batches.c.finished_at)).scalar_subquery(),
        select(func.count()).select_from(runs).scalar_subquery(),
        select(func.max(runs.c.finished_at)).scalar_subquery(),
        # the shelter figures: a decision or a discharge, and the day (occupancy per day)
        select(func.count())
        .select_from(held)
        .where(held.c.decided_at.is_not(None))
        .scalar_subquery(),
        select(func.max(held.c.decided_at)).scalar_subquery(),
        select(func.count())
        .select_from(held)
        .where(held.c.discharged_at.is_not(None))
        .scalar_subquery(),
        select(func.max(held.c.discharged_at)).scalar_subquery(),
        func.current_date(),
        *reports_version(),
    ]


@cache
def _data_version_statement() -> Any:
    # One text value (each fact as text, '' for none, comma-separated: no fact holds a
    # comma) rather than a row of them: a row of 15 typed columns cost every request
    # the driver's and SQLAlchemy's work per column. The constants are in the SQL, not
    # bound parameters (which the driver would convert on every execution).
    empty, comma = literal_column("''", String), literal_column("','", String)
    facts = [func.coalesce(cast(fact, String), empty) for fact in _version_facts()]
    joined: ColumnElement[str] = facts[0]
    for fact in facts[1:]:
        joined = joined + comma + fact  # || on text, in both databases
    return select(joined)


@dataclass(frozen=True)
class RecordCounts:
    """Stored records per record type and the open quarantine rows."""

    per_type: Mapping[str, int]
    open_quarantine: int


def record_counts(engine: Engine) -> RecordCounts:
    """Stored records per record type and the open quarantine rows (all organisations)."""
    per_type: dict[str, int] = {}
    with engine.connect() as connection:
        for record_type, table in RECORD_TABLES.items():
            per_type[record_type] = int(
                connection.execute(select(func.count()).select_from(table)).scalar_one()
            )
        open_rows = connection.execute(
            select(func.count()).select_from(QuarantineRow).where(QuarantineRow.status == "open")
        ).scalar_one()
    return RecordCounts(per_type, int(open_rows))
