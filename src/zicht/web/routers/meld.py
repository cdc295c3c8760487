"""The public reporting pages: `/meld` and `/meld/<lang>/...`, no account, no cookie,
no JavaScript. Every address of a reporter stays out: nothing here reads the client's
address, and no server log records requests (docs/reporting.md)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.reporting import (
    MAX_ATTACHMENT_BYTES,
    PUBLIC_AUDIENCES,
    PUBLIC_TOPICS,
    AttachmentError,
    NewReport,
    RateLimited,
    ReportingError,
    ReportingPolicy,
    WorkError,
    information_pages,
    issue_challenge,
    open_conversation,
    reply_as_reporter,
    submit_report,
)
from zicht.web.deps import public, state
from zicht.web.meld_pages import page_language, render_meld

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, dependencies=[Depends(public)])

_FIELDS = ("what", "where", "when", "contact", "passphrase")


def _lang(lang: str) -> str:
    chosen = page_language(lang)
    if chosen is None:
        raise HTTPException(status_code=404, detail="not_found")
    return chosen


def _policy(request: Request) -> ReportingPolicy:
    policy: ReportingPolicy = request.app.state.reporting
    return policy


@router.get("/meld")
def meld_default() -> Response:
    return RedirectResponse("/meld/nl", status_code=303)


@router.get("/meld/{lang}")
def meld_start(lang: str) -> Response:
    return render_meld("meld/start.html", _lang(lang), audiences=PUBLIC_AUDIENCES)


def _form(
    request: Request,
    lang: str,
    audience: str,
    values: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    try:
        pages = information_pages(state(request).reader, audience, lang)
    except SQLAlchemyError:  # the database is away: the form still shows, without them
        pages = []
    return render_meld(
        "meld/form.html",
        lang,
        status_code,
        audience=audience,
        audience_label=PUBLIC_AUDIENCES[audience],
        topics=PUBLIC_TOPICS,
        pages=pages,
        challenge=issue_challenge(_policy(request).work_key),
        values=values or {},
        error=error,
        max_mb=MAX_ATTACHMENT_BYTES // (1024 * 1024),
    )


@router.get("/meld/{lang}/report/{audience}")
def meld_form(request: Request, lang: str, audience: str) -> Response:
    if audience not in PUBLIC_AUDIENCES:
        raise HTTPException(status_code=404, detail="not_found")
    return _form(request, _lang(lang), audience)


@router.post("/meld/{lang}/report/{audience}")
async def meld_send(request: Request, lang: str, audience: str) -> Response:
    chosen = _lang(lang)
    if audience not in PUBLIC_AUDIENCES:
        raise HTTPException(status_code=404, detail="not_found")
    async with request.form() as form:
        values = {name: str(form.get(name, "")) for name in _FIELDS}
        challenge = str(form.get("challenge", ""))
        nonce = str(form.get("nonce", "")) or None
        files = []
        for item in form.getlist("attachments"):
            if isinstance(item, UploadFile) and item.filename:
                files.append(await item.read(MAX_ATTACHMENT_BYTES + 1))
    new = NewReport(
        audience=audience,
        language=chosen,
        what=values["what"],
        where=values["where"],
        when=values["when"],
        contact=values["contact"],
        passphrase=values["passphrase"],
        attachments=files,
    )
    engine, policy = state(request).engine, _policy(request)
    # Always a worker thread: the write can wait for SQLite's write lock (up to its busy
    # timeout) or for a pooled PostgreSQL connection, and the event loop must not.
    error, status = None, 400
    try:
        receipt = await run_in_threadpool(
            submit_report, engine, policy, new, challenge=challenge, nonce=nonce
        )
    except WorkError:
        error = "work"
    except AttachmentError:
        error = "attachment"
    except ReportingError as exc:
        error = exc.rule
    except SQLAlchemyError:
        # Busy, away or failed: one transaction, so nothing of the report was written.
        # The reporter is told so and gets their text back in the form (kept nowhere
        # else); the log gets a fixed text, no value and no exception message.
        log.warning("a report could not be filed: database unavailable")
        error, status = "unavailable", 503
    if error is not None:
        return await run_in_threadpool(_form, request, chosen, audience, values, error, status)
    # Filed and committed: the receipt's slow derivation follows, off this request.
    request.app.state.reporting_finisher.notify(receipt.report_id)
    return render_meld(
        "meld/receipt.html",
        chosen,
        receipt=receipt.grouped,
        with_passphrase=bool(values["passphrase"]),
    )


def _unavailable(lang: str) -> Response:
    """A database error on a return visit or a reply (busy, away, failed): the way-back
    page, empty, with "try again later" in the reporter's language, status 503. The
    receipt and password are not put back in the page (another person may see the
    screen) and the log gets a fixed text: no value, no exception message."""
    log.warning("a conversation could not be opened: database unavailable")
    return render_meld("meld/back.html", lang, 503, error="unavailable")


@router.get("/meld/{lang}/back")
def meld_back(lang: str) -> Response:
    return render_meld("meld/back.html", _lang(lang), error=None)


async def _receipt_form(request: Request) -> tuple[str, str, str]:
    async with request.form() as form:
        return (
            str(form.get("receipt", "")),
            str(form.get("passphrase", "")),
            str(form.get("message", "")),
        )


@router.post("/meld/{lang}/back")
async def meld_open(
    request: Request, lang: str, fields: Annotated[tuple[str, str, str], Depends(_receipt_form)]
) -> Response:
    chosen = _lang(lang)
    receipt, passphrase, _ = fields
    try:
        conversation = await run_in_threadpool(
            open_conversation, state(request).engine, _policy(request), receipt, passphrase
        )
    except ReportingError:
        return render_meld("meld/back.html", chosen, 400, error="receipt")
    except SQLAlchemyError:
        return _unavailable(chosen)
    return render_meld(
        "meld/conversation.html",
        chosen,
        conversation=conversation,
        receipt=receipt,
        passphrase=passphrase,
        error=None,
    )


@router.post("/meld/{lang}/reply")
async def meld_reply(
    request: Request, lang: str, fields: Annotated[tuple[str, str, str], Depends(_receipt_form)]
) -> Response:
    chosen = _lang(lang)
    receipt, passphrase, message = fields
    engine, policy = state(request).engine, _policy(request)
    error = None
    try:
        conversation = await run_in_threadpool(
            reply_as_reporter, engine, policy, receipt, passphrase, message
        )
    except RateLimited:
        error = "rate_limit"
    except ReportingError as exc:
        if exc.rule == "receipt":
            return render_meld("meld/back.html", chosen, 400, error="receipt")
        error = exc.rule
    except SQLAlchemyError:  # one transaction: the message was not kept
        return _unavailable(chosen)
    if error is not None:
        try:
            conversation = await run_in_threadpool(
                open_conversation, engine, policy, receipt, passphrase
            )
        except ReportingError:  # the reply was refused before the receipt was checked
            return render_meld("meld/back.html", chosen, 400, error="receipt")
        except SQLAlchemyError:
            return _unavailable(chosen)
    return render_meld(
        "meld/conversation.html",
        chosen,
        400 if error else 200,
        conversation=conversation,
        receipt=receipt,
        passphrase=passphrase,
        error=error,
    )
