"""The dashboard: headline figures and charts, each chart with its table."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from zicht.standard import FORMS, ORGANISATIONS
from zicht.web.deps import requires, state
from zicht.web.figures import SMALL_COUNT, bar_chart, dashboard_counts, shown
from zicht.web.i18n import Translator, language_of
from zicht.web.permissions import Principal
from zicht.web.queries import cached
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard(
    request: Request, principal: Annotated[Principal, Depends(requires("view_dashboard"))]
) -> Response:
    shared = state(request)
    counts = cached(shared.cache, "dashboard", lambda: dashboard_counts(shared.engine))
    t = Translator(language_of(request))
    headline = [
        {"label": t("victim_registrations"), "display": shown(t, counts["victim_registration"])},
        {
            "label": t("persons_count"),
            "display": "–" if counts["persons"] is None else shown(t, counts["persons"]),
        },
        {"label": t("suspect_registrations"), "display": shown(t, counts["suspect_registration"])},
        {"label": t("reports_count"), "display": shown(t, counts["report"])},
        {"label": t("open_quarantine"), "display": shown(t, counts["quarantine"])},
    ]
    by_form = [
        (t.label("form", code), counts["by_form"].get(code, 0))
        for code in FORMS.codes
        if counts["by_form"].get(code)
    ]
    by_org = [
        (t.label("organisation", code), counts["by_organisation"][code])
        for code in ORGANISATIONS.codes
        if counts["by_organisation"].get(code)
    ]
    charts = [
        bar_chart(
            t,
            "chart-year",
            t("chart_year"),
            t("year"),
            [(str(year), count) for year, count in counts["by_year"]],
        ),
        bar_chart(t, "chart-form", t("chart_form"), t("form"), by_form),
        bar_chart(t, "chart-organisation", t("chart_organisation"), t("organisation"), by_org),
    ]
    figures = {"headline": headline, "charts": charts, "threshold": SMALL_COUNT}
    return render(request, "dashboard.html", principal, "dashboard", figures=figures)
