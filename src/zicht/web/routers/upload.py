"""Upload of a partner file, its row-by-row result, and fix-and-resubmit of quarantined rows."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.i18n import N_
from zicht.ingest import export_quarantine
from zicht.ingest.problems import RowProblem
from zicht.standard import RECORD_TYPES
from zicht.store.web_queries import get_batch, open_quarantine, quarantine_entry, recent_uploads
from zicht.web.deps import accept_upload, audit, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.permissions import Principal, authorize, scope_of
from zicht.web.rendering import render
from zicht.web.uploads import UploadError, corrected_row_ingest, original_cells

router = APIRouter(include_in_schema=False)


def _record_types(t: Translator) -> list[tuple[str, str]]:
    return [(name, kind.nl if t.lang == "nl" else kind.en) for name, kind in RECORD_TYPES.items()]


def _upload_page(
    request: Request,
    principal: Principal,
    errors: dict[str, str],
    record_type: str = "victim_registration",
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    organisation = principal.organisation or ""
    uploads = [
        {**u, "when": t.date(u["uploaded_at"])}
        for u in recent_uploads(state(request).engine, organisation)
    ]
    return render(
        request,
        "upload.html",
        principal,
        N_("Upload a file"),
        status_code=status,
        errors=errors,
        record_types=_record_types(t),
        record_type=record_type,
        organisation_label=t.label("organisation", organisation),
        uploads=uploads,
    )


@router.get("/upload")
def upload_form(
    request: Request, principal: Annotated[Principal, Depends(requires("upload"))]
) -> Response:
    return _upload_page(request, principal, {})


@router.post("/upload")
async def upload_submit(
    request: Request, principal: Annotated[Principal, Depends(requires("upload"))]
) -> Response:
    t = Translator(language_of(request))
    async with request.form() as form:
        record_type = str(form.get("record_type", "victim_registration"))
        file = form.get("file")
        mapping = form.get("mapping")
        if not isinstance(file, UploadFile) or not file.filename:
            return _upload_page(request, principal, {"file": t("Choose a file")}, record_type, 400)
        file_name = file.filename
        content = await file.read()
        mapping_text = ""
        if isinstance(mapping, UploadFile) and mapping.filename:
            mapping_text = (await mapping.read()).decode("utf-8", errors="replace")
    try:
        result = await accept_upload(
            request,
            principal,
            file_name=file_name,
            content=content,
            record_type=record_type,
            mapping_text=mapping_text,
        )
    except UploadError as exc:
        return _upload_page(request, principal, {exc.field: exc.message}, record_type, 400)
    return RedirectResponse(f"/uploads/{result.batch_id}", status_code=303)


def _problems(batch: dict[str, Any], t: Translator) -> list[dict[str, Any]]:
    rows = []
    for entry in batch["problems"]:
        for error in entry["errors"]:
            problem = RowProblem(error["field"], error["rule"], error.get("column"))
            rows.append(
                {
                    "id": entry["id"],
                    "row": entry["row_number"],
                    "field": error["field"],
                    "column": error.get("column"),
                    "status": entry["status"],
                    "message": problem.describe(t.lang).split(": ", 1)[-1],
                }
            )
    return rows


@router.get("/uploads/{batch_id}")
def upload_result(
    request: Request, batch_id: int, principal: Annotated[Principal, Depends(requires("upload"))]
) -> Response:
    batch = get_batch(state(request).engine, batch_id)
    if batch is None or not authorize(principal, "upload", batch["source"]):
        raise HTTPException(status_code=404, detail="not_found")
    t = Translator(language_of(request))
    stored = batch["rows_new"] + batch["rows_updated"] + batch["rows_unchanged"]
    return render(
        request,
        "upload_result.html",
        principal,
        N_("Upload a file"),
        batch=batch,
        stored=stored,
        problems=_problems(batch, t),
        title=t("Result of batch %(batch)s", batch=batch["id"]),
        can_correct=authorize(principal, "correct_quarantine", batch["source"]),
    )


def _own(principal: Principal, action: str) -> str | None:
    return principal.organisation if scope_of(principal, action) == "own" else None


@router.get("/quarantine")
def quarantine(
    request: Request, principal: Annotated[Principal, Depends(requires("correct_quarantine"))]
) -> Response:
    t = Translator(language_of(request))
    entries = [
        {
            **e,
            "problems": [
                RowProblem(p["field"], p["rule"], p.get("column")).describe(t.lang)
                for p in e["errors"]
            ],
        }
        for e in open_quarantine(state(request).engine, _own(principal, "correct_quarantine"))
    ]
    fixed = request.query_params.get("fixed", "")
    return render(
        request,
        "quarantine.html",
        principal,
        N_("Quarantine"),
        entries=entries,
        fixed=fixed if fixed.isdigit() else "",
    )


@router.get("/quarantine/export.csv")
def quarantine_export(
    request: Request, principal: Annotated[Principal, Depends(requires("correct_quarantine"))]
) -> Response:
    shared = state(request)
    organisation = principal.organisation
    if organisation is None:
        raise HTTPException(status_code=404, detail="not_found")
    ids = [e["id"] for e in open_quarantine(shared.engine, organisation)]
    with tempfile.TemporaryDirectory(prefix="zicht-export-") as folder:
        out = Path(folder) / f"quarantine-{organisation}.csv"
        export_quarantine(shared.engine, shared.cipher, organisation, out)
        body = out.read_bytes()
    audit(request, principal, "export_quarantine", object_type="quarantine_row", object_ids=ids)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="quarantine-{organisation}.csv"'},
    )


def _entry(request: Request, principal: Principal, entry_id: int) -> dict[str, Any]:
    entry = quarantine_entry(state(request).engine, entry_id)
    if entry is None or not authorize(principal, "correct_quarantine", entry["source"]):
        raise HTTPException(status_code=404, detail="not_found")
    return entry


def _fix_page(
    request: Request,
    principal: Principal,
    entry: dict[str, Any],
    values: list[tuple[str, Any]],
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    by_column: dict[str, str] = {}
    for error in entry["errors"]:
        problem = RowProblem(error["field"], error["rule"], error.get("column"))
        message = problem.describe(t.lang)
        by_column.setdefault(error.get("column") or error["field"], message)
    cells, errors = [], {}
    for index, (column, value) in enumerate(values):
        cell_id = f"cell-{index}"
        cells.append({"id": cell_id, "column": column, "value": "" if value is None else value})
        if column in by_column:
            errors[cell_id] = by_column.pop(column)
    for index, message in enumerate(by_column.values()):  # problems without a column
        errors[f"cell-{index}" if not cells else cells[0]["id"]] = message
    return render(
        request,
        "quarantine_row.html",
        principal,
        N_("Quarantine"),
        status_code=status,
        entry=entry,
        cells=cells,
        errors=errors,
        title=t(
            "Correct row %(row)s of %(file)s", row=entry["row_number"], file=entry["file_name"]
        ),
    )


@router.get("/quarantine/{entry_id}")
def quarantine_row(
    request: Request,
    entry_id: int,
    principal: Annotated[Principal, Depends(requires("correct_quarantine"))],
) -> Response:
    entry = _entry(request, principal, entry_id)
    if entry["status"] != "open":
        return RedirectResponse(f"/quarantine?fixed={entry_id}", status_code=303)
    values = original_cells(state(request).cipher, entry)
    audit(
        request,
        principal,
        "view_quarantine_row",
        object_type="quarantine_row",
        object_ids=[entry_id],
    )
    return _fix_page(request, principal, entry, values)


@router.post("/quarantine/{entry_id}")
async def quarantine_fix(
    request: Request,
    entry_id: int,
    principal: Annotated[Principal, Depends(requires("correct_quarantine"))],
) -> Response:
    shared = state(request)
    entry = await run_in_threadpool(_entry, request, principal, entry_id)
    if entry["status"] != "open":
        return RedirectResponse(f"/quarantine?fixed={entry_id}", status_code=303)
    form = await request.form()
    columns = [column for column, _ in original_cells(shared.cipher, entry)]
    values = [(column, str(form.get(f"cell-{i}", ""))[:5000]) for i, column in enumerate(columns)]
    try:
        outcome = await run_in_threadpool(
            corrected_row_ingest, shared.engine, shared.cipher, entry, values, principal.actor
        )
    except UploadError as exc:
        entry = {
            **entry,
            "errors": [{"field": "file", "rule": "invalid", "column": None, "detail": exc.message}],
        }
        return _fix_page(request, principal, entry, values, 400)
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
    return _fix_page(request, principal, fresh, values, 400)
