"""The shelter area's figures, through the one publication policy of `zicht.privacy`.

The figures of a calendar year: occupancy per day (people in a shelter at the end of
the day), time from request to placement (accepted in the year), refusals by reason
(decided in the year), and placements by region and form of exploitation. All cells
form one system with their totals, so secondary suppression covers the tables
together. The same cells (keys starting with ``"shelter"``) are part of the monitor's
count system of that year, so the shelter page, the API, the dashboard and the report
publish the same value for every cell.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from zicht.i18n import N_
from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Relation, publish
from zicht.shelter._vocabulary import REFUSAL_REASONS
from zicht.store.models import utcnow
from zicht.store.shelter_queries import (
    PlacementRow,
    latest_decision,
    placement_rows,
    refusal_counts,
)

__all__ = [
    "WAIT_BANDS",
    "ShelterCounts",
    "ShelterFigures",
    "WaitingTimes",
    "latest_shelter_year",
    "read_figures",
    "shelter_counts",
    "shelter_figures",
    "wait_band",
    "waiting_times",
]

# Time from request to placement, in bands: (code, message, upper bound in hours).
WAIT_BANDS: tuple[tuple[str, str, float], ...] = (
    ("under_4h", N_("under 4 hours"), 4),
    ("4h_24h", N_("4 to 24 hours"), 24),
    ("1d_3d", N_("1 to 3 days"), 72),
    ("over_3d", N_("more than 3 days"), float("inf")),
)
ALL = "*"
AREA = "shelter"


def wait_band(hours: float) -> str:
    """The band of a wait of `hours`."""
    return next(code for code, _label, bound in WAIT_BANDS if hours < bound)


@dataclass(frozen=True)
class ShelterCounts:
    """The unpublished cells of a year and their relations (never shown as such)."""

    year: int
    days: tuple[dt.date, ...]
    """Every day of the year up to its last day or today, whichever comes first."""
    regions: tuple[str, ...]
    forms: tuple[str, ...]
    values: dict[Hashable, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)


@dataclass(frozen=True)
class ShelterFigures:
    """Published figures: None where a count is suppressed."""

    year: int
    days: tuple[dt.date, ...]
    occupancy: dict[dt.date, int | None]
    waits: dict[str, int | None]
    refusals: dict[str, int | None]
    regions: tuple[str, ...]
    forms: tuple[str, ...]
    placements: dict[tuple[str, str], int | None]
    policy: PublicationPolicy


def _occupied(rows: list[PlacementRow], day: dt.date) -> int:
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    return sum(
        1
        for row in rows
        if row.accepted_at < end and (row.discharged_at is None or row.discharged_at >= end)
    )


def latest_shelter_year(engine: Engine) -> int | None:
    """The year of the latest acceptance or refusal (None: none yet)."""
    with engine.connect() as connection:
        latest = latest_decision(connection)
    return None if latest is None else latest.year


def key(*parts: Hashable) -> tuple[Hashable, ...]:
    """The key of a shelter cell in a count system (unique beside the monitor's cells)."""
    return (AREA, *parts)


def shelter_counts(engine: Engine, year: int, *, today: dt.date | None = None) -> ShelterCounts:
    """The cells of `year` (days up to `today` when the year is not over)."""
    today = today or utcnow().date()
    first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    start, end = dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)
    with engine.connect() as connection:
        rows = placement_rows(connection)
        refused = refusal_counts(connection, start, end)
    day_list = tuple(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    values: dict[Hashable, int] = {key("occupied", day): _occupied(rows, day) for day in day_list}
    relations: list[Relation] = []
    placed = [row for row in rows if start <= row.accepted_at < end]
    waits = Counter(
        wait_band((row.accepted_at - row.requested_at).total_seconds() / 3600) for row in placed
    )
    bands = [code for code, _label, _bound in WAIT_BANDS]
    values.update({key("wait", band): waits[band] for band in bands})
    values[key("wait", ALL)] = len(placed)
    relations.append(Relation(key("wait", ALL), tuple(key("wait", band) for band in bands)))
    reasons = list(REFUSAL_REASONS)
    values.update({key("refused", reason): refused.get(reason, 0) for reason in reasons})
    values[key("refused", ALL)] = sum(refused.get(reason, 0) for reason in reasons)
    relations.append(Relation(key("refused", ALL), tuple(key("refused", r) for r in reasons)))
    table = Counter((row.region, row.form) for row in placed)
    regions = tuple(sorted({region for region, _form in table}))
    forms = tuple(sorted({form for _region, form in table}))
    for region in (*regions, ALL):
        for form in (*forms, ALL):
            values[key("placed", region, form)] = sum(
                n for (r, f), n in table.items() if region in (r, ALL) and form in (f, ALL)
            )
    for region in (*regions, ALL):
        relations.append(
            Relation(key("placed", region, ALL), tuple(key("placed", region, f) for f in forms))
        )
    for form in forms:
        relations.append(
            Relation(key("placed", ALL, form), tuple(key("placed", r, form) for r in regions))
        )
    return ShelterCounts(year, day_list, regions, forms, values, relations)


def read_figures(
    counts: ShelterCounts,
    published: Callable[[Hashable], int | None],
    policy: PublicationPolicy,
    days: int | None = None,
) -> ShelterFigures:
    """The figures of `counts` as `published` gives them (the last `days` days of occupancy)."""
    shown = counts.days if days is None else counts.days[-days:] if days else ()
    bands = [code for code, _label, _bound in WAIT_BANDS]
    return ShelterFigures(
        year=counts.year,
        days=shown,
        occupancy={day: published(key("occupied", day)) for day in shown},
        waits={band: published(key("wait", band)) for band in (*bands, ALL)},
        refusals={reason: published(key("refused", reason)) for reason in (*REFUSAL_REASONS, ALL)},
        regions=counts.regions,
        forms=counts.forms,
        placements={
            (region, form): published(key("placed", region, form))
            for region in (*counts.regions, ALL)
            for form in (*counts.forms, ALL)
        },
        policy=policy,
    )


def shelter_figures(
    engine: Engine,
    *,
    today: dt.date | None = None,
    days: int = 14,
    policy: PublicationPolicy = DEFAULT_PUBLICATION,
) -> ShelterFigures:
    """The figures of the year of `today` up to `today`, published by `policy`.

    Occupancy is listed for the last `days` days of that year; the other figures cover
    the year so far (the cells the monitor of that year publishes).
    """
    today = today or utcnow().date()
    counts = shelter_counts(engine, today.year, today=today)
    published = publish(counts.values, counts.relations, policy)
    return read_figures(counts, published.get, policy, days)


@dataclass(frozen=True)
class WaitingTimes:
    """Time from request to placement of the placements accepted in `year`, published:
    the count per band (None where suppressed) and the median in days (None when the
    number of placements is suppressed or under k)."""

    year: int
    placements: int | None
    bands: dict[str, int | None]
    median_days: float | None


def waiting_times(
    engine: Engine, year: int, policy: PublicationPolicy = DEFAULT_PUBLICATION
) -> WaitingTimes:
    """Waiting times of the placements accepted in `year`, as they may be published."""
    with engine.connect() as connection:
        rows = [row for row in placement_rows(connection) if row.accepted_at.year == year]
    hours = [(row.accepted_at - row.requested_at).total_seconds() / 3600 for row in rows]
    bands = [code for code, _label, _bound in WAIT_BANDS]
    counted = Counter(wait_band(h) for h in hours)
    values: dict[Hashable, int] = {band: counted[band] for band in bands}
    values[ALL] = len(hours)
    published = publish(values, [Relation(ALL, tuple(bands))], policy)
    total = published[ALL]
    enough = total is not None and len(hours) >= policy.k
    median = round(statistics.median(hours) / 24, 1) if enough else None
    return WaitingTimes(year, total, {band: published[band] for band in bands}, median)
