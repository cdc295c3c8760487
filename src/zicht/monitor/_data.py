"""What the monitor reads from the store: aggregate counts only, keyed by plain codes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from zicht.shelter import ShelterCounts, latest_shelter_year, shelter_counts
from zicht.standard import FORMS
from zicht.store import statistics
from zicht.store.linkage import LinkRunRecord

__all__ = ["UNKNOWN", "CaptureData", "MonitorData", "load"]

UNKNOWN = "unknown"
NOT_RECORDED = "not_recorded"

YearCounts = dict[tuple[int, str], int]


@dataclass
class MonitorData:
    """Counts for the report, without any identity."""

    year: int
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
    captures: CaptureData | None = None
    shelter: ShelterCounts | None = None
    data_years: list[int] = field(default_factory=list)
    """The years with registrations or suspects (`years` adds the report year)."""

    @property
    def report_years(self) -> list[int]:
        """The years the report shows: its trends and tables end at the report year.

        A later year (late registrations, often a partial year) stays in the count
        system, so that the report and the dashboard protect the same cells, but is
        not printed: shown beside complete years it would look like a fall.
        """
        return [y for y in self.years if y <= self.year]


def _code(value: Any) -> str:
    return UNKNOWN if value is None or value == "" else str(value)


def _breakdowns(
    rows: list[tuple[Any, ...]],
) -> tuple[dict[int, int], dict[str, YearCounts], dict[tuple[int, str, str], int]]:
    """Yearly totals, one-way breakdowns and the age table from the combined counts."""
    totals: Counter[int] = Counter()
    dimensions: dict[str, Counter[tuple[int, str]]] = {
        name: Counter() for name in ("organisation", "form", "gender", "nationality")
    }
    age: Counter[tuple[int, str, str]] = Counter()
    for year, source, forms, minor, band, gender, nationality, n in rows:
        year = int(year)
        totals[year] += n
        dimensions["organisation"][(year, _code(source))] += n
        dimensions["gender"][(year, _code(gender))] += n
        dimensions["nationality"][(year, _code(nationality))] += n
        for code in [c for c in str(forms or "").split(";") if c] or [NOT_RECORDED]:
            dimensions["form"][(year, code)] += n
        group = UNKNOWN if minor is None else ("minor" if minor else "adult")
        age[(year, group, _code(band))] += n
    return dict(totals), {k: dict(v) for k, v in dimensions.items()}, dict(age)


def load(engine: Engine, year: int | None) -> MonitorData:
    """Read every aggregate the report of `year` needs (None: the latest year with data)."""
    totals, by_dimension, age = _breakdowns(statistics.victim_counts(engine))
    suspects = statistics.suspect_counts(engine)
    found = set(totals) | set(suspects["registered"])
    if year is None:
        # The latest year of registrations; shelter activity alone does not make a
        # report year (a year of placements but no registrations would show every
        # trend ending in an empty year). Without registrations, the latest shelter year.
        year = max(found, default=latest_shelter_year(engine) or dt.date.today().year)
    years = sorted(found | {year})
    rows, rules = statistics.quarantine_counts(engine)
    data = MonitorData(
        year=year,
        years=years,
        totals=totals,
        by_dimension=by_dimension,
        age=age,
        suspects=suspects,
        quarantine_rows=rows,
        quarantine_rules=rules,
        missing=statistics.missing_fields(engine, year),
        cutoff=statistics.data_cutoff(engine),
        shelter=shelter_counts(engine, year),
        data_years=sorted(found),
    )
    run = statistics.linkage_run(engine)
    if run is not None:
        organisations = sorted({code for _, code in by_dimension["organisation"]})
        data.link_run = run
        data.captures, data.linkage = _load_captures(engine, run.id, year, organisations)
    return data


@dataclass
class CaptureData:
    """Capture histories of the latest link run: per year, and per form in the report year.

    Masks are bitmasks over `organisations` with the number of persons.
    """

    organisations: list[str]
    by_year: dict[str, dict[int, int]]
    by_form: dict[str, dict[int, int]]

    def persons_per_organisation(self) -> dict[str, int]:
        """Persons each organisation registered, summed over the years."""
        totals = dict.fromkeys(self.organisations, 0)
        for masks in self.by_year.values():
            for mask, n in masks.items():
                for i, organisation in enumerate(self.organisations):
                    if mask >> i & 1:
                        totals[organisation] += n
        return totals


MAX_ORGANISATION_BITS = 60


def _load_captures(
    engine: Engine, run_id: int, year: int, organisations: list[str]
) -> tuple[CaptureData, dict[int, tuple[int, int]]]:
    """Capture data, and per year (registrations linked, persons)."""
    if len(organisations) > MAX_ORGANISATION_BITS:
        raise ValueError(f"more than {MAX_ORGANISATION_BITS} registering organisations")
    masks = statistics.capture_masks(engine, run_id, organisations)
    by_year = {str(y): {m: p for m, (p, _) in masks[y].items()} for y in sorted(masks)}
    linkage = {
        y: (sum(r for _, r in masks[y].values()), sum(p for p, _ in masks[y].values()))
        for y in masks
    }
    by_form = statistics.form_masks(engine, run_id, organisations, year)
    ordered = {
        f: by_form[f]
        for f in [*FORMS.codes, *sorted(set(by_form) - set(FORMS.codes))]
        if f in by_form
    }
    return CaptureData(organisations, by_year, ordered), linkage
