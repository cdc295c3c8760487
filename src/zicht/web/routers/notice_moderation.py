"""The moderator's forms of notice and action: take a notice, decide it, read the
decision with its statement of reasons (Art. 17, carrying the poster's redress key),
approve an account termination or refuse it (four eyes), review a complaint. Without JavaScript;
every POST carries the session's CSRF token (`requires`). One service each:
`zicht.platforms.notices` (`take`, `decide`, `decision_of`, `approve`, `reject`,
`review_complaint`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, HTTPException
from markupsafe import Markup, escape
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.access import Principal
from zicht.i18n import N_
from zicht.platforms.notices import (
    REFERRAL_PARTNERS,
    RESTRICTION_LABELS,
    DecisionForm,
    NotAllowed,
    NoticeError,
    approve,
    decide,
    decision_of,
    queue_entry,
    reject,
    review_complaint,
    statement_of_reasons,
    take,
)
from zicht.store.notices import DecisionRow
from zicht.web.deps import requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId
from zicht.web.rendering import render
from zicht.web.routers.notices import DONE, STATUS_TEXTS, notice_terms

router = APIRouter(include_in_schema=False)
T = TypeVar("T")

KINDS = ("visibility", "monetary", "provision", "account")
OTHER_FIELDS = {
    "visibility": "decision_visibility_other",
    "monetary": "decision_monetary_other",
    "content_type": "content_type_other",
}
GROUNDS = {
    "DECISION_GROUND_ILLEGAL_CONTENT": N_("Illegal content (give the legal ground)"),
    "DECISION_GROUND_INCOMPATIBLE_CONTENT": N_("Incompatible with the terms and conditions"),
}
AUTOMATED_LABELS = {
    "AUTOMATED_DECISION_NOT_AUTOMATED": N_("No: a person decided"),
    "AUTOMATED_DECISION_PARTIALLY": N_("Partly: automated means helped decide"),
    "AUTOMATED_DECISION_FULLY": N_("Fully: decided by automated means"),
}
CONTENT_TYPE_LABELS = {
    "CONTENT_TYPE_TEXT": N_("Text"),
    "CONTENT_TYPE_IMAGE": N_("Image"),
    "CONTENT_TYPE_VIDEO": N_("Video"),
    "CONTENT_TYPE_AUDIO": N_("Audio"),
    "CONTENT_TYPE_SYNTHETIC_MEDIA": N_("Synthetic media"),
    "CONTENT_TYPE_PRODUCT": N_("Product"),
    "CONTENT_TYPE_APP": N_("App"),
    "CONTENT_TYPE_OTHER": N_("Other content"),
}
PARTNER_LABELS = {
    "police": N_("Police"),
    "kmar": N_("Royal Netherlands Marechaussee"),
    "inspectorate": N_("Labour inspectorate"),
}
# What the form says for a broken rule, by field; never the value.
_MESSAGES = {
    "facts": N_("Describe the facts and circumstances in 1 to 5000 characters."),
    "restrictions": N_("Choose at least one restriction, or decide not to act."),
    "acted": N_("A decision not to act has no restriction and no ground."),
    "ground": N_("Choose the ground: illegal content or the terms and conditions."),
    "ground_reference": N_("Name the legal ground or the clause (1 to 500 characters)."),
    "ground_explanation": N_("Explain the ground in 1 to 2000 characters."),
    "territorial_scope": N_("Give EEA country codes, such as NL or NL, BE."),
    "end_date": N_("The end date is a date not before today."),
    "account_reference": N_("The account reference has 1 to 200 characters."),
    "unfounded": N_("Only a notice not acted on can be manifestly unfounded."),
    "manifestly_illegal": N_("Manifestly illegal content needs a decision to act and the account."),
    "decision_visibility_other": N_("Describe the other restriction of visibility."),
    "decision_monetary_other": N_("Describe the other restriction of payments."),
    "content_type": N_("Choose at least one kind of content."),
    "content_type_other": N_("Describe the other kind of content."),
    "automated_decision": N_("Say whether automated means decided."),
    "notice": N_("The notice was decided, or another moderator holds it."),
}
_INVALID = N_("This field is not valid.")


def _options(t: Translator, kind: str) -> list[tuple[str, str]]:
    prefix = f"DECISION_{kind.upper()}_"
    return [
        (code, t(label)) for code, label in RESTRICTION_LABELS.items() if code.startswith(prefix)
    ]


def _decision_page(
    request: Request,
    principal: Principal,
    notice_id: RowId,
    values: dict[str, object],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    try:
        entry = queue_entry(state(request).engine, principal, notice_id)
    except NotAllowed:
        raise HTTPException(status_code=404, detail="not_found") from None
    return render(
        request,
        "notice_decide.html",
        principal,
        N_("Decide a notice"),
        status_code=status,
        entry=entry,
        terms=notice_terms(t, entry.lane, entry.category, entry.source),
        hours=t.number(entry.waiting.total_seconds() / 3600, 1),
        restrictions={kind: _options(t, kind) for kind in KINDS},
        grounds=[(code, t(label)) for code, label in GROUNDS.items()],
        partners=[(code, t(PARTNER_LABELS[code])) for code in REFERRAL_PARTNERS],
        automated=[(code, t(label)) for code, label in AUTOMATED_LABELS.items()],
        content_types=[(code, t(label)) for code, label in CONTENT_TYPE_LABELS.items()],
        values=values,
        errors=errors,
    )


Moderator = Annotated[Principal, Depends(requires("decide_notice"))]


@router.get("/notices/{notice_id}")
def notice_page(request: Request, principal: Moderator, notice_id: RowId) -> Response:
    defaults: dict[str, object] = {
        "territorial_scope": "NL",
        "content_type": ["CONTENT_TYPE_TEXT"],
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
    }
    return _decision_page(request, principal, notice_id, defaults, {})


async def _act(service: Callable[..., T], *args: object) -> T | NoticeError:
    """Run a moderator's act on a worker thread: its result, or the refusal (NoticeError)
    for the page to show. Outside the moderator's platform: 404 (NotAllowed)."""
    try:
        return await run_in_threadpool(service, *args)
    except NotAllowed:
        raise HTTPException(status_code=404, detail="not_found") from None
    except NoticeError as exc:
        return exc


