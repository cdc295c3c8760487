"""The delivery calendar: which organisation delivered when, per month, with counts and status.

One query (`store.web_uploads.deliveries`) serves both this calendar and the steward's
delivery list; the calendar only groups its rows by organisation and month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import Principal
from zicht.i18n import N_
from zicht.standard import ORGANISATIONS
from zicht.store.web_uploads import Delivery, deliveries
from zicht.web.deps import audit, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import whole_number
from zicht.web.rendering import render
from zicht.web.routers.upload import delivery_rows

router = APIRouter(include_in_schema=False)

# The worst status of a month's deliveries is the month's status.
_RANK = {"done": 0, "open": 1, "running": 2}


def month_cells(
    rows: list[Delivery], organisations: list[str]
) -> dict[str, dict[int, dict[str, Any]]]:
    """organisation -> month (1-12) -> files, rows read/stored/quarantined/open, status."""
    cells: dict[str, dict[int, dict[str, Any]]] = {code: {} for code in organisations}
    sums: dict[tuple[str, int], dict[str, Any]] = defaultdict(
        lambda: {"files": 0, "read": 0, "stored": 0, "quarantined": 0, "open": 0, "status": "done"}
    )
    for d in rows:
        cell = sums[(d.organisation, d.started_at.month)]
        cell["files"] += 1
        cell["read"] += d.rows_read
        cell["stored"] += d.rows_new + d.rows_updated
        cell["quarantined"] += d.rows_quarantined
        cell["open"] += d.rows_still_open
        if _RANK[d.status] > _RANK[cell["status"]]:
            cell["status"] = d.status
    for (organisation, month), cell in sums.items():
        cells.setdefault(organisation, {})[month] = cell
    return cells


@router.get("/deliveries")
def delivery_calendar(
    request: Request, principal: Annotated[Principal, Depends(requires("view_deliveries"))]
) -> Response:
    t = Translator(language_of(request))
    today = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    year = whole_number(request.query_params.get("year", ""), 2000, 2100) or today.year
    month = whole_number(request.query_params.get("month", ""), 1, 12)
    organisation = request.query_params.get("organisation") or None
    start, end = dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)
    rows = deliveries(state(request).engine, start=start, end=end)
    codes = list(ORGANISATIONS.codes)
    cells = month_cells(rows, codes)
    months = [
        {
            "number": m,
            "label": t.date(dt.date(year, m, 1), "MMM"),
            "name": t.date(dt.date(year, m, 1), "MMMM"),
        }
        for m in range(1, 13)
    ]
    statuses = {
        "done": t("complete"),
        "open": t("rows wait in quarantine"),
        "running": t("not finished"),
    }
    calendar = [
        {
            "code": code,
            "label": t.label("organisation", code),
            "months": [
                {**cells[code][m], "number": m, "status_label": statuses[cells[code][m]["status"]]}
                if m in cells[code]
                else None
                for m in range(1, 13)
            ],
        }
        for code in sorted(cells, key=lambda c: t.label("organisation", c))
    ]
    chosen: list[Delivery] = []
    if month is not None:
        chosen = [
            d
            for d in rows
            if d.started_at.month == month
            and (organisation is None or d.organisation == organisation)
        ]
    audit(
        request,
        principal,
        "view_deliveries",
        object_type="ingest_batch",
        object_ids=[d.batch_id for d in chosen],
        year=year,
    )
    return render(
        request,
        "deliveries.html",
        principal,
        N_("Deliveries"),
        year=year,
        month=month,
        month_name=months[month - 1]["name"] if month else None,
        organisation_label=t.label("organisation", organisation) if organisation else None,
        months=months,
        calendar=calendar,
        chosen=delivery_rows(t, chosen),
        total=t.number(len(rows)),
    )
