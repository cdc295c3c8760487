"""What the channel tells the monitor: counts by channel, language, audience and
outcome, and the time to a first answer, all through the publication policy."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Relation, publish
from zicht.store import reporting as store

__all__ = ["DIMENSIONS", "ReportingCounts", "reporting_counts"]

DIMENSIONS = ("channel", "language", "audience", "outcome")


@dataclass(frozen=True)
class ReportingCounts:
    """Published counts (None where suppressed) and the median hours to a first answer
    (None when fewer than k reports were answered)."""

    total: int | None
    by: dict[str, dict[str, int | None]]
    answered: int | None
    median_hours_to_answer: float | None


def reporting_counts(
    engine: Engine, policy: PublicationPolicy = DEFAULT_PUBLICATION, year: int | None = None
) -> ReportingCounts:
    """The channel's counts as they may be published: of every stored report, or of
    those filed in `year` (purged reports are no longer counted)."""
    with engine.connect() as connection:
        facts = store.report_facts(connection)
    if year is not None:
        facts = [row for row in facts if row["created_at"].year == year]
    values: dict[Hashable, int] = {"total": len(facts)}
    relations = []
    for dimension in DIMENSIONS:
        counted = Counter(str(row[dimension] or "open") for row in facts)
        cells = tuple((dimension, code) for code in sorted(counted))
        values.update({cell: counted[cell[1]] for cell in cells})
        relations.append(Relation("total", cells))
    waits = [
        (row["first_answer_at"] - row["created_at"]).total_seconds() / 3600
        for row in facts
        if row["first_answer_at"] is not None
    ]
    values["answered"] = len(waits)
    relations.append(Relation("total", ("answered",), "bound"))
    published = publish(values, relations, policy)
    by: dict[str, dict[str, int | None]] = {dimension: {} for dimension in DIMENSIONS}
    for cell, value in published.values.items():
        if isinstance(cell, tuple):
            by[cell[0]][cell[1]] = value
    enough = published.get("answered") is not None and len(waits) >= policy.k
    median = round(statistics.median(waits), 1) if enough else None
    return ReportingCounts(published.get("total"), by, published.get("answered"), median)
