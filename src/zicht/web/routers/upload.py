"""Upload of a partner file and its row-by-row result (the quarantine is `quarantine.py`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.access import Principal, authorize
from zicht.i18n import N_
from zicht.ingest import RowProblem
from zicht.standard import RECORD_TYPES
from zicht.store.web_uploads import Batch, Delivery, get_batch, recent_deliveries
from zicht.web.deps import accept_upload, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId
from zicht.web.quarantine_hints import problem_hint
from zicht.web.rendering import render
from zicht.web.uploads import UploadError, delivery_mapping

router = APIRouter(include_in_schema=False)
# What the audit trail records as the purpose of a quarantine row's look: correcting
# the organisation's own rows is the one reason the role may open them.
QUARANTINE_PURPOSE = "correct quarantined rows of the own organisation"


def _record_types(t: Translator) -> list[tuple[str, str]]:
    return [(name, kind.nl if t.lang == "nl" else kind.en) for name, kind in RECORD_TYPES.items()]


def delivery_rows(t: Translator, deliveries: list[Delivery]) -> list[dict[str, Any]]:
    """Deliveries as table rows: counts and status in the reader's language."""
    statuses = {
        "running": t("not finished"),
        "open": t("rows wait in quarantine"),
        "done": t("complete"),
    }
    kinds = dict(_record_types(t))
    return [
        {
            "batch_id": d.batch_id,
            "organisation": t.label("organisation", d.organisation),
            "file_name": d.file_name,
            "record_type": kinds.get(d.record_type, d.record_type),
            "channel": d.uploaded_by or t("command line"),
            "when": t.date(d.started_at),
            "rows_read": t.number(d.rows_read),
            "rows_stored": t.number(d.rows_new + d.rows_updated),
            "rows_quarantined": t.number(d.rows_quarantined),
            "rows_still_open": t.number(d.rows_still_open),
            "status": statuses[d.status],
        }
        for d in deliveries
    ]


def _upload_page(
    request: Request,
    principal: Principal,
    errors: dict[str, str],
    record_type: str = "victim_registration",
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    organisation = principal.organisation or ""
    uploads = delivery_rows(t, recent_deliveries(state(request).engine, organisation))
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
        message = exc.describe(t.lang)
        return _upload_page(request, principal, {exc.field: message}, record_type, 400)
    return RedirectResponse(f"/uploads/{result.batch_id}", status_code=303)


def problem_rows(request: Request, batch: Batch, t: Translator) -> list[dict[str, Any]]:
    """Each broken rule of each quarantined row of a batch, with what the field expects."""
    _, mapping = delivery_mapping(state(request).engine, batch.id, batch.record_type)
    rows = []
    for entry in batch.problems:
        for error in entry.errors:
            problem = RowProblem(error["field"], error["rule"], error.get("column"))
            hint = problem_hint(mapping, error["field"], error["rule"], t.lang)
            message = problem.describe(t.lang).split(": ", 1)[-1]
            rows.append(
                {
                    "id": entry.id,
                    "row": entry.row_number,
                    "field": error["field"],
                    "column": error.get("column"),
                    "status": entry.status,
                    "message": f"{message}. {hint}" if hint else message,
                }
            )
    return rows


@router.get("/uploads/{batch_id}")
def upload_result(
    request: Request, batch_id: RowId, principal: Annotated[Principal, Depends(requires("upload"))]
) -> Response:
    batch = get_batch(state(request).engine, batch_id)
    if batch is None or not authorize(principal, "upload", batch.source):
        raise HTTPException(status_code=404, detail="not_found")
    t = Translator(language_of(request))
    return render(
        request,
        "upload_result.html",
        principal,
        N_("Upload a file"),
        batch=batch,
        stored=batch.stored,
        waiting=batch.waiting_elsewhere,
        problems=problem_rows(request, batch, t),
        title=t("Result of batch %(batch)s", batch=batch.id),
        can_correct=authorize(principal, "correct_quarantine", batch.source),
    )