def _refused(refusal: NoticeError) -> Response:
    """Back to the queue, saying which rule refused the act."""
    return RedirectResponse(f"/notices?refused={refusal.problems[0].rule}", status_code=303)


@router.post("/notices/{notice_id}/take")
async def take_notice(request: Request, principal: Moderator, notice_id: RowId) -> Response:
    refusal = await _act(take, state(request).engine, principal, notice_id)
    if isinstance(refusal, NoticeError):
        t = Translator(language_of(request))
        errors = {"notice": t(_MESSAGES["notice"])}
        return _decision_page(request, principal, notice_id, {}, errors, status=409)
    return RedirectResponse(f"/notices/{notice_id}", status_code=303)


def _text(form: FormData, name: str, most: int = 6000) -> str:
    return str(form.get(name, ""))[:most]


def decision_form(form: FormData) -> tuple[DecisionForm, dict[str, object]]:
    """The decision as filled in (unknown codes are left for `check_decision` to refuse)."""
    acted = form.get("acted") == "yes"
    values: dict[str, object] = {
        name: _text(form, name)
        for name in (
            "acted", "facts", "monetary", "provision", "account", "ground",
            "ground_reference", "ground_explanation", "territorial_scope", "end_date",
            "account_reference", "refer_to", "automated_decision", *OTHER_FIELDS.values(),
        )
    }  # fmt: skip
    visibility = [str(v)[:100] for v in form.getlist("visibility") if str(v).strip()][:10]
    values["visibility"] = visibility
    content_type = [str(v)[:100] for v in form.getlist("content_type") if str(v).strip()][:10]
    values["content_type"] = content_type
    values["unfounded"] = form.get("unfounded") == "yes"
    values["manifestly_illegal"] = form.get("manifestly_illegal") == "yes"
    scope = [c.strip().upper() for c in str(values["territorial_scope"]).split(",") if c.strip()]
    end: dt.date | None = None
    try:
        end = dt.date.fromisoformat(str(values["end_date"])) if values["end_date"] else None
    except ValueError:
        end = dt.date.min  # refused by the rule "not before today"

    def chosen(name: str) -> str | None:
        return str(values[name]).strip() or None

    others = {field: str(values[field]) for field in OTHER_FIELDS.values() if chosen(field)}
    return (
        DecisionForm(
            acted=acted,
            facts=str(values["facts"]),
            visibility=tuple(visibility),
            monetary=chosen("monetary"),
            provision=chosen("provision"),
            account=chosen("account"),
            ground=chosen("ground") if acted else None,
            ground_reference=chosen("ground_reference") if acted else None,
            ground_explanation=chosen("ground_explanation") if acted else None,
            territorial_scope=tuple(scope),
            content_type=tuple(content_type),
            automated_decision=str(values["automated_decision"]).strip()
            or "AUTOMATED_DECISION_NOT_AUTOMATED",
            end_date=end,
            other_texts=others or None,
            refer_to=chosen("refer_to"),
            account_reference=chosen("account_reference"),
            unfounded=bool(values["unfounded"]),
            manifestly_illegal=bool(values["manifestly_illegal"]),
        ),
        values,
    )


