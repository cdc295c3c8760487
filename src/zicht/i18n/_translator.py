"""Messages, numbers and dates in one language."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from zicht.i18n._catalogues import DOMAIN, Catalogues
from zicht.standard import VOCABULARIES

__all__ = [
    "DEFAULT_LANGUAGE",
    "Translator",
    "catalogues",
    "languages",
    "resolve",
    "translator",
    "use",
]

DEFAULT_LANGUAGE = "nl"

_domains: dict[str, Catalogues] = {DOMAIN: Catalogues()}


def catalogues(domain: str = DOMAIN) -> Catalogues:
    """The catalogues of `domain` in use (under `zicht/locale/` unless `use` chose others)."""
    found = _domains.get(domain)
    if found is None:
        found = _domains.setdefault(domain, Catalogues(domain=domain))
    return found


def use(found: Catalogues) -> Catalogues:
    """Use other catalogues for their domain from now on (tests); returns the previous."""
    previous = catalogues(found.domain)
    _domains[found.domain] = found
    _translator.cache_clear()
    _labels.cache_clear()
    return previous


def languages(domain: str = DOMAIN) -> list[tuple[str, str]]:
    """(code, own name) of every language with a catalogue in `domain`, Dutch first."""
    found = catalogues(domain)
    codes = sorted(found.codes, key=lambda c: (c != DEFAULT_LANGUAGE, c))
    return [(code, found.get(code).name) for code in codes]


def resolve(lang: str | None, domain: str = DOMAIN) -> str:
    """`lang` when `domain` has a catalogue for it, else Dutch."""
    return lang if lang and lang in catalogues(domain).codes else DEFAULT_LANGUAGE


# Babel's formatting costs tens of microseconds a call; pages show the same numbers and
# dates over and over (50 registration dates a list page), so results are remembered.
@lru_cache(maxsize=8192, typed=True)
def _number(locale: Locale, value: float | int, digits: int) -> str:
    pattern = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return format_decimal(value, format=pattern, locale=locale)


@lru_cache(maxsize=8192, typed=True)
def _date(locale: Locale, value: dt.date | dt.datetime, width: str) -> str:
    if isinstance(value, dt.datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm", locale=locale)
    return format_date(value, width, locale=locale)


class Translator:
    """Messages (gettext), numbers and dates in one language.

    Messages are English source texts with `%(name)s` placeholders, filled from keyword
    arguments; a literal percent sign is written `%%` (as in Jinja2's newstyle gettext).
    """

    def __init__(self, lang: str | None = None, domain: str = DOMAIN) -> None:
        catalogue = catalogues(domain).get(resolve(lang, domain))
        self.lang = catalogue.code
        self.locale = catalogue.locale
        self.translations = catalogue.translations
        """The gettext catalogue itself (for Jinja2, which fills placeholders itself)."""

    def __call__(self, message: str, /, **values: object) -> str:
        """The translation of `message`, placeholders filled."""
        return self.translations.gettext(message) % values

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The singular or plural translation for `n`; `%(num)s` is `n` formatted."""
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": self.number(n), **values}

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        """The translation of `message` in `context` (a word with two meanings)."""
        return self.translations.pgettext(context, message) % values

    def number(self, value: float | int | None, digits: int = 0) -> str:
        """A number as written in this language (nl: 1.372 and 3,5); None is ''."""
        if value is None:
            return ""
        return _number(self.locale, value, digits)

    def date(self, value: dt.date | dt.datetime | None, width: str = "medium") -> str:
        """A date (`width` short, medium or long), or a date and time in UTC; None is ''."""
        if value is None:
            return ""
        return _date(self.locale, value, width)

    def label(self, vocabulary: str, code: str | None) -> str:
        """The label of `code` in a vocabulary of the standard (the code when unknown)."""
        if code is None or code == "":
            return ""
        terms = VOCABULARIES[vocabulary]
        return terms.label(code, self.lang) if code in terms else code

    def labels(self, vocabulary: str, codes: str | None) -> str:
        """Labels of ';'-joined codes."""
        return _labels(self.lang, vocabulary, codes or "")


@lru_cache(maxsize=4096)
def _labels(lang: str, vocabulary: str, codes: str) -> str:
    terms = VOCABULARIES[vocabulary]
    return ", ".join(terms.label(c, lang) if c in terms else c for c in codes.split(";") if c)


@lru_cache(maxsize=64)
def _translator(code: str, domain: str) -> Translator:
    return Translator(code, domain)


def translator(lang: str | None, domain: str = DOMAIN) -> Translator:
    """The translator of `lang` in `domain` (Dutch when it has no catalogue), made once."""
    return _translator(resolve(lang, domain), domain)
