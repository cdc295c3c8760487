"""The coordinators' side of the anonymous channel: queue, one report, its steps, and
the information pages shown before the public form (written, then reviewed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.access import Principal, PurposeError
from zicht.i18n import N_
from zicht.reporting import (
    AUDIENCES,
    LANGUAGES,
    OUTCOMES,
    PUBLIC_AUDIENCES,
    REFERRALS,
    STATUSES,
    TOPICS,
    RegistrationFacts,
    ReportingError,
    ReportView,
    WrongPassword,
    answer_report,
    close_report,
    draft_page,
    flag_urgent,
    information_pages,
    pages_to_review,
    read_attachment,
    read_report,
    refer_report,
    register_report,
    review_page,
    triage_queue,
    unlock_key,
)
from zicht.web.deps import look, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)

Triager = Annotated[Principal, Depends(requires("triage_reports"))]
Editor = Annotated[Principal, Depends(requires("edit_information_pages"))]

_RULES = {
    "wrong_password": N_("The password does not unlock your organisation's key."),
    "no_key_for_user": N_("You hold no copy of your organisation's key for reports."),
    "purpose": N_("Give a purpose of at least 5 characters."),
    "what": N_("Write a message (at most 10,000 characters)."),
    "consent": N_("A report becomes a registration only with the reporter's consent."),
    "forms": N_("Choose at least one form of exploitation."),
    "own_page": N_("A page is published by another coordinator than its author."),
    "body": N_("Write the page (at most 20,000 characters)."),
}


def _message(t: Translator, rule: str) -> str:
    return t(_RULES.get(rule, N_("This step is not possible for this report.")))


def _choices(t: Translator) -> dict[str, Any]:
    return {
        "audiences": {code: t(label) for code, label in AUDIENCES.items()},
        "statuses": {code: t(label) for code, label in STATUSES.items()},
        "referrals": [(code, t(label)) for code, label in REFERRALS.items()],
        "outcomes": [
            (code, t(label))
            for code, label in OUTCOMES.items()
            if code not in ("referred", "registered")
        ],
    }


@router.get("/triage")
def queue(request: Request, principal: Triager, closed: bool = False) -> Response:
    t = Translator(language_of(request))
    entries = triage_queue(state(request).reader, principal, closed=closed)
    return render(
        request,
        "triage.html",
        principal,
        N_("Anonymous reports"),
        entries=entries,
        closed=closed,
        **_choices(t),
    )


def _detail(
    request: Request,
    principal: Principal,
    report_id: int,
    view: ReportView | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    t = Translator(language_of(request))
    entries = {
        e.id: e
        for closed in (False, True)
        for e in triage_queue(state(request).reader, principal, closed=closed)
    }
    entry = entries.get(report_id)
    if entry is None:
        raise HTTPException(status_code=404, detail="not_found")
    from zicht.standard import FORMS, GENDERS

    return render(
        request,
        "triage_report.html",
        principal,
        N_("Anonymous report"),
        title=t("Anonymous report %(id)s", id=report_id),
        entry=entry,
        view=view,
        error=_message(t, error) if error else None,
        forms=[(term.code, t.label("form", term.code)) for term in FORMS],
        genders=[(term.code, t.label("gender", term.code)) for term in GENDERS],
        status_code=status_code,
        **_choices(t),
    )


@router.get("/triage/{report_id}")
def report_page(request: Request, principal: Triager, report_id: RowId) -> Response:
    return _detail(request, principal, report_id)


@router.post("/triage/{report_id}/open")
async def open_report(request: Request, principal: Triager, report_id: RowId) -> Response:
    async with request.form() as form:
        password = str(form.get("password", ""))
        purpose = str(form.get("purpose", ""))
    shared = state(request)
    try:
        seen = look(request, principal, purpose, report=report_id)
        key = await run_in_threadpool(
            unlock_key, shared.engine, principal.organisation or "", principal.id, password
        )
        view = await run_in_threadpool(read_report, shared.engine, principal, key, report_id, seen)
    except PurposeError:
        return _detail(request, principal, report_id, error="purpose", status_code=400)
    except WrongPassword:
        return _detail(request, principal, report_id, error="wrong_password", status_code=400)
    except ReportingError as exc:
        if exc.rule == "not_found":
            raise HTTPException(status_code=404, detail="not_found") from None
        return _detail(request, principal, report_id, error=exc.rule, status_code=400)
    return _detail(request, principal, report_id, view)


@router.post("/triage/{report_id}/attachments/{attachment_id}")
async def attachment(
    request: Request, principal: Triager, report_id: RowId, attachment_id: RowId
) -> Response:
    """One attachment, opened with the password (and a purpose) like the report itself,
    sent as a download (never shown under this site's origin)."""
    async with request.form() as form:
        password = str(form.get("password", ""))
        purpose = str(form.get("purpose", ""))
    shared = state(request)
    try:
        seen = look(request, principal, purpose, report=report_id, attachment=attachment_id)
        key = await run_in_threadpool(
            unlock_key, shared.engine, principal.organisation or "", principal.id, password
        )
        media_type, content = await run_in_threadpool(
            read_attachment, shared.engine, principal, key, report_id, attachment_id, seen
        )
    except PurposeError:
        return _detail(request, principal, report_id, error="purpose", status_code=400)
    except WrongPassword:
        return _detail(request, principal, report_id, error="wrong_password", status_code=400)
    except ReportingError as exc:
        if exc.rule == "not_found":
            raise HTTPException(status_code=404, detail="not_found") from None
        return _detail(request, principal, report_id, error=exc.rule, status_code=400)
    suffix = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[media_type]
    name = f"report-{report_id}-{attachment_id}.{suffix}"
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


async def _step(request: Request, principal: Principal, report_id: int, step: str) -> Response:
    async with request.form() as form:
        fields = {key: str(value) for key, value in form.items()}
        forms = tuple(str(v) for v in form.getlist("forms"))
    shared = state(request)
    try:
        if step == "answer":
            await run_in_threadpool(
                answer_report, shared.engine, principal, report_id, fields.get("text", "")
            )
        elif step == "urgent":
            urgent = fields.get("urgent") == "1"
            await run_in_threadpool(flag_urgent, shared.engine, principal, report_id, urgent)
        elif step == "refer":
            target = fields.get("target", "")
            await run_in_threadpool(refer_report, shared.engine, principal, report_id, target)
        elif step == "close":
            outcome = fields.get("outcome", "")
            await run_in_threadpool(close_report, shared.engine, principal, report_id, outcome)
        else:
            age = fields.get("age", "").strip()
            facts = RegistrationFacts(
                forms=forms,
                gender=fields.get("gender", "unknown"),
                age=int(age) if age.isdigit() else None,
                nationality=fields.get("nationality", "").strip().upper() or None,
                consent=fields.get("consent") == "yes",
            )
            await run_in_threadpool(
                register_report, shared.engine, shared.cipher, principal, report_id, facts
            )
    except ReportingError as exc:
        if exc.rule == "not_found":
            raise HTTPException(status_code=404, detail="not_found") from None
        return _detail(request, principal, report_id, error=exc.rule, status_code=400)
    return RedirectResponse(f"/triage/{report_id}", status_code=303)


@router.post("/triage/{report_id}/answer")
async def answer(request: Request, principal: Triager, report_id: RowId) -> Response:
    return await _step(request, principal, report_id, "answer")


@router.post("/triage/{report_id}/urgent")
async def urgent(request: Request, principal: Triager, report_id: RowId) -> Response:
    return await _step(request, principal, report_id, "urgent")


@router.post("/triage/{report_id}/refer")
async def refer(request: Request, principal: Triager, report_id: RowId) -> Response:
    return await _step(request, principal, report_id, "refer")


@router.post("/triage/{report_id}/close")
async def close(request: Request, principal: Triager, report_id: RowId) -> Response:
    return await _step(request, principal, report_id, "close")


@router.post("/triage/{report_id}/register")
async def register(request: Request, principal: Triager, report_id: RowId) -> Response:
    return await _step(request, principal, report_id, "register")


def _pages(
    request: Request, principal: Principal, error: str | None = None, status_code: int = 200
) -> Response:
    t = Translator(language_of(request))
    reader = state(request).reader
    published = [
        page
        for audience in PUBLIC_AUDIENCES
        for lang in LANGUAGES
        for page in information_pages(reader, audience, lang)
    ]
    return render(
        request,
        "information_pages.html",
        principal,
        N_("Information pages"),
        drafts=pages_to_review(reader),
        published=published,
        audiences=[(code, t(label)) for code, label in AUDIENCES.items()],
        topics=[(code, t(label)) for code, label in TOPICS.items()],
        topic_names={code: t(label) for code, label in TOPICS.items()},
        languages=[(code, code) for code in LANGUAGES],
        error=_message(t, error) if error else None,
        status_code=status_code,
    )


@router.get("/information-pages")
def pages(request: Request, principal: Editor) -> Response:
    return _pages(request, principal)


@router.post("/information-pages")
async def new_page(request: Request, principal: Editor) -> Response:
    async with request.form() as form:
        fields = {key: str(value) for key, value in form.items()}
    try:
        await run_in_threadpool(
            draft_page,
            state(request).engine,
            principal,
            fields.get("audience", ""),
            fields.get("topic", ""),
            fields.get("language", ""),
            fields.get("body", ""),
        )
    except ReportingError as exc:
        return _pages(request, principal, exc.rule, 400)
    return RedirectResponse("/information-pages", status_code=303)


@router.post("/information-pages/{page_id}/review")
async def review(request: Request, principal: Editor, page_id: RowId) -> Response:
    async with request.form() as form:
        decision = str(form.get("decision", ""))
    try:
        await run_in_threadpool(
            review_page, state(request).engine, principal, page_id, decision == "publish"
        )
    except ReportingError as exc:
        if exc.rule == "not_found":
            raise HTTPException(status_code=404, detail="not_found") from None
        return _pages(request, principal, exc.rule, 400)
    return RedirectResponse("/information-pages", status_code=303)
