"""What the monitor reads from the store: aggregate counts only, keyed by plain codes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from zicht.store import statistics
from zicht.store.linkage import LinkRunRecord

__all__ = ["UNKNOWN", "MonitorData", "load"]

UNKNOWN = "unknown"
NOT_RECORDED = "not_recorded"

YearCounts = dict[tuple[int, str], int]


@dataclass
class MonitorData:
    """Counts for the report, without any identity."""

    years: list[int]
    totals: dict[int, int]
    by_dimension: dict[str, YearCounts]
    age: dict[tuple[int, str, str], int]
    suspects: dict[str, dict[int, int]]
    quarantine_rows: dict[str, int]
    quarantine_rules: dict[tuple[str, str], int]
    missing: dict[str, dict[str, int]]
    cutoff: dt.date | None
    link_run: LinkRunRecord | None = None
    linkage: dict[int, tuple[int, int]] = field(default_factory=dict)


def _code(value: Any) -> str:
    return UNKNOWN if value is None or value == "" else str(value)


def _forms(rows: list[tuple[int, tuple[Any, ...], int]]) -> YearCounts:
    counts: Counter[tuple[int, str]] = Counter()
    for year, (forms,), n in rows:
        codes = [c for c in str(forms or "").split(";") if c]
        for code in codes or [NOT_RECORDED]:
            counts[(year, code)] += n
    return dict(counts)


def _age(rows: list[tuple[int, tuple[Any, ...], int]]) -> dict[tuple[int, str, str], int]:
    counts: Counter[tuple[int, str, str]] = Counter()
    for year, (minor, band), n in rows:
        group = UNKNOWN if minor is None else ("minor" if minor else "adult")
        counts[(year, group, UNKNOWN if band is None else str(band))] += n
    return dict(counts)


def load(engine: Engine, year: int) -> MonitorData:
    """Read every aggregate the report of `year` needs."""
    totals = {y: n for y, _, n in statistics.victim_counts(engine)}
    by_dimension: dict[str, YearCounts] = {}
    for dimension in ("organisation", "gender", "nationality"):
        counts: Counter[tuple[int, str]] = Counter()
        for y, (value,), n in statistics.victim_counts(engine, dimension):
            counts[(y, _code(value))] += n
        by_dimension[dimension] = dict(counts)
    by_dimension["form"] = _forms(statistics.victim_counts(engine, "form"))
    suspects = statistics.suspect_counts(engine)
    years = sorted(set(totals) | set(suspects["registered"]) | {year})
    rows, rules = statistics.quarantine_counts(engine)
    data = MonitorData(
        years=years,
        totals=totals,
        by_dimension=by_dimension,
        age=_age(statistics.victim_counts(engine, "age")),
        suspects=suspects,
        quarantine_rows=rows,
        quarantine_rules=rules,
        missing=statistics.missing_fields(engine, year),
        cutoff=statistics.data_cutoff(engine),
    )
    run = statistics.linkage_run(engine)
    if run is not None:
        data.link_run = run
        data.linkage = statistics.linkage_counts(engine, run.id)
    return data


@dataclass
class CaptureData:
    """Capture-history masks of the latest link run: per year, and per form in one year."""

    organisations: list[str]
    persons_per_organisation: dict[str, int]
    by_year: dict[str, dict[int, int]]
    by_form: dict[str, dict[int, int]]


MAX_ORGANISATION_BITS = 60


def load_captures(engine: Engine, run_id: int, year: int, forms: tuple[str, ...]) -> CaptureData:
    """Persons per capture history (bitmask over organisations), counted by the database."""
    persons = statistics.persons_per_organisation(engine, run_id)
    organisations = sorted(persons)[:MAX_ORGANISATION_BITS]
    by_year = {
        str(y): masks
        for y, masks in sorted(statistics.capture_masks(engine, run_id, organisations).items())
    }
    by_form = {}
    for form in forms:
        masks = statistics.capture_masks(engine, run_id, organisations, year=year, form=form)
        if masks.get(year):
            by_form[form] = masks[year]
    return CaptureData(organisations, persons, by_year, by_form)
