"""The public Art. 20 complaint form, logged out, without JavaScript: the poster with the
decision's redress key, the notifier with the notice's receipt reference, for six months
after the decision; an e-mail address (optional) to hear the outcome, never asked of
the notifier of a child sexual abuse notice (refused as on the notice itself). One service:
`file_complaint` (the same as for every other edge).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import Principal
from zicht.i18n import N_
from zicht.platforms.notices import NoticeError, file_complaint
from zicht.web.csrf import check_login_csrf, new_login_token
from zicht.web.deps import client_of, public, state
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import render
from zicht.web.security import is_local

router = APIRouter(include_in_schema=False)

COMPLAINT_CSRF_COOKIE = "zicht_complaint_csrf"
# What the form says for a broken rule (by field and rule); never the value.
_MESSAGES = {
    ("key", "unknown"): N_("This is not the reference of a decided notice or a decision."),
    ("key", "reversed"): N_("This decision was already reversed."),
    ("key", "deadline"): N_("The six months to complain about this decision have passed."),
    ("text", "length"): N_("Explain your complaint in 1 to 5000 characters."),
    ("email", "email"): N_("Give a valid e-mail address, or leave it empty."),
    ("email", "not_asked"): N_(
        "No e-mail address for a notice about child sexual abuse: you may stay anonymous."
    ),
    ("complainant", "suspended"): N_(
        "Complaints from you are suspended for a while because of earlier unfounded ones."
    ),
}
_FIELD_OF = {"key": "key", "text": "text", "complainant": "key", "email": "email"}
_INVALID = N_("This field is not valid.")


def _page(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    token = new_login_token()
    response = render(
        request,
        "notice_complaint.html",
        None,
        N_("Complain about a decision"),
        status_code=status,
        values=values,
        errors=errors,
        complaint_csrf=token,
    )
    response.set_cookie(
        COMPLAINT_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=not is_local(request),
        path="/complaint",
    )
    return response


@router.get("/complaint", dependencies=[Depends(public)])
def complaint_page(request: Request, key: str = "") -> Response:
    return _page(request, {"key": key[:100]}, {})


@router.post("/complaint", dependencies=[Depends(public)])
async def complaint_submit(request: Request) -> Response:
    await check_login_csrf(request, COMPLAINT_CSRF_COOKIE)
    form = await request.form()
    values = {name: str(form.get(name, ""))[:6000] for name in ("key", "text", "email")}
    language = language_of(request)
    t = Translator(language)
    shared = state(request)
    client = client_of(request)
    try:
        receipt = await run_in_threadpool(
            file_complaint,
            shared.engine,
            shared.cipher,
            Principal.public(client or "unknown"),
            values["key"][:100],
            values["text"],
            client,
            values["email"][:300],
            "en" if language == "en" else "nl",  # the outcome in the page's language
        )
    except NoticeError as exc:
        errors: dict[str, str] = {}
        for problem in exc.problems:
            field = _FIELD_OF.get(problem.field, "text")
            message = _MESSAGES.get((problem.field, problem.rule), _INVALID)
            errors.setdefault(field, t(message))
        return _page(request, values, errors, status=400)
    return render(
        request,
        "notice_complaint_receipt.html",
        None,
        N_("Complaint received"),
        status_code=201,
        reference=receipt.reference,
    )
