"""The public Art. 16 notice form of each platform and each ad, logged out, without
JavaScript: step 1 chooses the category; step 2 asks the rest, and never a name or
e-mail address for child sexual abuse. The same service as the API: `file_notice` (on
the event loop: `file_notice_async`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import Principal, scope_of
from zicht.i18n import N_
from zicht.platforms.notices import (
    NoticeError,
    NoticeForm,
    NoticeItem,
    asks_for_contact,
    file_notice_async,
)
from zicht.store.notice_cases import platform_by_code
from zicht.web.csrf import check_login_csrf, new_login_token
from zicht.web.deps import client_of, current_principal, public, state
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import render
from zicht.web.security import is_local

router = APIRouter(include_in_schema=False)

NOTICE_CSRF_COOKIE = "zicht_notice_csrf"
CATEGORY_LABELS = {
    "STATEMENT_CATEGORY_VIOLENCE": N_("Violence, human trafficking or exploitation"),
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS": N_("Protection of minors (child sexual abuse)"),
    "STATEMENT_CATEGORY_CYBER_VIOLENCE": N_("Cyber violence"),
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN": N_("Cyber violence against women"),
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD": N_("Scams and fraud"),
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS": N_(
        "Data protection and privacy violations"
    ),
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH": N_("Illegal or harmful speech"),
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY": N_("Risk for public security"),
    "STATEMENT_CATEGORY_SELF_HARM": N_("Self-harm"),
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS": N_(
        "Unsafe, non-compliant or prohibited products"
    ),
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS": N_(
        "Intellectual property infringements"
    ),
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION": N_("Consumer information infringements"),
    "STATEMENT_CATEGORY_ANIMAL_WELFARE": N_("Animal welfare"),
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS": N_(
        "Negative effects on civic discourse or elections"
    ),
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC": N_("Other violation of the terms and conditions"),
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE": N_("I do not know the type"),
}
# What the form says for a broken rule (by field, then by rule); never the value.
_FIELD_MESSAGES = {
    "category": N_("Choose a category of the list."),
    "explanation": N_("Explain in 1 to 5000 characters why the content is illegal."),
    "items": N_("Give the exact web address (http or https) of the content."),
    "good_faith": N_("Confirm the statement of good faith."),
    "email": N_("This is not an e-mail address."),
    "name": N_("A name of at most 200 characters."),
    "contact": N_("No name or e-mail address with this category: you may stay anonymous."),
    "notifier": N_("Too many notices from you in the last hour; try again later."),
}
_INVALID = N_("This field is not valid.")


def _tenant(request: Request, platform: str) -> str:
    tenant = platform_by_code(state(request).engine, platform)
    if tenant is None:
        raise HTTPException(status_code=404, detail="not_found")
    return tenant.name


def _page(
    request: Request,
    platform: str,
    ad_id: str | None,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    name = _tenant(request, platform)
    category = values.get("category", "")
    token = new_login_token()
    action = f"/report/{platform}" + (f"/ad/{ad_id}" if ad_id else "")
    response = render(
        request,
        "notice_form.html",
        None,
        N_("Report illegal content"),
        status_code=status,
        platform_name=name,
        action=action,
        ad_id=ad_id or "",
        categories=[(code, t(label)) for code, label in CATEGORY_LABELS.items()],
        chosen=category if category in CATEGORY_LABELS else "",
        contact=asks_for_contact(category),
        values=values,
        errors=errors,
        notice_csrf=token,
    )
    response.set_cookie(
        NOTICE_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=not is_local(request),
        path="/report",
    )
    return response


Platform = Annotated[str, Path(max_length=60)]
AdId = Annotated[str, Path(max_length=200)]


@router.get("/report/{platform}", dependencies=[Depends(public)])
def notice_page(request: Request, platform: Platform, category: str = "") -> Response:
    return _page(request, platform, None, {"category": category[:100]}, {})


@router.get("/report/{platform}/ad/{ad_id}", dependencies=[Depends(public)])
def ad_notice_page(
    request: Request, platform: Platform, ad_id: AdId, category: str = ""
) -> Response:
    return _page(request, platform, ad_id, {"category": category[:100]}, {})


async def _submit(request: Request, platform: str, ad_id: str | None) -> Response:
    await check_login_csrf(request, NOTICE_CSRF_COOKIE)
    form = await request.form()
    values = {
        key: str(form.get(key, ""))[:6000]
        for key in ("category", "url", "explanation", "name", "email")
    }
    t = Translator(language_of(request))
    notice = NoticeForm(
        platform=platform,
        category=values["category"],
        explanation=values["explanation"],
        items=[NoticeItem(values["url"].strip(), ad_id)],
        good_faith=form.get("good_faith") == "yes",
        threat_to_life=form.get("threat_to_life") == "yes",
        name=values["name"] or None,
        email=values["email"] or None,
        language=t.lang if t.lang in ("nl", "en") else "nl",
    )
    shared = state(request)
    # A trusted flagger logged in files as its organisation (its notice jumps the queue).
    principal = current_principal(request)
    filer = (
        principal
        if principal is not None and scope_of(principal, "file_notice") is not None
        else Principal.public(client_of(request) or "unknown")
    )
    try:
        receipt = await file_notice_async(
            shared.engine, shared.cipher, filer, notice, client_of(request)
        )
    except NoticeError as exc:
        if [p.field for p in exc.problems] == ["platform"]:
            raise HTTPException(status_code=404, detail="not_found") from None
        errors: dict[str, str] = {}
        for problem in exc.problems:
            field = problem.field.split("[")[0]
            field = "url" if field == "items" else field
            errors.setdefault(field, t(_FIELD_MESSAGES.get(problem.field.split("[")[0], _INVALID)))
        return _page(request, platform, ad_id, values, errors, status=400)
    return render(
        request,
        "notice_receipt.html",
        None,
        N_("Notice received"),
        status_code=201,
        reference=receipt.reference,
        contact=bool(values["email"]),
    )


@router.post("/report/{platform}", dependencies=[Depends(public)])
async def notice_submit(request: Request, platform: Platform) -> Response:
    return await _submit(request, platform, None)


@router.post("/report/{platform}/ad/{ad_id}", dependencies=[Depends(public)])
async def ad_notice_submit(request: Request, platform: Platform, ad_id: AdId) -> Response:
    return await _submit(request, platform, ad_id)
