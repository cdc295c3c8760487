"""The language of a web request: Dutch by default, any language with a catalogue.

The language comes from the `lang` query parameter (which also sets the `lang`
cookie), else the cookie, else Dutch. Texts, numbers and dates come from
`zicht.i18n.Translator`; the catalogues are `zicht/locale/*/LC_MESSAGES/zicht.po`.
"""

from __future__ import annotations

from typing import TypeGuard

from starlette.requests import Request

from zicht.i18n import DEFAULT_LANGUAGE, Translator, catalogues

__all__ = ["LANG_COOKIE", "Translator", "api_language", "known_language", "language_of"]

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


def api_language(request: Request) -> str:
    """The language of an API response: `lang`, else the cookie, else the first language
    of Accept-Language that has a catalogue (quality order), else Dutch."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if known_language(candidate):
            return candidate
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(request.headers.get("accept-language", "").split(",")[:20]):
        code, _, parameters = part.strip().partition(";")
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, position, code.strip().lower().split("-")[0]))
    for _, _, code in sorted(ranked):
        if known_language(code):
            return code
    return DEFAULT_LANGUAGE
