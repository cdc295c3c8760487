"""Indicators in the text of sex-work ads, Dutch and English (see shared/reference/ads.md).

Validated against case outcomes (US study for the National Institute of Justice,
1,263 ads): an obscured phone number, youth language, third-person writing, stated
ethnicity and the language of a "trustworthy provider". These are scored. Practitioner
lists that were not validated (movement language, "24/7", emoji codes) are shown as
context only, never as evidence; "new in town" was even *less* often trafficking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CONTEXT", "VALIDATED", "TextIndicator", "text_indicators"]


@dataclass(frozen=True, slots=True)
class TextIndicator:
    """A named pattern and what it means when found."""

    name: str
    pattern: re.Pattern[str]
    meaning: str


def _words(*phrases: str) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


_NUMBER_WORDS = (
    "zero|oh|one|two|three|four|five|six|seven|eight|nine|"
    "nul|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen"
)
_OBSCURED_PHONE = re.compile(
    # Five or more digits written as words ("zero six one two three") ...
    rf"(?<![\w])(?:(?:{_NUMBER_WORDS})[\s,.\-]+){{4,}}(?:{_NUMBER_WORDS})(?![\w])"
    # ... or a mobile number with letters for digits ("O6-l2345678").
    r"|(?<![\w])[0oO][6]\s*[-.]?\s*(?=[\dOoIl ]{8,12}(?![\w]))(?=[^\n]*?[OoIl])[\dOoIl ]{8,12}",
    re.IGNORECASE,
)

VALIDATED = (
    TextIndicator(
        "obscured_phone",
        _OBSCURED_PHONE,
        "a phone number written in words or with letters for digits",
    ),
    TextIndicator(
        "youth_language",
        _words(
            "young", "teen", "teenager", "barely legal", "schoolgirl", "school girl", "lolita",
            "innocent", "little girl", "jong", "jonge", "jong meisje", "tiener", "tienermeisje",
            "schoolmeisje", "net 18", "piepjong", "onschuldig", "klein meisje",
        ),
        "youth language",
    ),
    TextIndicator(
        "third_person",
        _words(
            "she is", "she's", "she will", "she loves", "her services", "this girl",
            "our girls", "zij is", "ze is", "zij heeft", "ze heeft", "dit meisje",
            "onze meiden", "onze dames", "onze meisjes",
        ),
        "written about the worker in the third person",
    ),
    TextIndicator(
        "stated_ethnicity",
        _words(
            "asian", "thai", "chinese", "japanese", "korean", "latina", "ebony", "african",
            "russian", "ukrainian", "romanian", "bulgarian", "hungarian", "polish",
            "eastern european", "brazilian", "colombian", "dominican", "exotic",
            "aziatisch", "aziatische", "thaise", "chinees", "chinese", "latijns",
            "oost-europees", "oost-europese", "roemeense", "bulgaarse", "hongaarse", "poolse",
            "russische", "oekraïense", "braziliaanse", "colombiaanse", "dominicaanse",
            "exotisch", "exotische", "afrikaanse",
        ),
        "stated ethnicity",
    ),
    TextIndicator(
        "trust_language",
        _words(
            "100% real", "real pics", "real photos", "no fake", "not fake", "100% echt",
            "echte foto's", "echte fotos", "geen nep", "geen fake",
        ),
        'language of a "trustworthy provider"',
    ),
)  # fmt: skip

CONTEXT = (
    TextIndicator(
        "movement_language",
        _words(
            "new in town", "new in the area", "new in the city", "just arrived",
            "nieuw in de stad", "nieuw in de regio", "nieuw hier", "net aangekomen",
        ),
        "movement language (not predictive in the validated study)",
    ),
    TextIndicator("always_available", _words("24/7", "24 uur", "24 hours"), "always available"),
    TextIndicator(
        "emoji_codes",
        re.compile("[\U0001f339\U0001f352\U0001f497\u2708\U0001f451]"),
        "emoji codes of practitioner lists (rose, cherry, heart, plane, crown)",
    ),
)  # fmt: skip


def text_indicators(text: str) -> tuple[list[TextIndicator], list[TextIndicator]]:
    """The validated and the context indicators found in `text`."""
    return (
        [i for i in VALIDATED if i.pattern.search(text)],
        [i for i in CONTEXT if i.pattern.search(text)],
    )
