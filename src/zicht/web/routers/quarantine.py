"""The quarantine of an organisation: paged, filtered and grouped; export; correct one row."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.access import MIN_PURPOSE, Principal, authorize, scope_of
from zicht.i18n import N_
from zicht.ingest import RULES, RowProblem, export_quarantine, rule_message
from zicht.standard import RECORD_TYPES
from zicht.store.web_quarantine import (
    QuarantineEntry,
    QuarantineFilter,
    open_quarantine,
    quarantine_entry,
    quarantine_page,
)
from zicht.web.deps import audit, look, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId, whole_number
from zicht.web.quarantine_hints import cell_hints, problem_hint
from zicht.web.queries import field_label
from zicht.web.rendering import render
from zicht.web.uploads import UploadError, corrected_row_ingest, delivery_mapping, original_cells

router = APIRouter(include_in_schema=False)
# What the audit trail records as the purpose of a quarantine row's look when no other
# is given: correcting the organisation's own rows is the one reason the role opens them.
QUARANTINE_PURPOSE = "correct quarantined rows of the own organisation"


def _own(principal: Principal) -> str | None:
    own = scope_of(principal, "correct_quarantine") == "own"
    return principal.organisation if own else None


def _type_label(t: Translator, record_type: str) -> str:
    kind = RECORD_TYPES[record_type]
    return kind.nl if t.lang == "nl" else kind.en


def _messages(
    request: Request, entries: list[QuarantineEntry], t: Translator
) -> dict[int, list[str]]:
    """The problems of each entry in words, with the expected format or allowed codes."""
    mappings: dict[int, Any] = {}
    shown: dict[int, list[str]] = {}
    for entry in entries:
        if entry.batch_id not in mappings:
            mappings[entry.batch_id] = delivery_mapping(
                state(request).engine, entry.batch_id, entry.record_type
            )[1]
        lines = []
        for error in entry.errors:
            problem = RowProblem(error["field"], error["rule"], error.get("column"))
            text = problem.describe(t.lang, entry.record_type)
            hint = problem_hint(mappings[entry.batch_id], error["field"], error["rule"], t.lang)
            lines.append(Markup("{}. {}").format(text, hint) if hint else text)
        shown[entry.id] = lines
    return shown


@router.get("/quarantine")
def quarantine(
    request: Request, principal: Annotated[Principal, Depends(requires("correct_quarantine"))]
) -> Response:
    t = Translator(language_of(request))
    params = request.query_params
    record_type = params.get("record_type") or None
    rule = params.get("rule") or None
    wanted = QuarantineFilter(
        organisation=_own(principal),
        record_type=record_type if record_type in RECORD_TYPES else None,
        rule=rule if rule in RULES else None,
        page=whole_number(params.get("page"), 1, 1_000_000) or 1,
    )
    page = quarantine_page(state(request).engine, wanted)
    pages = max(1, -(-page.total // wanted.page_size))
    messages = _messages(request, page.entries, t)
    chosen = {"record_type": wanted.record_type or "", "rule": wanted.rule or ""}
    fixed = params.get("fixed", "")
    return render(
        request,
        "quarantine.html",
        principal,
        N_("Quarantine"),
        entries=[
            {
                "id": e.id,
                "type": _type_label(t, e.record_type),
                "file_name": e.file_name,
                "row_number": e.row_number,
                "problems": messages[e.id],
            }
            for e in page.entries
        ],
        total=page.total,
        groups=[
            {
                "type": _type_label(t, g.record_type),
                "rule": rule_message(g.rule, t.lang),
                "count": g.count,
                "query": urlencode({"record_type": g.record_type, "rule": g.rule}),
            }
            for g in page.groups
        ],
        exports=[(name, _type_label(t, name), count) for name, count in page.record_types],
        type_options=[(name, _type_label(t, name)) for name, _ in page.record_types],
        rule_options=sorted({(g.rule, rule_message(g.rule, t.lang)) for g in page.groups}),
        chosen=chosen,
        filtered=bool(wanted.record_type or wanted.rule),
        page=wanted.page,
        pages=pages,
        base_query=urlencode({k: v for k, v in chosen.items() if v}) + "&"
        if any(chosen.values())
        else "",
        fixed=fixed if fixed.isascii() and fixed.isdigit() else "",
    )


@router.get("/quarantine/export.csv")
def quarantine_export(
    request: Request, principal: Annotated[Principal, Depends(requires("correct_quarantine"))]
) -> Response:
    shared = state(request)
    organisation = principal.organisation
    if organisation is None:
        raise HTTPException(status_code=404, detail="not_found")
    record_type = request.query_params.get("record_type") or "victim_registration"
    if record_type not in RECORD_TYPES:
        raise HTTPException(status_code=404, detail="not_found")
    ids: list[int | str] = [e.id for e in open_quarantine(shared.engine, organisation, record_type)]
    name = f"quarantine-{organisation}-{record_type}.csv"
    with tempfile.TemporaryDirectory(prefix="zicht-export-") as folder:
        out = Path(folder) / name
        # the export audits itself (export_quarantine, with the rows it holds)
        export_quarantine(
            shared.engine,
            shared.cipher,
            organisation,
            out,
            record_type,
            look=look(request, principal, QUARANTINE_PURPOSE, rows=len(ids)),
            lang=language_of(request),
        )
        body = out.read_bytes()
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def _entry(request: Request, principal: Principal, entry_id: int) -> QuarantineEntry:
    entry = quarantine_entry(state(request).engine, entry_id)
    if entry is None or not authorize(principal, "correct_quarantine", entry.source):
        raise HTTPException(status_code=404, detail="not_found")
    return entry


def _fix_page(
    request: Request,
    principal: Principal,
    entry: QuarantineEntry,
    values: list[tuple[str, Any]],
    purpose: str,
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    _, mapping = delivery_mapping(state(request).engine, entry.batch_id, entry.record_type)
    hints = cell_hints(mapping, [column for column, _ in values], t.lang)
    by_column: dict[str, str] = {}
    for error in entry.errors:
        problem = RowProblem(error["field"], error["rule"], error.get("column"))
        by_column.setdefault(
            error.get("column") or error["field"], problem.describe(t.lang, entry.record_type)
        )
    cells: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    hidden = 0
    for index, (column, value) in enumerate(values):
        hint = hints[column]
        if hint.identity and not purpose:
            hidden += 1  # shown only once a purpose is given (and audited)
            continue
        cell_id = f"cell-{index}"
        text = "" if value is None else str(value)
        chosen = text.split(hint.multiple) if hint.multiple else [text]
        cells.append(
            {
                "id": cell_id,
                "column": column,
                "label": _cell_label(t, entry.record_type, column, hint.field),
                "value": text,
                "hint": hint.hint,
                "choices": hint.choices,
                "multiple": bool(hint.multiple and hint.choices),
                "chosen": [c.strip() for c in chosen],
                "known": any(c.strip() == v for v, _ in hint.choices for c in chosen),
            }
        )
        if column in by_column:
            errors[cell_id] = by_column.pop(column)
    for message in by_column.values():  # problems of hidden cells, or of no column
        where = "purpose" if hidden or not cells else cells[0]["id"]
        errors[where] = f"{errors[where]}; {message}" if where in errors else message
    return render(
        request,
        "quarantine_row.html",
        principal,
        N_("Quarantine"),
        status_code=status,
        entry=entry,
        cells=cells,
        errors=errors,
        hidden=hidden,
        purpose=purpose,
        title=t("Correct row %(row)s of %(file)s", row=entry.row_number, file=entry.file_name),
    )


def _cell_label(t: Translator, record_type: str, column: str, name: str | None) -> str:
    """A column of the delivered file by the label of the field it feeds, and its name."""
    if name is None:
        return column
    label = field_label(record_type, name, t.lang)
    if label.casefold() == column.casefold():
        return column
    return t("%(field)s (column %(column)s)", field=label, column=column)


def _purpose(text: str | None) -> str:
    purpose = (text or "").strip()[:400]
    return purpose if len(purpose) >= MIN_PURPOSE else ""


@router.get("/quarantine/{entry_id}")
def quarantine_row(
    request: Request,
    entry_id: RowId,
    principal: Annotated[Principal, Depends(requires("correct_quarantine"))],
) -> Response:
    entry = _entry(request, principal, entry_id)
    if entry.status != "open":
        return RedirectResponse(f"/quarantine?fixed={entry_id}", status_code=303)
    # a purpose in the URL would end up in browser histories and server logs: the
    # identity cells are shown only through the page's POST form
    return _row_page(request, principal, entry, "")


def _row_page(
    request: Request, principal: Principal, entry: QuarantineEntry, purpose: str
) -> Response:
    shared = state(request)
    # audited by original_cells itself (view_quarantine_row, with the purpose given or
    # the role's own: correcting the organisation's rows, identity cells then hidden)
    values = original_cells(
        shared.engine,
        shared.cipher,
        look(request, principal, purpose or QUARANTINE_PURPOSE, identities=bool(purpose)),
        entry,
    )
    return _fix_page(request, principal, entry, values, purpose)


@router.post("/quarantine/{entry_id}")
async def quarantine_fix(
    request: Request,
    entry_id: RowId,
    principal: Annotated[Principal, Depends(requires("correct_quarantine"))],
) -> Response:
    shared = state(request)
    entry = await run_in_threadpool(_entry, request, principal, entry_id)
    if entry.status != "open":
        return RedirectResponse(f"/quarantine?fixed={entry_id}", status_code=303)
    form = await request.form()
    purpose = _purpose(str(form.get("purpose", "")))
    if form.get("show"):  # the purpose form: show the identity cells, correct nothing
        return await run_in_threadpool(_row_page, request, principal, entry, purpose)
    correction = look(
        request, principal, purpose or QUARANTINE_PURPOSE, identities=bool(purpose), correction=True
    )
    original = await run_in_threadpool(
        original_cells, shared.engine, shared.cipher, correction, entry
    )
    _, mapping = delivery_mapping(shared.engine, entry.batch_id, entry.record_type)
    hints = cell_hints(mapping, [column for column, _ in original], "en")
    values = []
    for index, (column, value) in enumerate(original):
        given = [str(v) for v in form.getlist(f"cell-{index}")]
        if not given:  # not shown (identity without a purpose): kept as delivered
            values.append((column, "" if value is None else str(value)))
            continue
        joined = (hints[column].multiple or ";").join(given) if len(given) > 1 else given[0]
        values.append((column, joined[:5000]))
    try:
        outcome = await run_in_threadpool(
            corrected_row_ingest, shared.engine, shared.cipher, entry, values
        )
    except UploadError as exc:
        failed = QuarantineEntry(
            **{
                **entry.__dict__,
                "errors": [
                    {
                        "field": "file",
                        "rule": "invalid",
                        "column": None,
                        "detail": exc.describe(language_of(request)),
                    }
                ],
            }
        )
        return _fix_page(request, principal, failed, values, purpose, 400)
    shared.cache.clear()
    await run_in_threadpool(
        audit,
        request,
        principal,
        "correct_quarantine",
        object_type="quarantine_row",
        object_ids=[entry_id],
        batch=outcome.result.batch_id,
        resolved=outcome.resolved,
    )
    if outcome.resolved:
        return RedirectResponse(f"/quarantine?fixed={entry_id}", status_code=303)
    fresh = await run_in_threadpool(_entry, request, principal, entry_id)
    shown = await run_in_threadpool(original_cells, shared.engine, shared.cipher, correction, fresh)
    return _fix_page(request, principal, fresh, shown, purpose, 400)
