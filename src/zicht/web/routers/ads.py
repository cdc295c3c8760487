"""Screened ads for a platform's moderators and the chain's analysts.

A moderator sees the ads of their own platform, an analyst or coordinator across
platforms; pages show pseudonyms, flags with their evidence and the links that joined
an operator, never an ad's text or contacts. Counts pass the publication policy; the
export of an operator and every licence lookup (with a purpose) are audited. One
service each, in `zicht.platforms`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import MIN_PURPOSE, Actor, Principal, authorize
from zicht.i18n import N_
from zicht.platforms import (
    FLAG_LABELS,
    AdsNotVisible,
    ad_activity,
    ad_detail,
    export_operator,
    flag_texts,
    link_text,
    lookup_licence,
    operator_detail,
    operators_page,
    screened_page,
)
from zicht.store.models import utcnow
from zicht.web.deps import audit, client_of, look, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId, whole_number
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)
PAGE = 50
Viewer = Annotated[Principal, Depends(requires("view_ads"))]
PlatformCode = Annotated[str, PathParam(min_length=1, max_length=60, pattern=r"^[\w.-]+$")]
AdId = Annotated[str, PathParam(min_length=1, max_length=200)]
LICENCE_RULES = {
    "malformed": N_("This is not a licence number of the form GMcccc-nnnnnn-cc."),
    "check_digit": N_("The check digits of this licence number do not match: a typo?"),
}


def _platform_filter(request: Request) -> str | None:
    # a moderator's own platform is chosen by the service; asking for another is a 404
    return request.query_params.get("platform", "").strip()[:60] or None


def _ad_row(t: Translator, ad: Any) -> dict[str, Any]:
    return {
        "ad": ad,
        "flag_labels": [t(FLAG_LABELS.get(f, f)) for f in ad.flags],
    }


@router.get("/ads")
def ads(request: Request, principal: Viewer) -> Response:
    shared = state(request)
    t = Translator(language_of(request))
    page = whole_number(request.query_params.get("page", "1"), 1, 999_999) or 1
    flagged = request.query_params.get("flagged") == "1"
    try:
        rows, total = screened_page(
            shared.engine,
            principal,
            platform=_platform_filter(request),
            page=page,
            per_page=PAGE,
            min_score=0.001 if flagged else 0.0,
        )
    except AdsNotVisible:
        raise HTTPException(status_code=404, detail="not_found") from None
    audit(request, principal, "list_ads", object_type="ad", object_ids=[r.id for r in rows])
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "lang")]
    return render(
        request,
        "ads.html",
        principal,
        N_("Screened ads"),
        rows=[_ad_row(t, r) for r in rows],
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        flagged=flagged,
        platform=request.query_params.get("platform", ""),
        across=authorize(principal, "view_ads", "*"),
        base_query=urlencode(params) + ("&" if params else ""),
    )


@router.get("/ads/activity")
def activity(request: Request, principal: Viewer) -> Response:
    shared = state(request)
    try:
        figures = ad_activity(
            shared.engine,
            principal,
            platform=_platform_filter(request),
            today=utcnow().date(),
        )
    except AdsNotVisible:
        raise HTTPException(status_code=404, detail="not_found") from None
    audit(request, principal, "view_ad_activity", object_type="ad")
    return render(
        request, "ads_activity.html", principal, N_("Ads over time and cities"), figures=figures
    )


@router.get("/ads/{platform}/{ad_id}")
def ad(request: Request, platform: PlatformCode, ad_id: AdId, principal: Viewer) -> Response:
    shared = state(request)
    t = Translator(language_of(request))
    try:
        detail = ad_detail(shared.engine, principal, platform, ad_id)
    except AdsNotVisible:
        raise HTTPException(status_code=404, detail="not_found") from None
    audit(request, principal, "view_ad", object_type="ad", object_ids=[detail.ad.id])
    return render(
        request,
        "ad.html",
        principal,
        N_("Screened ad"),
        ad=detail.ad,
        flags=flag_texts(t, detail.evidence),
        links=[(link_text(t, k, v), p, a) for k, p, v, a in detail.links],
    )


@router.get("/operators")
def operators(request: Request, principal: Viewer) -> Response:
    shared = state(request)
    page = whole_number(request.query_params.get("page", "1"), 1, 999_999) or 1
    try:
        rows, total = operators_page(
            shared.engine, principal, platform=_platform_filter(request), page=page
        )
    except AdsNotVisible:
        raise HTTPException(status_code=404, detail="not_found") from None
    audit(
        request, principal, "list_operators", object_type="cluster", object_ids=[r[0] for r in rows]
    )
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "lang")]
    return render(
        request,
        "operators.html",
        principal,
        N_("Operators"),
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        base_query=urlencode(params) + ("&" if params else ""),
    )


@router.get("/operators/{cluster}")
def operator(request: Request, cluster: RowId, principal: Viewer) -> Response:
    shared = state(request)
    t = Translator(language_of(request))
    try:
        found = operator_detail(shared.engine, principal, cluster)
    except AdsNotVisible:
        raise HTTPException(status_code=404, detail="not_found") from None
    audit(
        request, principal, "view_operator", object_type="ad", object_ids=[a.id for a in found.ads]
    )
    names = {a.id: (a.platform, a.ad_id) for a in found.ads}
    return render(
        request,
        "operator.html",
        principal,
        N_("Operator"),
        cluster=cluster,
        members=[
            {"ad": a, "flags": flag_texts(t, found.evidence.get(a.id, []))} for a in found.ads
        ],
        links=[(names[a], names[b], link_text(t, k, v)) for a, b, k, v in found.links],
        can_export=authorize(principal, "export_cluster"),
    )


@router.get("/operators/{cluster}/export.csv")
def operator_export(
    request: Request,
    cluster: RowId,
    principal: Annotated[Principal, Depends(requires("export_cluster"))],
) -> Response:
    shared = state(request)
    t = Translator(language_of(request))
    actor = Actor(principal.actor, principal.kind, principal.organisation, client_of(request))
    try:
        text = export_operator(shared.engine, principal, actor, cluster, t)
    except AdsNotVisible:
        raise HTTPException(status_code=404, detail="not_found") from None
    headers = {"content-disposition": f'attachment; filename="operator-{cluster}.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


Looker = Annotated[Principal, Depends(requires("lookup_licence"))]


@router.get("/licences/lookup")
def lookup_form(request: Request, principal: Looker) -> Response:
    return render(
        request, "licence_lookup.html", principal, N_("Look up a licence"), errors={},
        number="", purpose="", result=None, today=dt.date.today(),
    )  # fmt: skip


@router.post("/licences/lookup")
async def lookup(request: Request, principal: Looker) -> Response:
    async with request.form() as form:
        number = str(form.get("number", "")).strip()[:40]
        purpose = str(form.get("purpose", "")).strip()[:400]
    t = Translator(language_of(request))
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = t("Enter a licence number")
    if len(purpose) < MIN_PURPOSE:
        errors["purpose"] = t("State the purpose of access")
    result = None
    if not errors:
        shared = state(request)
        result = await run_in_threadpool(
            lookup_licence,
            shared.engine,
            shared.cipher,
            principal,
            look(request, principal, purpose),
            number,
        )
        if result.rule is not None:
            errors["number"] = t(LICENCE_RULES[result.rule])
    return render(
        request, "licence_lookup.html", principal, N_("Look up a licence"),
        status_code=400 if errors and result is None else 200, errors=errors,
        number=number, purpose=purpose, result=result, today=utcnow().date(),
    )  # fmt: skip
