"""Administration of users, API tokens and organisations (the audit trail is `audit.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht import access as accounts
from zicht.access import ACTIONS, ROLES, TOKEN_ACTIONS, Principal
from zicht.i18n import N_
from zicht.standard import ORGANISATIONS
from zicht.web.deps import client_of, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId, whole_number
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 50


def _actor(request: Request, principal: Principal) -> accounts.Actor:
    return accounts.Actor(
        principal.actor, principal.kind, principal.organisation, client_of(request)
    )


def _label(t: Translator, names: dict[str, str], key: str | None) -> str:
    if key is None:
        return ""
    return t(names[key]) if key in names else key


def _users_page(
    request: Request,
    principal: Principal,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    secret: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    users = [
        {
            "username": u.username,
            "role_label": _label(t, ROLES, u.role),
            "organisation_label": t.label("organisation", u.organisation),
            "active": u.active,
            "status": (
                t("Inactive") if not u.active else ("🔒 " if u.locked else "") + t("Active")
            ),
            "last_login": t.date(u.last_login_at),
        }
        for u in accounts.list_users(state(request).engine)
    ]
    return render(
        request,
        "admin_users.html",
        principal,
        N_("Users"),
        status_code=status,
        users=users,
        errors=errors or {},
        form=form or {},
        secret=secret,
        roles=[(r, _label(t, ROLES, r)) for r in ROLES],
        organisations=[(c, t.label("organisation", c)) for c in ORGANISATIONS.codes],
    )


@router.get("/admin/users")
def users(
    request: Request, principal: Annotated[Principal, Depends(requires("manage_users"))]
) -> Response:
    return _users_page(request, principal)


@router.post("/admin/users")
async def add_user(
    request: Request, principal: Annotated[Principal, Depends(requires("manage_users"))]
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    username = form.get("username", "").strip()
    try:
        password = await run_in_threadpool(
            accounts.add_user,
            state(request).engine,
            _actor(request, principal),
            username,
            form.get("role", ""),
            form.get("organisation") or None,
        )
    except accounts.AccountError as exc:
        field = "username"
        text = str(exc)
        if "role" in text:
            field = "role"
        elif "organisation" in text:
            field = "organisation"
        return await run_in_threadpool(
            lambda: _users_page(request, principal, errors={field: text}, form=form, status=400)
        )
    secret = {"username": username, "password": password}
    return await run_in_threadpool(lambda: _users_page(request, principal, secret=secret))


@router.post("/admin/users/{username}/{operation}")
def change_user(
    request: Request,
    username: str,
    operation: str,
    principal: Annotated[Principal, Depends(requires("manage_users"))],
) -> Response:
    engine, actor = state(request).engine, _actor(request, principal)
    try:
        if operation == "reset":
            password = accounts.reset_password(engine, actor, username)
            return _users_page(
                request, principal, secret={"username": username, "password": password}
            )
        if operation in ("disable", "enable"):
            accounts.set_user_active(engine, actor, username, operation == "enable")
            return RedirectResponse("/admin/users", status_code=303)
    except accounts.AccountError:
        raise HTTPException(status_code=404, detail="not_found") from None
    raise HTTPException(status_code=404, detail="not_found")


def _tokens_page(
    request: Request,
    principal: Principal,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    secret: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    tokens = [
        {
            "id": tk.id,
            "name": tk.name,
            "prefix": tk.prefix,
            "usable": tk.usable,
            "organisation_label": t.label("organisation", tk.organisation),
            "actions_label": ", ".join(_label(t, ACTIONS, a) for a in tk.actions),
            "expires": t.date(tk.expires_at),
            "status": t("Active") if tk.usable else t("Inactive"),
        }
        for tk in accounts.list_tokens(state(request).engine)
    ]
    return render(
        request,
        "admin_tokens.html",
        principal,
        N_("API tokens"),
        status_code=status,
        tokens=tokens,
        errors=errors or {},
        form=form or {},
        secret=secret,
        organisations=[(c, t.label("organisation", c)) for c in ORGANISATIONS.codes],
        token_actions=[(a, _label(t, ACTIONS, a)) for a in TOKEN_ACTIONS],
    )


@router.get("/admin/tokens")
def tokens(
    request: Request, principal: Annotated[Principal, Depends(requires("manage_tokens"))]
) -> Response:
    return _tokens_page(request, principal)


@router.post("/admin/tokens")
async def create_token(
    request: Request, principal: Annotated[Principal, Depends(requires("manage_tokens"))]
) -> Response:
    data = await request.form()
    form = {k: str(v) for k, v in data.items() if isinstance(v, str) and k != "actions"}
    chosen = [str(v) for v in data.getlist("actions")]
    days_text = form.get("days", "90").strip()
    errors: dict[str, str] = {}
    days = whole_number(days_text, 0, 10**6)
    if days is None:
        errors["days"] = "1-366"
    if not chosen:
        t = Translator(language_of(request))
        errors["actions"] = t("Fill in this field")
    if days is not None and not errors:
        try:
            info, token = await run_in_threadpool(
                accounts.create_token,
                state(request).engine,
                _actor(request, principal),
                form.get("name", ""),
                form.get("organisation", ""),
                chosen,
                days,
            )
        except accounts.AccountError as exc:
            text = str(exc)
            field = next((f for f in ("organisation", "actions", "expires") if f in text), "name")
            errors[{"expires": "days"}.get(field, field)] = text
        else:
            secret = {"name": info.name, "token": token}
            return await run_in_threadpool(lambda: _tokens_page(request, principal, secret=secret))
    return await run_in_threadpool(
        lambda: _tokens_page(request, principal, errors=errors, form=form, status=400)
    )


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(
    request: Request,
    token_id: RowId,
    principal: Annotated[Principal, Depends(requires("manage_tokens"))],
) -> Response:
    try:
        accounts.revoke_token(state(request).engine, _actor(request, principal), token_id)
    except accounts.AccountError:
        raise HTTPException(status_code=404, detail="not_found") from None
    return RedirectResponse("/admin/tokens", status_code=303)


@router.get("/admin/organisations")
def organisations(
    request: Request, principal: Annotated[Principal, Depends(requires("manage_organisations"))]
) -> Response:
    t = Translator(language_of(request))
    rows = [
        {"code": code, "label": t.label("organisation", code), "active": active, "users": users}
        for code, active, users in accounts.list_organisations(state(request).engine)
    ]
    return render(
        request, "admin_organisations.html", principal, N_("Organisations"), organisations=rows
    )


@router.post("/admin/organisations/{code}")
async def change_organisation(
    request: Request,
    code: str,
    principal: Annotated[Principal, Depends(requires("manage_organisations"))],
) -> Response:
    if code not in ORGANISATIONS:
        raise HTTPException(status_code=404, detail="not_found")
    active = (await request.form()).get("active") == "1"
    await run_in_threadpool(
        accounts.set_organisation_active,
        state(request).engine,
        _actor(request, principal),
        code,
        active,
    )
    return RedirectResponse("/admin/organisations", status_code=303)
