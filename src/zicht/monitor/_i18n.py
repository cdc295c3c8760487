"""The report's language: labels, numbers and dates through `zicht.i18n`.

The report's texts are messages of the gettext catalogues (docs/language.md); this
module adds what only the report needs: the suppression mark and labels that are
either a message or a (Dutch, English) label of the data standard.
"""

from __future__ import annotations

import datetime as dt

from zicht.i18n import Translator, catalogues

__all__ = ["SUPPRESSED", "Label", "fmt_date", "fmt_number", "known_language", "pick"]

SUPPRESSED = "x"
"""How a suppressed cell is shown (CBS convention: 'x' = confidential)."""

Label = str | tuple[str, str]
"""A message of the catalogues (marked with N_), or a (Dutch, English) pair of the standard."""


def known_language(lang: str) -> bool:
    """Whether the report can be written in `lang` (it has a catalogue)."""
    return lang in catalogues().codes


def pick(label: Label, lang: str) -> str:
    """The label in `lang`: a message translated, or the Dutch or English half of a pair."""
    if isinstance(label, str):
        return Translator(lang).translations.gettext(label)
    return label[0] if lang == "nl" else label[1]


def fmt_number(value: float | None, lang: str, digits: int = 0) -> str:
    """A number for people: 1.372 (nl) or 1,372 (en); None is the suppression mark."""
    if value is None:
        return SUPPRESSED
    return Translator(lang).number(value, digits)


def fmt_date(value: dt.date, lang: str) -> str:
    """A date for people: 17 november 2021 (nl), 17 November 2021 (en)."""
    return Translator(lang).date(value, "long")
