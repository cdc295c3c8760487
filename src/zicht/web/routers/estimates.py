"""Estimates of the real number of victims (multiple systems estimation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import Principal, authorize
from zicht.i18n import N_
from zicht.store.linkage import unlinked_registrations_by_year as unlinked_years
from zicht.web.deps import requires, state
from zicht.web.explained import model_label
from zicht.web.figures import bar_chart
from zicht.web.figures import shown as shown_count
from zicht.web.i18n import Translator, language_of
from zicht.web.linked import latest_run, linkage_staleness
from zicht.web.linked import run_estimates as linked_estimates
from zicht.web.queries import cached
from zicht.web.rendering import render
from zicht.web.routers.dashboard import current_counts

if TYPE_CHECKING:
    from zicht.estimate import Estimate

router = APIRouter(include_in_schema=False)

_REASONS = {
    "too_few": N_("Too few persons to estimate."),
    "not_estimable": N_("Not estimable: fewer than two lists, or no model fits the overlaps."),
    "not_linked": N_("Not in the latest link run: its registrations came later."),
}


def run_estimates(request: Request) -> tuple[int | None, list[Estimate]]:
    """The published estimates of the latest link run (computed once per run)."""
    shared = state(request)
    run = latest_run(shared.engine)
    if run is None:
        return None, []
    rows = cached(
        shared.cache,
        f"estimates:{run.id}",
        lambda: linked_estimates(shared.engine, run.id),
        ttl=3600,
    )
    return run.id, rows


def late_registrations(request: Request, run_id: int | None) -> dict[int, int]:
    """Victim registrations per year stored after the latest link run (none without a
    run): the page and the API name these years rather than leave them out."""
    if run_id is None:
        return {}
    shared = state(request)
    return cached(shared.cache, f"unlinked-years:{run_id}", lambda: unlinked_years(shared.reader))


def observed_persons(request: Request, rows: list[Estimate]) -> list[int | None]:
    """Each row's registered persons as published (the report's cells; None: suppressed).

    All victims are the dashboard's persons of the run, a year the report's persons of
    that year: both from the one publication step, so no edge shows a count another
    suppresses.
    """
    _, counts = current_counts(request)
    published = counts.published
    return [
        published.get(("persons", int(row.stratum)) if row.stratum else ("dashboard", "persons"))
        for row in rows
    ]


@router.get("/estimates")
def estimates(
    request: Request, principal: Annotated[Principal, Depends(requires("view_estimates"))]
) -> Response:
    t = Translator(language_of(request))
    run_id, rows = run_estimates(request)
    shown: list[dict[str, str]] = []
    values: list[float] = []
    # No stratum is left out silently: one without an estimate says why, and so does a
    # year whose registrations all came after the link run (issue 14, point 10).
    without: list[dict[str, str]] = []
    for row, observed in zip(rows, observed_persons(request, rows), strict=True):
        if row.estimate is None:
            without.append(
                {
                    "stratum": row.stratum or t("All victims"),
                    "observed": shown_count(t, observed),
                    "reason": t(_REASONS.get(row.problem or "", _REASONS["not_estimable"])),
                }
            )
            continue
        upper = "∞" if row.upper is None else t.number(row.upper)
        values.append(row.estimate)
        shown.append(
            {
                "stratum": row.stratum or t("All victims"),
                "observed": shown_count(t, observed),
                "estimate": t.number(row.estimate),
                "interval": f"{t.number(row.lower)} – {upper}",
                "model": model_label(t, row.model),
            }
        )
    chart = None
    if shown:
        chart = bar_chart(
            t,
            "chart-estimates",
            t("Estimated number per stratum"),
            t("Stratum"),
            [(s["stratum"], v) for s, v in zip(shown, values, strict=True)],
            [s["estimate"] for s in shown],
        )
    late: list[str] = []
    if run_id is not None:
        unlinked = late_registrations(request, run_id)
        strata = {row.stratum for row in rows}
        for year in sorted(unlinked):
            if str(year) not in strata:
                without.append(
                    {"stratum": str(year), "observed": "–", "reason": t(_REASONS["not_linked"])}
                )
            # the year, not the number: a small count published beside the totals
            # would escape the publication policy
            late.append(
                t(
                    "%(year)s: registrations came after the latest link run and are not in "
                    "these estimates.",
                    year=year,
                )
            )
    message = (
        t("No linkage has run yet (zicht link).")
        if run_id is None
        else (None if shown or without else t("No data."))
    )
    return render(
        request,
        "estimates.html",
        principal,
        N_("Estimates"),
        stale=linkage_staleness(state(request).reader),
        can_run_linkage=authorize(principal, "run_linkage"),
        estimates=shown,
        without=sorted(without, key=lambda w: w["stratum"]),
        late=late,
        run_id=run_id,
        chart=chart,
        message=message,
    )
