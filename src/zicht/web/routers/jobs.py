"""Linking and the yearly report started from the web, as background jobs with progress.

No JavaScript and no automatic refresh (which axe and WCAG 2.2.1 count against a page):
a running job's page has a link to check again. One job of a kind runs at a time
(`store.web_jobs`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.access import AuditEvent, Principal, authorize
from zicht.config import Settings
from zicht.i18n import N_, catalogues, languages
from zicht.store.web_jobs import JobRecord, read_job, recent_jobs, running_job
from zicht.web.deps import audit_event, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.jobs import JOB_KINDS, start_link_job, start_report_job
from zicht.web.params import RowId, whole_number
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)

_KINDS = {"link": N_("Link run"), "report": N_("Yearly report")}
_STATUSES = {"running": N_("running"), "done": N_("done"), "failed": N_("failed")}
_STEPS = {
    "queued": N_("waiting to start"),
    "read": N_("reading the registrations"),
    "link": N_("scoring pairs and forming persons"),
    "write": N_("writing the results"),
    "done": N_("finished"),
    "failed": N_("stopped with an error"),
}
_BUSY = {
    "link": N_("A link run is already running; it must finish before another can start."),
    "report": N_("A report is already being written; it must finish before another can start."),
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _job_view(t: Translator, job: JobRecord) -> dict[str, Any]:
    end = job.finished_at or _now()
    result = job.result or {}
    parameters = job.parameters
    if job.kind == "link":
        what = t("incremental") if parameters.get("incremental") else t("full")
    else:
        what = f"{parameters.get('year', '')} ({parameters.get('lang', '')})"
    return {
        "id": job.id,
        "kind": t(_KINDS.get(job.kind, job.kind)),
        "what": what,
        "status": job.status,
        "status_label": t(_STATUSES.get(job.status, job.status)),
        "step": t(_STEPS.get(job.step, job.step)),
        "started_by": job.started_by,
        "started": t.date(job.started_at),
        "seconds": t.number(max(0, int((end - job.started_at).total_seconds()))),
        "error": _error(t, job),
        "result": result,
    }


def _error(t: Translator, job: JobRecord) -> str | None:
    """A failed job's message in the reader's language: the catalogue's message with its
    values as the job kept them (a job from before kept only the English text, which is
    translated when it has no values)."""
    if not job.error:
        return None
    kept = job.result or {}
    message, values = kept.get("error_message"), kept.get("error_values")
    if isinstance(message, str) and isinstance(values, dict):
        try:
            return t(message, **values)
        except (KeyError, TypeError, ValueError):  # a catalogue out of step: say it in English
            return job.error
    return t.translations.gettext(job.error)


def _may(principal: Principal, kind: str) -> bool:
    return kind in JOB_KINDS and authorize(principal, JOB_KINDS[kind])


def _jobs_page(
    request: Request, principal: Principal, message: str | None = None, status: int = 200
) -> Response:
    shared = state(request)
    t = Translator(language_of(request))
    jobs = [_job_view(t, j) for j in recent_jobs(shared.engine) if _may(principal, j.kind)]
    return render(
        request,
        "jobs.html",
        principal,
        N_("Link and report"),
        status_code=status,
        jobs=jobs,
        message=message,
        can_link=authorize(principal, "run_linkage"),
        can_report=authorize(principal, "build_report"),
        link_running=running_job(shared.engine, "link") is not None,
        report_running=running_job(shared.engine, "report") is not None,
        year=_now().year - 1,
        languages=languages(),
    )


@router.get("/jobs")
def jobs(
    request: Request, principal: Annotated[Principal, Depends(requires("run_linkage"))]
) -> Response:
    return _jobs_page(request, principal)


@router.get("/jobs/{job_id}")
def job(
    request: Request,
    job_id: RowId,
    principal: Annotated[Principal, Depends(requires("run_linkage"))],
) -> Response:
    record = read_job(state(request).engine, job_id)
    if record is None or not _may(principal, record.kind):
        raise HTTPException(status_code=404, detail="not_found")
    t = Translator(language_of(request))
    view = _job_view(t, record)
    return render(
        request,
        "job.html",
        principal,
        N_("Link and report"),
        title=t("%(kind)s: job %(id)s", kind=view["kind"], id=record.id),
        job=view,
    )


@router.post("/jobs/link")
async def start_link(
    request: Request, principal: Annotated[Principal, Depends(requires("run_linkage"))]
) -> Response:
    async with request.form() as form:
        incremental = form.get("mode") == "incremental"
    shared = state(request)
    settings: Settings = request.app.state.settings
    parameters = {"incremental": incremental}
    job_id = await run_in_threadpool(
        start_link_job,
        shared.engine,
        shared.cipher,
        settings,
        principal.name,
        incremental,
        _record(request, principal, "link", parameters),
    )
    return await _started(request, principal, "link", job_id)


@router.post("/jobs/report")
async def start_report(
    request: Request, principal: Annotated[Principal, Depends(requires("build_report"))]
) -> Response:
    t = Translator(language_of(request))
    async with request.form() as form:
        year = whole_number(str(form.get("year", "")), 2000, 2100)
        lang = str(form.get("lang", ""))
    if year is None or lang not in catalogues().codes:
        return await run_in_threadpool(
            _jobs_page,
            request,
            principal,
            t("Give the report year (2000 to 2100) and a language."),
            400,
        )
    shared = state(request)
    job_id = await run_in_threadpool(
        start_report_job,
        shared.engine,
        shared.report_dir,
        principal.name,
        year,
        lang,
        _record(request, principal, "report", {"year": year, "lang": lang}),
    )
    return await _started(request, principal, "report", job_id)


def _record(
    request: Request, principal: Principal, kind: str, parameters: dict[str, Any]
) -> Callable[[int], AuditEvent]:
    """The `job_started` entry of a job, committed with the job (`zicht.web.jobs`)."""

    def event(job_id: int) -> AuditEvent:
        return audit_event(
            request,
            principal,
            "job_started",
            object_type="job",
            object_ids=[job_id],
            kind=kind,
            **parameters,
        )

    return event


async def _started(
    request: Request, principal: Principal, kind: str, job_id: int | None
) -> Response:
    if job_id is None:
        t = Translator(language_of(request))
        return await run_in_threadpool(_jobs_page, request, principal, t(_BUSY[kind]), 409)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