@router.post("/notices/{notice_id}/decide")
async def decide_notice(request: Request, principal: Moderator, notice_id: RowId) -> Response:
    form, values = decision_form(await request.form())
    shared = state(request)
    decision = await _act(decide, shared.engine, shared.cipher, principal, notice_id, form)
    if isinstance(decision, NoticeError):
        t = Translator(language_of(request))
        errors: dict[str, str] = {}
        for problem in decision.problems:
            errors.setdefault(problem.field, t(_MESSAGES.get(problem.field, _INVALID)))
        return _decision_page(request, principal, notice_id, values, errors, status=400)
    return RedirectResponse(f"/decisions/{decision.id}?done=decided", status_code=303)


def _marked(statement: str, decision: DecisionRow) -> Markup:
    """The statement as HTML, the moderator's own texts and the key marked translate="no"
    (written in whatever language the moderator wrote them: data, not the page's words)."""
    texts = (
        decision.facts, decision.ground_reference, decision.ground_explanation,
        decision.redress_key, *(decision.other_texts or {}).values(),
    )  # fmt: skip
    # Placeholders first, escaping after, so a text never matches inside inserted markup
    # or another placeholder: these are control characters only, which no stored text
    # holds (check_decision refuses them; the key is URL-safe base64).
    chosen = sorted({text for text in texts if text}, key=len, reverse=True)
    holders = [f"\x01{chr(2) * (number + 1)}\x01" for number in range(len(chosen))]
    for text, holder in zip(chosen, holders, strict=True):
        statement = statement.replace(text, holder)
    marked = escape(statement)
    for text, holder in zip(chosen, holders, strict=True):
        marked = marked.replace(holder, Markup('<span translate="no">%s</span>') % text)
    return marked


@router.get("/decisions/{decision_id}")
def decision_page(request: Request, principal: Moderator, decision_id: RowId) -> Response:
    """A decision as taken, with the statement of reasons to send to the poster."""
    t = Translator(language_of(request))
    try:
        decision = decision_of(state(request).engine, principal, decision_id)
    except NotAllowed:
        raise HTTPException(status_code=404, detail="not_found") from None
    restrictions = [
        *decision.visibility, decision.monetary, decision.provision, decision.account
    ]  # fmt: skip
    done = request.query_params.get("done")
    return render(
        request,
        "notice_decision.html",
        principal,
        N_("Decision and statement of reasons"),
        decision=decision,
        status=t(STATUS_TEXTS[decision.status])
        if decision.status in STATUS_TEXTS
        else decision.status,
        restrictions=[t(RESTRICTION_LABELS[r]) for r in restrictions if r in RESTRICTION_LABELS],
        ground=t(GROUNDS[decision.ground]) if decision.ground in GROUNDS else "",
        decided_at=t.date(decision.decided_at),
        # the statement is shown in the page's language: switch the page to give the other
        statement=_marked(statement_of_reasons(decision, language_of(request)), decision)
        if decision.acted
        else "",
        can_approve=decision.status == "pending_approval"
        and principal.actor != decision.decided_by,
        done=t(DONE[done]) if done in DONE else "",
    )


async def _second_look(
    request: Request,
    service: Callable[[Engine, Principal, int], None],
    principal: Principal,
    decision_id: int,
    done: str,
) -> Response:
    """Approve or refuse an account termination (four eyes): the same rules, the same
    answers; `done` is where a moderator goes once it is done."""
    refusal = await _act(service, state(request).engine, principal, decision_id)
    return _refused(refusal) if refusal is not None else RedirectResponse(done, status_code=303)


@router.post("/decisions/{decision_id}/approve")
async def approve_decision(request: Request, principal: Moderator, decision_id: RowId) -> Response:
    done = f"/decisions/{decision_id}?done=approved"
    return await _second_look(request, approve, principal, decision_id, done)


@router.post("/decisions/{decision_id}/reject")
async def reject_decision(request: Request, principal: Moderator, decision_id: RowId) -> Response:
    return await _second_look(request, reject, principal, decision_id, "/notices?done=rejected")


@router.post("/complaints/{complaint_id}/review")
async def review(
    request: Request,
    principal: Annotated[Principal, Depends(requires("review_complaint"))],
    complaint_id: RowId,
) -> Response:
    form = await request.form()
    outcome = form.get("outcome")
    reason = _text(form, "reason", 3000)
    unfounded = outcome == "unfounded"
    if outcome not in ("uphold", "unfounded", "reverse"):
        return RedirectResponse("/notices?refused=outcome", status_code=303)
    reviewed = await _act(
        review_complaint,
        state(request).engine,
        principal,
        complaint_id,
        outcome == "reverse",
        reason,
        unfounded,
    )
    if isinstance(reviewed, NoticeError):
        return _refused(reviewed)
    return RedirectResponse("/notices?done=reviewed", status_code=303)
