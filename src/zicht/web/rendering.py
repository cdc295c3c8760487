"""Server-rendered pages: the Jinja2 environment, the menu, the language switch."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from zicht.access import ROLES, Principal, authorize
from zicht.i18n import N_, languages
from zicht.web.i18n import LANG_COOKIE, Translator, known_language, language_of
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
    extensions=["jinja2.ext.i18n"],
)


# Templates translate with _(), gettext, ngettext, pgettext and {% trans %} (Jinja2's
# newstyle gettext: placeholders are %(name)s, filled and escaped by Jinja2) in the
# language of the request: the page's translator `t` is taken from the render context.
# These are Jinja2's own newstyle callables (jinja2.ext._make_new_gettext and the rest)
# with the translation done in place: Jinja2's `_` resolves `gettext`, which calls the
# translation function, each through `Context.call`: three calls per message, and the
# registrations list has some twenty (benchmarks/bench_web.py, docs/web.md).
@pass_context
def _gettext(context: Context, message: str, /, **variables: Any) -> str:
    translator: Translator = context["t"]
    text = translator.translations.gettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - the catalogue's text, as Jinja2 trusts it
    return text % variables


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, /, **variables: Any) -> str:
    translator: Translator = context["t"]
    variables.setdefault("num", n)
    text = translator.translations.ngettext(singular, plural, n)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - the catalogue's text, as Jinja2 trusts it
    return text % variables


@pass_context
def _pgettext(context: Context, message_context: str, message: str, /, **variables: Any) -> str:
    translator: Translator = context["t"]
    variables.setdefault("context", message_context)
    text = translator.translations.pgettext(message_context, message)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - the catalogue's text, as Jinja2 trusts it
    return text % variables


# The extension's setup first (newstyle {% trans %}), then the callables in its place.
environment.install_gettext_callables(  # type: ignore[attr-defined]
    _gettext, _ngettext, newstyle=True, pgettext=_pgettext
)
environment.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext)
# {% trans %} blocks are looked up with their whitespace collapsed, as babel.cfg extracts them.
environment.policies["ext.i18n.trimmed"] = True

# (path, message, action needed to see it in the menu)
NAVIGATION: tuple[tuple[str, str, str], ...] = (
    ("/dashboard", N_("Dashboard"), "view_dashboard"),
    ("/upload", N_("Upload a file"), "upload"),
    ("/quarantine", N_("Quarantine"), "correct_quarantine"),
    ("/shelter", N_("Shelter"), "view_shelter_availability"),
    ("/registrations", N_("Registrations"), "list_registrations"),
    ("/persons", N_("Persons"), "view_persons"),
    ("/networks", N_("Networks"), "view_networks"),
    ("/estimates", N_("Estimates"), "view_estimates"),
    ("/reports", N_("Reports"), "download_reports"),
    ("/jobs", N_("Link and report"), "run_linkage"),
    ("/opendata", N_("Open data"), "export_international_tables"),
    ("/triage", N_("Anonymous reports"), "triage_reports"),
    ("/information-pages", N_("Information pages"), "edit_information_pages"),
    ("/programme", N_("Programme"), "view_programme"),
    ("/programme/assessment", N_("Self-assessment"), "self_assess"),
    ("/notices", N_("Notices"), "list_notices"),
    ("/ads", N_("Screened ads"), "view_ads"),
    ("/operators", N_("Operators"), "view_ads"),
    ("/licences/lookup", N_("Licence lookup"), "lookup_licence"),
    ("/licences/import", N_("Import licences"), "import_licences"),
    ("/audit", N_("Audit trail"), "read_audit"),
    # After the audit trail: an auditor still lands on it (`first_page`).
    ("/deliveries", N_("Deliveries"), "view_deliveries"),
    ("/admin/users", N_("Users"), "manage_users"),
    ("/admin/tokens", N_("API tokens"), "manage_tokens"),
    ("/admin/organisations", N_("Organisations"), "manage_organisations"),
)


def first_page(principal: Principal) -> str | None:
    """The first page of the menu that `principal` may see."""
    for path, _, action in NAVIGATION:
        if authorize(principal, action):
            return path
    return None


def _menu_paths(principal: Principal) -> tuple[str, ...]:
    """The menu paths `principal` may see (remembered per set of grants and whether an
    organisation is set, what `authorize` reads besides the grants: a user's grants
    today are those of the role, but a grant of their own would get a menu of its own)."""
    if principal.kind == "user" and principal.role in ROLES:
        return _granted_menu_paths(principal, principal.organisation is not None)
    return tuple(p for p, _, action in NAVIGATION if authorize(principal, action))


def _granted_menu_paths(principal: Principal, has_organisation: bool) -> tuple[str, ...]:
    key = (frozenset(principal.permissions.items()), has_organisation)
    found = _MENU_CACHE.get(key)
    if found is None:
        found = tuple(p for p, _, action in NAVIGATION if authorize(principal, action))
        if len(_MENU_CACHE) < 256:
            _MENU_CACHE[key] = found
    return found


_MENU_CACHE: dict[tuple[frozenset[tuple[str, object]], bool], tuple[str, ...]] = {}


_MENU_LABELS = {path: key for path, key, _ in NAVIGATION}


@lru_cache(maxsize=1024)
def _menu_html(shown: tuple[str, ...], lang: str, here: str | None) -> Markup:
    """The menu's items as HTML: the same few per role, language and current page, so
    built once each instead of in the template on every page."""
    t = Translator(lang)
    items = []
    for path in shown:
        current = ' aria-current="page"' if path == here else ""
        label = escape(t(_MENU_LABELS[path]))
        items.append(f'      <li><a href="{escape(path)}"{current}>{label}</a></li>\n')
    return Markup("".join(items))  # noqa: S704 - every value above is escaped


def _lang_links(request: Request, lang: str) -> list[dict[str, Any]]:
    links = []
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    for code, label in languages():
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
    """Render `template` for `principal` in the language of the request.

    Args:
        title_key: the page title as a message (English source text, marked with N_),
            used when the context brings no `title`.
    """
    lang = language_of(request)
    t = Translator(lang)
    nav = Markup()
    if principal is not None:
        shown = _menu_paths(principal)
        # The longest menu path the page is under is the current one (/programme/assessment
        # is not also /programme).
        path = request.url.path
        here = max((p for p in shown if path.startswith(p)), key=len, default=None)
        nav = _menu_html(shown, lang, here)
    role_label = ""
    if principal is not None:
        role = principal.role or ""
        role_label = t(ROLES[role]) if role in ROLES else "API"
    html = environment.get_template(template).render(
        t=t,
        fmt=t.number,
        fmt_date=t.date,
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
    if known_language(chosen) and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=365 * 86400,
            samesite="lax",
            secure=not is_local(request),
            httponly=True,
        )
    return response
