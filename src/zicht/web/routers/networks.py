"""Networks: the ranking of the latest network run, and one network drawn with its evidence.

Members are shown by their pseudonyms. An analyst or coordinator
(`view_network_identities`) may ask for the identities behind them with a purpose, in a
POSTed form with its CSRF token (never in the URL); `zicht.network.node_identities`
decrypts them through `zicht.access`'s door, which writes the one `view_identity` entry.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import MIN_PURPOSE, Principal, authorize
from zicht.i18n import N_
from zicht.network import (
    CHANGE_TEXTS,
    KIND_TEXTS,
    MAX_DRAWN,
    RunNotFound,
    draw_svg,
    network_detail,
    node_identities,
    ranking,
    reason_text,
    resolve_run,
)
from zicht.standard import RECORD_TYPES
from zicht.web.deps import audit, look, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId, whole_number
from zicht.web.queries import record_type_label
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)
PAGE = 50


def _row(t: Translator, network: dict[str, Any]) -> dict[str, Any]:
    return {
        **network,
        "change_text": t(CHANGE_TEXTS.get(str(network["change"]), str(network["change"]))),
        "reason_texts": [reason_text(t, code, int(value)) for code, value in network["reasons"]],
        "forms_text": t.labels("form", str(network["forms"]) or None),
    }


@router.get("/networks")
def networks(
    request: Request, principal: Annotated[Principal, Depends(requires("view_networks"))]
) -> Response:
    shared = state(request)
    t = Translator(language_of(request))
    page = whole_number(request.query_params.get("page", "1"), 1, 999_999) or 1
    try:
        run = resolve_run(shared.engine)
    except RunNotFound:
        run = None
    rows: list[dict[str, Any]] = []
    if run is not None:
        ranked = ranking(shared.engine, run)
        rows = [_row(t, r) for r in ranked.to_dict("records")]
    pages = max(1, -(-len(rows) // PAGE))
    shown = rows[(page - 1) * PAGE : page * PAGE]
    audit(
        request,
        principal,
        "list_networks",
        object_type="network",
        object_ids=[int(r["network"]) for r in shown],
        run=None if run is None else run.id,
    )
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "lang")]
    return render(
        request,
        "networks.html",
        principal,
        N_("Networks"),
        run=run,
        networks=shown,
        total=len(rows),
        page=page,
        pages=pages,
        base_query=urlencode(params) + ("&" if params else ""),
    )


def _network(request: Request, principal: Principal, network: int, purpose: str | None) -> Response:
    """One network; with its members' identities when `purpose` was POSTed."""
    can_identify = authorize(principal, "view_network_identities")
    if purpose is not None and not can_identify:
        raise HTTPException(status_code=403, detail="forbidden")
    shared = state(request)
    t = Translator(language_of(request))
    try:
        run = resolve_run(shared.engine)
        if not 0 < network < 2**31:
            raise RunNotFound("out of range")
        detail = network_detail(shared.engine, run, network)
    except RunNotFound:
        raise HTTPException(status_code=404, detail="not_found") from None
    errors: dict[str, str] = {}
    labels: dict[int, str] = {}
    show = False
    if purpose is not None:
        purpose = purpose.strip()[:400]
        if len(purpose) < MIN_PURPOSE:
            errors["purpose"] = t("State the purpose of access")
        else:
            show = True
            # the door decrypts and writes one view_identity entry for the whole network
            labels = node_identities(
                shared.engine,
                shared.cipher,
                look(request, principal, purpose, run=run.id, network=network),
                detail.nodes,
                detail.evidence,
            )
    if not show:
        audit(
            request,
            principal,
            "view_network",
            object_type="network",
            object_ids=[network],
            run=run.id,
        )
    nodes = detail.nodes.assign(
        label=[
            labels.get(int(n), str(lb))
            for n, lb in zip(detail.nodes["node"], detail.nodes["label"], strict=True)
        ]
    )
    label_of = dict(zip(nodes["node"], nodes["label"], strict=True))
    members = [
        {
            "label": row["label"],
            "kind": t(KIND_TEXTS.get(str(row["kind"]), str(row["kind"]))),
            "betweenness": t.number(float(row["betweenness"]), 1),
            "articulation": bool(row["articulation"]),
        }
        for row in nodes.sort_values(["kind", "node"]).to_dict("records")
    ]
    edges = [
        {
            "source": label_of.get(row["source_node"], ""),
            "target": label_of.get(row["target_node"], ""),
            "kind": t(KIND_TEXTS.get(str(row["kind"]), str(row["kind"]))),
            "record_type": (
                record_type_label(str(row["record_type"]), t.lang)
                if row["record_type"] in RECORD_TYPES
                else t(KIND_TEXTS.get(str(row["record_type"]), str(row["record_type"])))
            ),
            "record_id": row["record_id"],
            "organisation": t.label("organisation", str(row["organisation"])),
            "seen_on": t.date(row["seen_on"]) if row["seen_on"] is not None else "",
        }
        for row in detail.evidence.sort_values(["seen_on", "id"]).to_dict("records")
    ]
    title = t("Network %(network)s", network=network)
    svg = draw_svg(nodes, detail.edges, title)
    return render(
        request,
        "network.html",
        principal,
        N_("Networks"),
        title=title,
        run=run,
        network=_row(t, detail.summary),
        drawing=Markup(svg),  # noqa: S704 - built from escaped labels by zicht.network
        too_large=len(nodes) > MAX_DRAWN,
        members=members,
        edges=edges,
        timeline=detail.timeline.to_dict("records"),
        identities_shown=show,
        can_identify=can_identify,
        purpose=purpose if show else "",
        errors=errors,
    )


@router.get("/networks/{network}")
def network(
    request: Request,
    network: RowId,
    principal: Annotated[Principal, Depends(requires("view_networks"))],
) -> Response:
    return _network(request, principal, network, None)


@router.post("/networks/{network}")
async def network_with_identities(
    request: Request,
    network: RowId,
    principal: Annotated[Principal, Depends(requires("view_networks"))],
) -> Response:
    """One network with its members' identities: the purpose comes in the POSTed form
    (with its CSRF token, checked by `requires`), never in the URL."""
    form = await request.form()
    purpose = form.get("purpose")
    return await run_in_threadpool(
        _network, request, principal, network, purpose if isinstance(purpose, str) else ""
    )
