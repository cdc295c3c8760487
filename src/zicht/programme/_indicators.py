"""The programme's indicators for a year: computed from Zicht's own data through the
services the monitor and the dashboard use, or entered by hand with their source.

Counts of persons are cells of the monitor's count system (`publication_system`),
published by the one publication step with the report's policy, so the results table
shows what the monitor and the dashboard show for the same data. The estimate is the
monitor's (`report_estimates`, the one estimation policy).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import Engine

from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, publish
from zicht.programme._assessment import municipalities_with_policy
from zicht.programme._model import Programme
from zicht.store import programme as store

__all__ = ["COUNT_CELLS", "MUNICIPALITY_POLICY", "OTHER_AREAS", "Figure", "compute_indicators"]

# Indicator -> the monitor's cell (key without the year) it publishes.
COUNT_CELLS: dict[str, tuple[str, ...]] = {
    "om_suspects": ("suspects", "prosecutor"),
    "registered_victims": ("registrations",),
    "unique_persons": ("persons",),
    "labour_reports": ("form", "labour"),
}
# Counts of municipalities are no counts of persons: published exact, zero included.
MUNICIPALITY_POLICY = PublicationPolicy(k=1)


@dataclass(frozen=True)
class Figure:
    """An indicator's figure in one year, as published.

    ``value`` is None when it is suppressed by the publication policy (``suppressed``)
    or not available (no data, no link run, no published assessment round).
    """

    indicator: str
    year: int
    value: float | None
    target: int | None
    source: str
    lower: float | None = None
    upper: float | None = None
    suppressed: bool = False


def _counts(engine: Engine, year: int, policy: PublicationPolicy) -> dict[str, int | None]:
    from zicht.monitor import load, publication_system

    data = load(engine, year)
    published = publication_system(data, year).publish(policy)
    values: dict[str, int | None] = {}
    for code, cell in COUNT_CELLS.items():
        key = (*cell, year)
        values[code] = published.get(key) if key in published.values else -1
    return values


def _estimate(engine: Engine, year: int) -> tuple[float | None, float | None, float | None]:
    from zicht.estimate import DEFAULT_POLICY
    from zicht.monitor import report_estimates
    from zicht.store import statistics

    run = statistics.linkage_run(engine)
    if run is None:
        return None, None, None
    by_year, _ = report_estimates(engine, run.id, year, DEFAULT_POLICY)
    found = next((e for e in by_year if e.stratum == str(year)), None)
    if found is None:
        return None, None, None
    return found.estimate, found.lower, found.upper


def _shelter_wait(engine: Engine, year: int, policy: PublicationPolicy) -> Figure:
    from zicht.shelter import waiting_times

    waits = waiting_times(engine, year, policy)
    suppressed = waits.placements is None
    return Figure(
        "shelter_waiting_days", year, waits.median_days, None, "shelter", suppressed=suppressed
    )


def _anonymous(engine: Engine, year: int, policy: PublicationPolicy) -> Figure:
    from zicht.reporting import reporting_counts

    total = reporting_counts(engine, policy, year=year).total
    return Figure("anonymous_reports", year, total, None, "reporting", suppressed=total is None)


# Indicators another area's service publishes: the shelter's and the reporting channel's.
OTHER_AREAS: dict[str, Callable[[Engine, int, PublicationPolicy], Figure]] = {
    "shelter_waiting_days": _shelter_wait,
    "anonymous_reports": _anonymous,
}


def compute_indicators(
    engine: Engine,
    programme: Programme,
    year: int,
    policy: PublicationPolicy = DEFAULT_PUBLICATION,
) -> list[Figure]:
    """Every indicator of `programme` in `year`, in the programme's order."""
    kinds = {indicator.kind for indicator in programme.indicators}
    codes = {indicator.code for indicator in programme.indicators}
    counts = _counts(engine, year, policy) if "computed" in kinds else {}
    estimate = _estimate(engine, year) if "estimate" in codes else (None, None, None)
    manual = {f.indicator: f for f in store.stored_figures(engine, [year])}
    figures = []
    for indicator in programme.indicators:
        target = indicator.targets.get(year)
        if indicator.kind == "manual":
            entered = manual.get(indicator.code)
            figures.append(
                Figure(
                    indicator.code,
                    year,
                    None if entered is None else entered.value,
                    target,
                    "" if entered is None else entered.source,
                )
            )
        elif indicator.code == "estimate":
            value, lower, upper = estimate
            figures.append(Figure(indicator.code, year, value, target, "monitor", lower, upper))
        elif indicator.code in OTHER_AREAS:
            found = OTHER_AREAS[indicator.code](engine, year, policy)
            figures.append(replace(found, target=target))
        elif indicator.code == "municipalities_with_policy":
            count = municipalities_with_policy(engine, programme, year)
            shown = None
            if count is not None:
                shown = publish({("policy", year): count}, policy=MUNICIPALITY_POLICY)[
                    ("policy", year)
                ]
            figures.append(Figure(indicator.code, year, shown, target, "self-assessment"))
        else:
            count_value = counts[indicator.code]
            present = count_value != -1
            figures.append(
                Figure(
                    indicator.code,
                    year,
                    count_value if present else None,
                    target,
                    "monitor",
                    suppressed=present and count_value is None,
                )
            )
    return figures
