"""Cross-site request forgery: a synchronizer token per session, checked on every form.

Forms carry the session's token in a hidden `csrf_token` field; scripts may send it
in an `X-CSRF-Token` header instead. The login form, which has no session yet, uses
a double-submit cookie. Requests with an API token (Authorization: Bearer) carry no
ambient credential and need no CSRF token.
"""

from __future__ import annotations

import secrets

from fastapi import HTTPException
from starlette.requests import Request

from zicht.access import Principal

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOGIN_CSRF_COOKIE",
    "SAFE_METHODS",
    "check_csrf",
    "check_login_csrf",
    "new_login_token",
]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOGIN_CSRF_COOKIE = "zicht_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _submitted(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def _refuse() -> HTTPException:
    return HTTPException(status_code=403, detail="csrf_failed")


async def check_csrf(request: Request, principal: Principal) -> None:
    """Refuse an unsafe request of a session whose CSRF token is missing or wrong."""
    if request.method in SAFE_METHODS or principal.kind != "user":
        return
    expected = principal.csrf_token or ""
    submitted = await _submitted(request)
    if not expected or not secrets.compare_digest(submitted.encode(), expected.encode()):
        raise _refuse()


def new_login_token() -> str:
    """A fresh double-submit token for the login form."""
    return secrets.token_urlsafe(32)


async def check_login_csrf(request: Request, cookie_name: str = LOGIN_CSRF_COOKIE) -> None:
    """A logged-out form's hidden token must equal its cookie (login, public notices)."""
    cookie = request.cookies.get(cookie_name, "")
    submitted = await _submitted(request)
    if not cookie or not secrets.compare_digest(submitted.encode(), cookie.encode()):
        raise _refuse()
