"""What the dashboard reads: stored records by type, year, organisation and form, and a
version that changes whenever any of it does."""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

from sqlalchemy import Engine, func, select

from zicht.store.linkage import LinkRunRow
from zicht.store.models import RECORD_TABLES, IngestBatch, QuarantineRow

__all__ = ["data_version", "record_counts"]


def data_version(engine: Engine) -> tuple[Any, ...]:
    """A value that changes whenever the stored records, quarantine or linked persons do.

    Records and quarantine rows change only within an ingest batch, which commits with
    its batch row (one transaction per file), and persons only with a finished link
    run; so the number of batches and runs and their latest finish times say whether
    anything figures are computed from has changed. Cheap: two small tables.
    """
    with engine.connect() as connection:
        return tuple(connection.execute(_data_version_statement()).one())


@cache
def _data_version_statement() -> Any:
    batches = IngestBatch.__table__
    runs = LinkRunRow.__table__
    return select(
        select(func.count()).select_from(batches).scalar_subquery(),
        select(func.max(batches.c.finished_at)).scalar_subquery(),
        select(func.count()).select_from(runs).scalar_subquery(),
        select(func.max(runs.c.finished_at)).scalar_subquery(),
    )


def record_counts(engine: Engine) -> dict[str, Any]:
    """Stored records per record type, open quarantine rows, and victim registrations by
    year, by organisation and by form (a multi-form record counts once for each form)."""
    victims = RECORD_TABLES["victim_registration"]
    counts: dict[str, Any] = {}
    with engine.connect() as connection:
        for record_type, table in RECORD_TABLES.items():
            counts[record_type] = connection.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
        counts["quarantine"] = connection.execute(
            select(func.count()).select_from(QuarantineRow).where(QuarantineRow.status == "open")
        ).scalar_one()
        counts["by_year"] = sorted(
            (int(year), int(count))
            for year, count in connection.execute(
                select(victims.registration_year, func.count()).group_by(victims.registration_year)
            )
        )
        counts["by_organisation"] = dict(
            connection.execute(select(victims.source, func.count()).group_by(victims.source)).all()
        )
        forms: Counter[str] = Counter()
        for joined, count in connection.execute(
            select(victims.forms, func.count()).group_by(victims.forms)
        ):
            for code in str(joined).split(";"):
                if code:
                    forms[code] += count
        counts["by_form"] = dict(forms)
    return counts
