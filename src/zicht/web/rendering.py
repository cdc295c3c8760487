"""Server-rendered pages: the Jinja2 environment, the menu, the language switch."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from zicht.access import ROLES, Principal, authorize
from zicht.web.i18n import LANG_COOKIE, LANGUAGES, Translator, language_of
from zicht.web.security import is_local

__all__ = ["NAVIGATION", "environment", "first_page", "render"]

_TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)

# (path, message key, action needed to see it in the menu)
NAVIGATION: tuple[tuple[str, str, str], ...] = (
    ("/dashboard", "dashboard", "view_dashboard"),
    ("/upload", "upload_title", "upload"),
    ("/quarantine", "quarantine", "correct_quarantine"),
    ("/registrations", "registrations", "list_registrations"),
    ("/persons", "persons", "view_persons"),
    ("/estimates", "estimates", "view_estimates"),
    ("/reports", "reports", "download_reports"),
    ("/audit", "audit", "read_audit"),
    ("/admin/users", "users", "manage_users"),
    ("/admin/tokens", "tokens", "manage_tokens"),
    ("/admin/organisations", "organisations", "manage_organisations"),
)


def first_page(principal: Principal) -> str | None:
    """The first page of the menu that `principal` may see."""
    for path, _, action in NAVIGATION:
        if authorize(principal, action):
            return path
    return None


def _lang_links(request: Request, lang: str) -> list[dict[str, Any]]:
    links = []
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    for code, (label, _) in LANGUAGES.items():
        query = urlencode([*params, ("lang", code)])
        links.append(
            {
                "code": code,
                "label": label,
                "href": f"{request.url.path}?{query}",
                "current": code == lang,
            }
        )
    return links


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    title_key: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render `template` for `principal` in the language of the request."""
    lang = language_of(request)
    t = Translator(lang)
    nav = []
    if principal is not None:
        nav = [
            {"href": path, "label": t(key), "current": request.url.path.startswith(path)}
            for path, key, action in NAVIGATION
            if authorize(principal, action)
        ]
    role_label = ""
    if principal is not None:
        names = ROLES.get(principal.role or "", ("API", "API"))
        role_label = names[0] if lang == "nl" else names[1]
    html = environment.get_template(template).render(
        t=t,
        fmt=t.number,
        lang=lang,
        title=context.pop("title", None) or t(title_key),
        principal=principal,
        role_label=role_label,
        csrf_token=(principal.csrf_token if principal else "") or "",
        nav=nav,
        lang_links=_lang_links(request, lang),
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=365 * 86400,
            samesite="lax",
            secure=not is_local(request),
            httponly=True,
        )
    return response
