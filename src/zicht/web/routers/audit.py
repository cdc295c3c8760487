"""The audit trail for the auditor: search, read in their language, export; the chain
checked afresh on every look."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import (
    AUDIT_ACTIONS,
    EXPORT_KEY,
    AuditEntry,
    Principal,
    actions_logged,
    search,
    verify,
)
from zicht.i18n import N_
from zicht.privacy import CsvWriter
from zicht.standard import RECORD_TYPES
from zicht.web.deps import audit, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import iso_date, whole_number
from zicht.web.queries import EXPORT_LIMIT, record_type_label
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)

AUDIT_PAGE = 50
SHOWN_IDS = 5
"""Record ids listed per entry on the page; the rest are counted (the export has all)."""


def _filters(params: QueryParams) -> dict[str, Any]:
    return {
        "actor": params.get("actor", "").strip()[:80] or None,
        "action": params.get("action", "").strip()[:60] or None,
        "object_id": params.get("object_id", "").strip()[:100] or None,
        "since": iso_date(params.get("since")),
        "until": iso_date(params.get("until")),
    }


def action_label(t: Translator, code: str) -> str:
    """The auditor's name for an action code (the code itself when it has none)."""
    return t(AUDIT_ACTIONS[code]) if code in AUDIT_ACTIONS else code


def _records(entry: AuditEntry, t: Translator, object_id: str | None = None) -> dict[str, Any]:
    ids = entry.ids
    kind = entry.object_type or ""
    if not ids and isinstance(entry.details, dict) and EXPORT_KEY in entry.details:
        # An export names its ids beside the chain: the one searched for, then the count.
        rows = int(entry.details.get("rows") or 0)
        ids = (object_id,) if object_id else ()
        return {
            "type": kind,
            "type_label": record_type_label(kind, t.lang) if kind in RECORD_TYPES else "",
            "shown": list(ids),
            "more": max(0, rows - len(ids)),
        }
    return {
        "type": kind,
        # a record of the standard by its name; other kinds of object as their code
        "type_label": record_type_label(kind, t.lang) if kind in RECORD_TYPES else "",
        "shown": list(ids[:SHOWN_IDS]),
        "more": len(ids[SHOWN_IDS:]),
    }


@router.get("/audit")
async def audit_log(
    request: Request, principal: Annotated[Principal, Depends(requires("read_audit"))]
) -> Response:
    shared = state(request)
    t = Translator(language_of(request))
    query = _filters(request.query_params)
    page = whole_number(request.query_params.get("page", "1"), 1, 99_999) or 1
    # The search is recorded first, so that the list and the chain check below both
    # include it: the number checked is the number in the trail at this moment.
    await run_in_threadpool(
        audit,
        request,
        principal,
        "search_audit",
        object_type="audit_entry",
        filters={k: str(v) for k, v in query.items() if v},
    )
    entries, total = await run_in_threadpool(
        search, shared.engine, **query, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE
    )
    chain = await run_in_threadpool(verify, shared.engine)
    rows = [
        {
            "seq": e.seq,
            "at": t.date(e.at),
            "actor": e.actor,
            "label": action_label(t, e.action),
            "label_known": e.action in AUDIT_ACTIONS,
            "records": _records(e, t, query["object_id"]),
            "purpose": e.purpose,
            "client": e.client,
        }
        for e in entries
    ]
    known = sorted(set(await run_in_threadpool(actions_logged, shared.engine)))
    rest = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "lang")]
    wanted = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page",)]
    return render(
        request,
        "audit.html",
        principal,
        N_("Audit trail"),
        entries=rows,
        total=total,
        chain=chain,
        page=page,
        pages=max(1, -(-total // AUDIT_PAGE)),
        query={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in query.items()},
        actions=sorted(((a, action_label(t, a)) for a in known), key=lambda pair: pair[1]),
        base_query=urlencode(rest) + ("&" if rest else ""),
        export_query=urlencode(wanted),
    )


@router.get("/audit/export.csv")
def export_audit(
    request: Request, principal: Annotated[Principal, Depends(requires("read_audit"))]
) -> Response:
    """Every entry matching the filters (up to EXPORT_LIMIT), newest first, as CSV."""
    shared = state(request)
    t = Translator(language_of(request))
    query = _filters(request.query_params)
    entries, total = search(shared.engine, **query, limit=EXPORT_LIMIT, offset=0)
    audit(
        request,
        principal,
        "export_audit",
        object_type="audit_entry",
        filters={k: str(v) for k, v in query.items() if v},
        rows=len(entries),
    )
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(
        [
            "seq",
            "at",
            "actor",
            "actor_organisation",
            "action",
            "action_label",
            "object_type",
            "object_ids",
            "purpose",
            "client",
            "entry_hash",
        ]
    )
    for e in entries:
        writer.writerow(
            [
                e.seq,
                e.at.isoformat(timespec="seconds"),
                e.actor,
                e.actor_organisation or "",
                e.action,
                action_label(t, e.action),
                e.object_type or "",
                e.object_ids or "",
                e.purpose or "",
                e.client or "",
                e.entry_hash,
            ]
        )
    name = f"audit-{dt.date.today().isoformat()}.csv"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    if total > len(entries):
        headers["x-zicht-truncated"] = str(total)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
