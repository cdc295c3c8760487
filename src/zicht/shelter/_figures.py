"""The shelter area's figures, through the one publication policy of `zicht.privacy`.

Occupancy per day (people in a shelter at the end of the day), time from request to
placement (accepted), refusals by reason, and placements by region and form of
exploitation. All cells form one system with their totals, so secondary suppression
covers the tables together.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.i18n import N_
from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Relation, publish
from zicht.shelter._vocabulary import REFUSAL_REASONS
from zicht.store.models import utcnow
from zicht.store.shelter_queries import PlacementRow, placement_rows, refusal_counts

__all__ = [
    "WAIT_BANDS",
    "ShelterFigures",
    "WaitingTimes",
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


def wait_band(hours: float) -> str:
    """The band of a wait of `hours`."""
    return next(code for code, _label, bound in WAIT_BANDS if hours < bound)


@dataclass(frozen=True)
class ShelterFigures:
    """Published figures: None where a count is suppressed."""

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


def shelter_figures(
    engine: Engine,
    *,
    today: dt.date | None = None,
    days: int = 14,
    policy: PublicationPolicy = DEFAULT_PUBLICATION,
) -> ShelterFigures:
    """The area's figures over the last `days` days up to `today`, published by `policy`."""
    today = today or utcnow().date()
    with engine.connect() as connection:
        rows = placement_rows(connection)
        refused = refusal_counts(connection)
    day_list = tuple(today - dt.timedelta(days=n) for n in range(days - 1, -1, -1))
    values: dict[Hashable, int] = {("occupied", day): _occupied(rows, day) for day in day_list}
    relations: list[Relation] = []
    waits = Counter(
        wait_band((row.accepted_at - row.requested_at).total_seconds() / 3600) for row in rows
    )
    bands = [code for code, _label, _bound in WAIT_BANDS]
    values.update({("wait", band): waits[band] for band in bands})
    values[("wait", ALL)] = len(rows)
    relations.append(Relation(("wait", ALL), tuple(("wait", band) for band in bands)))
    reasons = list(REFUSAL_REASONS)
    values.update({("refused", reason): refused.get(reason, 0) for reason in reasons})
    values[("refused", ALL)] = sum(refused.get(reason, 0) for reason in reasons)
    relations.append(Relation(("refused", ALL), tuple(("refused", r) for r in reasons)))
    table = Counter((row.region, row.form) for row in rows)
    regions = tuple(sorted({region for region, _form in table}))
    forms = tuple(sorted({form for _region, form in table}))
    for region in (*regions, ALL):
        for form in (*forms, ALL):
            values[("placed", region, form)] = sum(
                n for (r, f), n in table.items() if region in (r, ALL) and form in (f, ALL)
            )
    for region in (*regions, ALL):
        relations.append(
            Relation(("placed", region, ALL), tuple(("placed", region, f) for f in forms))
        )
    for form in forms:
        relations.append(
            Relation(("placed", ALL, form), tuple(("placed", r, form) for r in regions))
        )
    published = publish(values, relations, policy)
    return ShelterFigures(
        days=day_list,
        occupancy={day: published[("occupied", day)] for day in day_list},
        waits={band: published[("wait", band)] for band in (*bands, ALL)},
        refusals={reason: published[("refused", reason)] for reason in (*reasons, ALL)},
        regions=regions,
        forms=forms,
        placements={
            (region, form): published[("placed", region, form)]
            for region in (*regions, ALL)
            for form in (*forms, ALL)
        },
        policy=policy,
    )


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
