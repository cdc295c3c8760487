"""The dashboard: headline figures and charts, each chart with its table.

The figures are the same for everyone allowed to see them; their HTML is rendered once
per language and kept until the data version (`zicht.store.web_counts.data_version`)
changes, in every server process.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import Principal, authorize, scope_of
from zicht.i18n import N_
from zicht.monitor import DashboardFigures, channel_label
from zicht.shelter import REFUSAL_REASONS, WAIT_BANDS, ShelterFigures
from zicht.standard import ORGANISATIONS
from zicht.store.web_counts import data_version
from zicht.store.web_quarantine import count_open
from zicht.web.deps import requires, state
from zicht.web.figures import Chart, bar_chart, dashboard_counts, shown
from zicht.web.i18n import Translator, language_of
from zicht.web.linked import Staleness, linkage_staleness
from zicht.web.queries import versioned
from zicht.web.rendering import environment, render

router = APIRouter(include_in_schema=False)


def shelter_charts(t: Translator, shelter: ShelterFigures) -> list[Chart]:
    """The shelter figures of the dashboard's year: cells of the report's system."""
    year = shelter.year
    waits = [(t(label), shelter.waits[code]) for code, label, _bound in WAIT_BANDS]
    refusals = [(t(label), shelter.refusals[code]) for code, label in REFUSAL_REASONS.items()]
    regions = [(region, shelter.placements[(region, "*")]) for region in shelter.regions]
    forms = [(t.label("form", form), shelter.placements[("*", form)]) for form in shelter.forms]
    return [
        bar_chart(
            t,
            "chart-shelter-occupancy",
            t("People in a shelter at the end of the day (last days of %(year)s)", year=year),
            t("Date"),
            [(t.date(day), n) for day, n in shelter.occupancy.items()],
        ),
        bar_chart(
            t,
            "chart-shelter-wait",
            t("Time from request to placement, %(year)s", year=year),
            t("Time"),
            waits,
        ),
        bar_chart(
            t,
            "chart-shelter-refusals",
            t("Refusals by reason, %(year)s", year=year),
            t("Reason"),
            refusals,
        ),
        bar_chart(
            t,
            "chart-shelter-region",
            t("Placements by region, %(year)s", year=year),
            t("Region"),
            regions,
        ),
        bar_chart(
            t,
            "chart-shelter-form",
            t("Placements by form of exploitation, %(year)s", year=year),
            t("Form of exploitation"),
            forms,
        ),
    ]


def figures_html(t: Translator, counts: DashboardFigures) -> Markup:
    """The headline figures and the charts with their tables, as HTML."""
    headline = [
        {"label": t("Victim registrations"), "display": shown(t, counts.victim_registrations)},
        {
            "label": t("Persons (after linkage)"),
            "display": "–" if counts.persons is None else shown(t, counts.persons),
        },
        {"label": t("Suspect registrations"), "display": shown(t, counts.suspect_registrations)},
        {"label": t("Reports (meldingen)"), "display": shown(t, counts.reports)},
        {
            "label": t("Open quarantined rows (all organisations)"),
            "display": shown(t, counts.open_quarantine),
        },
        {
            "label": t("Anonymous reports via /meld in %(year)s", year=counts.channel.year),
            "display": shown(t, counts.channel.total),
        },
    ]
    by_form = [(t.label("form", code), n) for code, n in counts.by_form.items()]
    by_org = [
        (t.label("organisation", code), counts.by_organisation[code])
        for code in ORGANISATIONS.codes
        if code in counts.by_organisation
    ]
    charts = [
        bar_chart(
            t,
            "chart-year",
            t("Victim registrations per year"),
            t("Year"),
            [(str(year), count) for year, count in counts.by_year],
        ),
        bar_chart(
            t, "chart-form", t("Victim registrations by form"), t("Form of exploitation"), by_form
        ),
        bar_chart(
            t,
            "chart-organisation",
            t("Victim registrations by organisation"),
            t("Organisation"),
            by_org,
        ),
        *(
            bar_chart(
                t,
                f"chart-meld-{dimension}",
                title,
                t(category),
                [
                    (channel_label(t, dimension, code), n)
                    for code, n in sorted(counts.channel.by[dimension].items())
                ],
            )
            for dimension, title, category in (
                (
                    "language",
                    t("Anonymous reports by language, %(year)s", year=counts.channel.year),
                    N_("Language of the form"),
                ),
                (
                    "audience",
                    t("Anonymous reports by who reported, %(year)s", year=counts.channel.year),
                    N_("Who reported"),
                ),
            )
        ),
    ]
    if counts.shelter is not None:
        charts += shelter_charts(t, counts.shelter)
    figures = {"headline": headline, "charts": charts, "threshold": counts.k}
    html = environment.get_template("dashboard_figures.html").render(
        t=t, fmt=t.number, lang=t.lang, figures=figures
    )
    return Markup(html)  # noqa: S704 - rendered by the autoescaping environment


def current_counts(request: Request) -> tuple[Any, DashboardFigures]:
    """The data version and the dashboard's published counts of that version."""
    shared = state(request)
    version = data_version(shared.reader)
    # The engine, not the autocommit reader: the report's queries stream in a transaction.
    counts = versioned(shared.cache, "dashboard", version, lambda: dashboard_counts(shared.engine))
    return version, counts


@router.get("/dashboard")
async def dashboard(
    request: Request, principal: Annotated[Principal, Depends(requires("view_dashboard"))]
) -> Response:
    # On the event loop: one small query (the data version) and cached figures; the
    # published counts (an LP audit) and the out-of-date notice are computed in a worker
    # thread once per version (each cache entry is `versioned`'s pair of version and
    # value), so a request with a current cache makes no hop to a thread.
    t = Translator(language_of(request))
    version = data_version(state(request).reader)
    hit = state(request).cache.get("dashboard")
    if hit is not None and hit[0] == version:
        counts: DashboardFigures = hit[1]
    else:
        version, counts = await run_in_threadpool(current_counts, request)
    html = versioned(
        state(request).cache, f"dashboard-html:{t.lang}", version, lambda: figures_html(t, counts)
    )
    own_open = None
    if scope_of(principal, "correct_quarantine") == "own" and principal.organisation:
        # The steward's own rows, not a published figure: the national count above is.
        own_open = await run_in_threadpool(
            count_open, state(request).reader, principal.organisation
        )
    # The out-of-date notice reads the latest link run and victim delivery, which change
    # only with the data version: read once per version, not on every request.
    hit = state(request).cache.get("dashboard-staleness")
    if hit is not None and hit[0] == version:
        stale: Staleness | None = hit[1]
    else:
        stale = await run_in_threadpool(linkage_staleness, state(request).reader)
        state(request).cache["dashboard-staleness"] = (version, stale)
    return render(
        request,
        "dashboard.html",
        principal,
        N_("Dashboard"),
        figures_html=html,
        stale=stale,
        can_run_linkage=authorize(principal, "run_linkage"),
        own_open=own_open,
        organisation_label=t.label("organisation", principal.organisation),
    )
