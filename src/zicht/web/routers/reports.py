"""Report downloads: the files the monitor wrote (aggregates with small numbers suppressed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from zicht.access import Principal
from zicht.i18n import N_
from zicht.web.deps import audit, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)

REPORT_SUFFIXES = {
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


def report_files(folder: Path) -> list[Path]:
    """Report files under `folder` (two levels deep), by name."""
    if not folder.is_dir():
        return []
    found = [
        path
        for pattern in ("*", "*/*")
        for path in folder.glob(pattern)
        if path.is_file() and path.suffix.lower() in REPORT_SUFFIXES
    ]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def report_file(folder: Path, name: str) -> Path:
    """The report file `name`; 404 unless it is one of `report_files` (no path tricks)."""
    for path in report_files(folder):
        if path.relative_to(folder).as_posix() == name:
            return path
    raise HTTPException(status_code=404, detail="not_found")


def download(request: Request, principal: Principal, name: str) -> Response:
    """Send a report as an attachment (never rendered under this site's origin)."""
    path = report_file(state(request).report_dir, name)
    audit(request, principal, "download_report", object_type="report", object_ids=[name])
    return FileResponse(
        path,
        media_type=REPORT_SUFFIXES[path.suffix.lower()],
        filename=path.name,
        content_disposition_type="attachment",
    )


@router.get("/reports")
def reports(
    request: Request, principal: Annotated[Principal, Depends(requires("download_reports"))]
) -> Response:
    t = Translator(language_of(request))
    folder = state(request).report_dir
    listing = [
        {
            "name": p.relative_to(folder).as_posix(),
            "size": t.number(p.stat().st_size),
            "when": t.date(
                dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC).replace(tzinfo=None)
            ),
        }
        for p in report_files(folder)
    ]
    return render(request, "reports.html", principal, N_("Reports"), reports=listing)


@router.get("/reports/{name:path}")
def report(
    request: Request,
    name: str,
    principal: Annotated[Principal, Depends(requires("download_reports"))],
) -> Response:
    return download(request, principal, name)
