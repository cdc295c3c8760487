"""Licences by API: a municipality's system sends its register with an API token.

The token's organisation is the municipality's CBS code (GM0363) and needs the action
`import_licences`. One service with `zicht licences import`: the same rules, the same
quarantine, one transaction (a file unusable as a whole stores nothing: 400).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from zicht.access import Principal
from zicht.ingest import IngestFileError
from zicht.platforms import MAX_LICENCE_UPLOAD, import_licence_upload
from zicht.web.deps import requires, state
from zicht.web.params import reject_unknown_query
from zicht.web.routers._delivery import deliver_audited

router = APIRouter(prefix="/api", tags=["licences"], dependencies=[Depends(reject_unknown_query)])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Unusable file (nothing stored)"},
    401: {"description": "Not authenticated"},
    403: {"description": "Not allowed"},
}


class LicenceImportOut(BaseModel):
    """What happened to every row: refusals name file, row, field and rule, never a value."""

    municipality: str
    rows_read: int
    new: int
    updated: int
    unchanged: int
    quarantined: int
    refusals: list[str]


@router.post("/licences", responses=ERRORS, status_code=201)
async def import_licences_api(
    request: Request,
    principal: Annotated[Principal, Depends(requires("import_licences"))],
    file: Annotated[UploadFile, File(description="CSV, TSV, XLSX or JSON Lines licence file")],
    mapping: Annotated[UploadFile | None, File(description="YAML mapping file")] = None,
) -> LicenceImportOut:
    """Import the licences of the token's municipality (its organisation, a CBS code)."""
    content = await file.read(MAX_LICENCE_UPLOAD + 1)
    mapping_text = ""
    if mapping is not None and mapping.filename:
        mapping_text = (await mapping.read(64 * 1024)).decode("utf-8", errors="replace")
    shared = state(request)
    try:
        result = await deliver_audited(
            request,
            principal,
            "import_licences",
            lambda connection: import_licence_upload(
                content,
                file_name=file.filename,
                municipality=principal.organisation or "",
                mapping_text=mapping_text,
                engine=connection,
                cipher=shared.cipher,
            ),
        )
    except IngestFileError as exc:
        raise HTTPException(status_code=400, detail={"file": exc.problem}) from None
    except SQLAlchemyError:
        raise HTTPException(
            status_code=400, detail={"file": "the database refused the import; nothing stored"}
        ) from None
    return LicenceImportOut(
        municipality=result.municipality,
        rows_read=result.rows_read,
        new=result.new,
        updated=result.updated,
        unchanged=result.unchanged,
        quarantined=result.quarantined,
        refusals=result.refusals,
    )
