"""The language of a web request: Dutch by default, any language with a catalogue.

The language comes from the `lang` query parameter (which also sets the `lang`
cookie), else the cookie, else Dutch. Texts, numbers and dates come from
`zicht.i18n.Translator`; the catalogues are `zicht/locale/*/LC_MESSAGES/zicht.po`.
"""

from __future__ import annotations

from typing import TypeGuard

from starlette.requests import Request

from zicht.i18n import DEFAULT_LANGUAGE, Translator, catalogues

__all__ = ["LANG_COOKIE", "Translator", "known_language", "language_of"]

LANG_COOKIE = "lang"


def known_language(code: str | None) -> TypeGuard[str]:
    """Whether `code` names a language with a catalogue."""
    return code is not None and code in catalogues().codes


def language_of(request: Request) -> str:
    """The language of this request: query parameter, cookie, else Dutch."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if known_language(candidate):
            return candidate
    return DEFAULT_LANGUAGE
