"""The published count system shared by the report and the dashboard.

The dashboard's figures are cells of the report's count system (the all-year totals
are added to it by :func:`zicht.monitor._tables.build_system`), published by the one
publication step :func:`zicht.privacy._publish`. So the dashboard and the report of the
latest year show the same value for every cell they share, suppress the same small
cells, and no total minus published parts gives a suppressed count back. The
anonymous channel's counts are published by `zicht.reporting.reporting_counts` for
the same year and policy in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.monitor._data import MonitorData, load
from zicht.monitor._tables import ALL_YEARS, CountSystem, build_system
from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Published
from zicht.reporting import ReportingCounts, reporting_counts
from zicht.shelter import ShelterFigures, read_figures
from zicht.standard import FORMS

__all__ = ["DashboardFigures", "dashboard_figures", "publication_system"]


def publication_system(data: MonitorData, year: int) -> CountSystem:
    """The count system of the report of `year` (persons per form from the link run)."""
    persons_by_form = None
    if data.captures is not None:
        persons_by_form = {f: sum(m.values()) for f, m in data.captures.by_form.items()}
    return build_system(data, year, persons_by_form)


@dataclass(frozen=True)
class DashboardFigures:
    """The dashboard's published counts (None: suppressed, or no link run for persons)."""

    year: int
    k: int
    victim_registrations: int | None
    suspect_registrations: int | None
    reports: int | None
    open_quarantine: int | None
    persons: int | None
    by_year: list[tuple[int, int | None]]
    by_form: dict[str, int | None]
    by_organisation: dict[str, int | None]
    published: Published
    channel: ReportingCounts
    """The anonymous channel's counts of `year`: the report's section publishes the same."""
    shelter: ShelterFigures | None = None
    """The shelter figures of the year (occupancy of its last 14 days), None without data."""


def dashboard_figures(
    engine: Engine,
    extra: Mapping[str, int | None],
    policy: PublicationPolicy = DEFAULT_PUBLICATION,
    year: int | None = None,
) -> DashboardFigures:
    """The dashboard's counts from the report system of `year` (default: the latest).

    Args:
        engine: the application database.
        extra: counts that are no cell of the report (``reports``, ``open_quarantine``,
            ``persons`` of the latest run, None when there is none); each is published
            on its own (no relation ties it to another cell).
        policy: the publication policy (default: the report's).
        year: the report year whose system is published.
    """
    data = load(engine, year)
    system = publication_system(data, data.year)
    for name, value in extra.items():
        if value is not None:
            system.cell(("dashboard", name), value)
    published = system.publish(policy)
    years = sorted(data.totals)
    organisations = [r.code for r in system.tables["organisation"].rows if r.level < 2]
    forms = [c for c in FORMS.codes if system.values.get(("form", c, ALL_YEARS))]
    return DashboardFigures(
        year=data.year,
        k=policy.k,
        victim_registrations=published.get(("registrations", ALL_YEARS)),
        suspect_registrations=published.get(("suspects", "registered", ALL_YEARS)),
        reports=published.get(("dashboard", "reports")),
        open_quarantine=published.get(("dashboard", "open_quarantine")),
        persons=published.get(("dashboard", "persons")),
        by_year=[(y, published.get(("registrations", y))) for y in years],
        by_form={c: published.get(("form", c, ALL_YEARS)) for c in forms},
        by_organisation={
            o: published.get(("organisation", o, ALL_YEARS))
            for o in organisations
            if system.values.get(("organisation", o, ALL_YEARS))
        },
        published=published,
        shelter=(
            read_figures(data.shelter, published.get, policy, days=14)
            if data.shelter is not None and any(data.shelter.values.values())
            else None
        ),
        channel=reporting_counts(engine, policy, data.year),
    )
