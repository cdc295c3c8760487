"""Open-data downloads: the CTDC file, DP synthetic data and the international tables.

Each export is made on request by `zicht.opendata` (k-anonymity, differential privacy,
the publication policy), audited there with the requester as actor, and sent as one ZIP
of its files. Exports here cover one registration year: the service refuses a period
(overlapping periods could be subtracted from each other). The synthetic data are the
stored release of the year (made, and its epsilon spent, on the first request; the same
bytes afterwards) without the utility figures, which are computed from the true data
and not differentially private. The page shows each year's spent privacy budget.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import Actor, Principal, authorize
from zicht.i18n import N_
from zicht.opendata import ExportResult, OpenDataError, budget_overview
from zicht.privacy import PublicationPolicy
from zicht.web.deps import client_of, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)

# kind -> the action it needs, in the order of the page
KINDS: dict[str, str] = {
    "ctdc": "export_ctdc",
    "synthetic": "export_synthetic_data",
    "tables": "export_international_tables",
}
FIRST_YEAR, LAST_YEAR = 1990, 2100


def _defaults(request: Request) -> dict[str, Any]:
    settings = request.app.state.opendata
    return {
        "year": str(dt.date.today().year - 1),
        "k": settings["k"],
        "epsilon": settings["epsilon"],
        "budget": settings["budget"],
    }


def _page(
    request: Request,
    principal: Principal,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    kind: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    defaults = _defaults(request)
    shown = [k for k, action in KINDS.items() if authorize(principal, action)]
    forms = {k: {"year": defaults["year"], "errors": {}} for k in shown}
    if kind is not None:
        forms[kind] = {**forms[kind], **(values or {}), "errors": errors or {}}
    spent = (
        budget_overview(state(request).engine, defaults["budget"]) if "synthetic" in shown else []
    )
    return render(
        request,
        "opendata.html",
        principal,
        N_("Open data"),
        status_code=status_code,
        forms=forms,
        errors={f"{kind}-{field}": text for field, text in (errors or {}).items()},
        k=defaults["k"],
        epsilon=defaults["epsilon"],
        budget=defaults["budget"],
        spent=spent,
    )


@router.get("/opendata")
def opendata_page(
    request: Request,
    principal: Annotated[Principal, Depends(requires("export_international_tables"))],
) -> Response:
    return _page(request, principal)


def _year(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit() or len(text) != 4:
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


async def _export(request: Request, principal: Principal, kind: str) -> Response:
    async with request.form() as form:
        values = {"year": str(form.get("year", "")).strip()[:8]}
        # The form sends one year; a client that sends a period anyway reaches the
        # service with it, which refuses it (the rule lives there, not in the form).
        period = [str(form.get(name, "")).strip()[:8] for name in ("first", "last")]
    t = Translator(language_of(request))
    errors: dict[str, str] = {}
    if any(period):
        first, last = _year(period[0]), _year(period[1])
    else:
        first = last = _year(values["year"])
    if first is None or last is None:
        errors["year"] = t("Enter a year from %(low)s to %(high)s", low=FIRST_YEAR, high=LAST_YEAR)
        return _page(request, principal, status_code=400, errors=errors, kind=kind, values=values)
    shared = state(request)
    actor = Actor(principal.actor, principal.kind, principal.organisation, client_of(request))
    defaults = _defaults(request)
    make = _exporter(kind, defaults["k"], defaults["epsilon"], defaults["budget"])
    try:
        content = await run_in_threadpool(_zipped, make, shared.engine, actor, first, last)
    except OpenDataError as error:
        errors["year"] = t(error.message, **error.values)
        return _page(request, principal, status_code=400, errors=errors, kind=kind, values=values)
    name = f"zicht-opendata-{kind}-{last}.zip"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type="application/zip", headers=headers)


Exporter = Callable[..., ExportResult]


def _exporter(kind: str, k: int, epsilon: float, budget: float) -> Exporter:
    from zicht import opendata

    if kind == "ctdc":
        return lambda engine, actor, first, last, out: opendata.export_ctdc(
            engine, first_year=first, last_year=last, out=out, k=k, actor=actor,
            allow_ranges=False,
        )  # fmt: skip
    if kind == "synthetic":
        # No utility report here: it is computed from the true data.
        return lambda engine, actor, first, last, out: opendata.export_synthetic(
            engine, first_year=first, last_year=last, out=out, epsilon=epsilon,
            budget=budget, rare_below=k, actor=actor, allow_ranges=False, with_utility=False,
        )  # fmt: skip
    return lambda engine, actor, first, last, out: opendata.export_tables(
        engine, first_year=first, last_year=last, out=out, policy=PublicationPolicy(),
        actor=actor, allow_ranges=False,
    )  # fmt: skip


# Every member gets this time stamp, so that the same files make the same ZIP bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _zipped(make: Exporter, engine: Any, actor: Actor, first: int, last: int) -> bytes:
    """The export written to a private temporary folder, returned as one ZIP."""
    with tempfile.TemporaryDirectory(prefix="zicht-opendata-") as folder:
        out = Path(folder) / "export"
        result = make(engine, actor, first, last, out)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(result.files):
                member = zipfile.ZipInfo(path.name, date_time=_ZIP_TIME)
                member.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(member, path.read_bytes())
        return buffer.getvalue()


@router.post("/opendata/ctdc")
async def export_ctdc_file(
    request: Request, principal: Annotated[Principal, Depends(requires("export_ctdc"))]
) -> Response:
    return await _export(request, principal, "ctdc")


@router.post("/opendata/synthetic")
async def export_synthetic_file(
    request: Request,
    principal: Annotated[Principal, Depends(requires("export_synthetic_data"))],
) -> Response:
    return await _export(request, principal, "synthetic")


@router.post("/opendata/tables")
async def export_tables_file(
    request: Request,
    principal: Annotated[Principal, Depends(requires("export_international_tables"))],
) -> Response:
    return await _export(request, principal, "tables")
