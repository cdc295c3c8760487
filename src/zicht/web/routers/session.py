"""Logging in and out, the start page and the health check (the public routes)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from zicht.access import Principal, client_throttled, create_session, delete_session, login
from zicht.i18n import N_
from zicht.web.csrf import LOGIN_CSRF_COOKIE, check_csrf, check_login_csrf, new_login_token
from zicht.web.deps import SESSION_COOKIE, audit, client_of, current_principal, public, state
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import first_page, render
from zicht.web.security import is_local

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    # Only paths on this site: no scheme, no host, no backslash tricks.
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def _login_page(
    request: Request, errors: dict[str, str], username: str, next_path: str, status: int = 200
) -> Response:
    token = new_login_token()
    response = render(
        request,
        "login.html",
        None,
        N_("Log in to Zicht"),
        status_code=status,
        errors=errors,
        username=username,
        next=next_path,
        login_csrf=token,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=not is_local(request),
        path="/login",
    )
    return response


@router.get("/login", dependencies=[Depends(public)])
def login_form(request: Request, next: str | None = None) -> Response:
    principal = current_principal(request)
    if principal is not None:
        return RedirectResponse(_safe_next(next) if next else "/", status_code=303)
    return _login_page(request, {}, "", _safe_next(next))


@router.post("/login", dependencies=[Depends(public)])
async def login_submit(request: Request) -> Response:
    await check_login_csrf(request)
    form = await request.form()
    username = str(form.get("username", "")).strip()[:80]
    password = str(form.get("password", ""))[:1000]
    next_path = _safe_next(str(form.get("next", "/")))
    t = Translator(language_of(request))
    shared = state(request)
    address = client_of(request)
    client = address or "unknown"
    throttled = not shared.login_limiter.hit(client) or await run_in_threadpool(
        client_throttled, shared.engine, address
    )
    if throttled:
        return _login_page(
            request,
            {
                "username": t(
                    "Too many login attempts from this address. Try again in a few minutes."
                )
            },
            username,
            next_path,
            429,
        )
    errors = {}
    if not username:
        errors["username"] = t("Fill in this field")
    if not password:
        errors["password"] = t("Fill in this field")
    if errors:
        return _login_page(request, errors, username, next_path, 400)
    outcome = await run_in_threadpool(login, shared.engine, username, password)
    if not outcome.ok:
        actor = Principal(
            "user", outcome.user_id or 0, username if outcome.user_id else "unknown", None, None
        )
        await run_in_threadpool(
            audit,
            request,
            actor,
            "login_failed",
            object_type="user",
            object_ids=[outcome.user_id] if outcome.user_id else [],
            reason=outcome.reason,
        )
        return _login_page(
            request,
            {
                "username": t(
                    "The username and password do not match, or the account is temporarily locked."
                )
            },
            username,
            next_path,
            400,
        )
    assert outcome.user_id is not None
    shared.login_limiter.forgive(client)  # only failed logins count towards throttling
    token = await run_in_threadpool(create_session, shared.engine, outcome.user_id, client)
    actor = Principal("user", outcome.user_id, username, None, None)
    await run_in_threadpool(
        audit, request, actor, "login", object_type="user", object_ids=[outcome.user_id]
    )
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=not is_local(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", dependencies=[Depends(public)])
async def logout(request: Request) -> Response:
    principal = await run_in_threadpool(current_principal, request)
    response = RedirectResponse("/login", status_code=303)
    if principal is None or principal.kind != "user":
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    await check_csrf(request, principal)
    token = request.cookies.get(SESSION_COOKIE, "")
    await run_in_threadpool(delete_session, state(request).engine, token)
    await run_in_threadpool(
        audit, request, principal, "logout", object_type="user", object_ids=[principal.id]
    )
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", dependencies=[Depends(public)])
def home(request: Request) -> Response:
    principal = current_principal(request)
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    target = first_page(principal)
    if target is None:
        raise HTTPException(status_code=403, detail="forbidden")
    suffix = (
        f"?lang={quote(request.query_params['lang'])}" if "lang" in request.query_params else ""
    )
    return RedirectResponse(target + suffix, status_code=303)


@router.get("/health", dependencies=[Depends(public)])
def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})
