"""Rendering of the public reporting pages (`/meld`): their own frame and language.

The public pages speak the `meld` gettext domain (six languages) and use their own
frame, `meld/base.html`, not the staff frame: no menu, no account box, no language
cookie, a quick-exit link and the emergency number on every page. The text direction
follows the language (`dir="rtl"` for a right-to-left language such as Arabic).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import HTMLResponse

from zicht.i18n import languages, translator
from zicht.reporting import LANGUAGES
from zicht.web.rendering import environment

__all__ = ["MELD_DOMAIN", "QUICK_EXIT", "page_language", "render_meld"]

MELD_DOMAIN = "meld"
# Where the quick-exit button leads: a neutral, common page (a weather forecast).
QUICK_EXIT = "https://www.knmi.nl/nederland-nu/weer/verwachtingen"


def page_language(code: str) -> str | None:
    """`code` when the public pages speak it, else None (the caller answers 404)."""
    return code if code in LANGUAGES else None


def render_meld(template: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a public page in `lang`; never sets a cookie."""
    t = translator(lang, MELD_DOMAIN)
    names = dict(languages(MELD_DOMAIN))
    rtl = t.locale.character_order == "right-to-left"
    html = environment.get_template(template).render(
        t=t,
        lang=t.lang,
        direction="rtl" if rtl else "ltr",
        quick_exit=QUICK_EXIT,
        languages=[(code, names.get(code, code)) for code in LANGUAGES],
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
