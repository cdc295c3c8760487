"""A municipality imports its licence register from a file on a page.

The page of the upload form (a file and an optional mapping) for a municipality's
account (organisation = its CBS code, action `import_licences`); one service with
`zicht licences import` and `POST /api/licences`: ingest's readers, the mapping
format, the rules, the shared quarantine and one transaction. Every import is an
audit entry; refused rows are shown by row, field and rule, never a value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import Principal
from zicht.i18n import N_
from zicht.ingest import IngestFileError
from zicht.platforms import MAX_LICENCE_UPLOAD, LicenceImport, import_licence_upload
from zicht.web.deps import requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import render
from zicht.web.routers._delivery import deliver_audited

router = APIRouter(include_in_schema=False)
Importer = Annotated[Principal, Depends(requires("import_licences"))]
TITLE = N_("Import licences")


def _page(
    request: Request,
    principal: Principal,
    errors: dict[str, str],
    result: LicenceImport | None = None,
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    problems: list[dict[str, Any]] = []
    if result is not None:
        problems = [
            {"row": row, "field": p.field, "column": p.column or "", "rule": p.rule,
             "message": p.message(t.lang)}
            for row, p in result.problems
        ]  # fmt: skip
    return render(
        request, "licence_import.html", principal, TITLE, status_code=status, errors=errors,
        municipality=principal.organisation or "", result=result, problems=problems,
    )  # fmt: skip


@router.get("/licences/import")
def import_form(request: Request, principal: Importer) -> Response:
    return _page(request, principal, {})


@router.post("/licences/import")
async def import_submit(request: Request, principal: Importer) -> Response:
    t = Translator(language_of(request))
    async with request.form() as form:
        file = form.get("file")
        mapping = form.get("mapping")
        if not isinstance(file, UploadFile) or not file.filename:
            return _page(request, principal, {"file": t("Choose a file")}, status=400)
        file_name = file.filename
        content = await file.read(MAX_LICENCE_UPLOAD + 1)
        mapping_text = ""
        if isinstance(mapping, UploadFile) and mapping.filename:
            mapping_text = (await mapping.read(64 * 1024)).decode("utf-8", errors="replace")
    shared = state(request)
    try:
        result = await deliver_audited(
            request,
            principal,
            "import_licences",
            lambda connection: import_licence_upload(
                content,
                file_name=file_name,
                municipality=principal.organisation or "",
                mapping_text=mapping_text,
                engine=connection,
                cipher=shared.cipher,
            ),
        )
    except IngestFileError as exc:
        field = "mapping" if exc.problem.startswith("mapping:") else "file"
        name = Path(str(exc.path)).name
        message = f"{name}: {exc.describe(t.lang)}"  # the file's name and its problem
        return _page(request, principal, {field: message}, status=400)
    except SQLAlchemyError:
        message = t("The database refused the import; nothing was stored.")
        return _page(request, principal, {"file": message}, status=400)
    return _page(request, principal, {}, result)
