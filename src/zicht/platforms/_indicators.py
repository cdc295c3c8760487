"""Indicators in the text of sex-work ads, Dutch and English (see shared/reference/ads.md).

Validated against case outcomes (US study for the National Institute of Justice,
1,263 ads): an obscured phone number, youth language, third-person writing, stated
ethnicity and the language of a "trustworthy provider". These are scored. Practitioner
lists that were not validated (movement language, "24/7", emoji codes) are shown as
context only, never as evidence; "new in town" was even *less* often trafficking.

Phrases are matched on the ad's words (lower case; one, two or three words in a
row): one compiled expression per list, run over the words joined by single spaces,
so that a phrase matches whole words only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CONTEXT", "VALIDATED", "TextIndicator", "text_indicators"]

_WORD = re.compile(r"[\w'%/-]+")
_NUMBER_WORDS = frozenset([
    "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "nul", "een", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
])  # fmt: skip
_MIN_NUMBER_WORDS = 5  # a phone number has ten digits; five words in a row is no sentence
_LETTERED_PHONE = re.compile(r"(?<!\w)[0oO]6[-. ]?[\dOoIl]{8}(?!\w)")
_EMOJI = "\U0001f339\U0001f352\U0001f497\u2708\U0001f451"  # rose, cherry, heart, plane, crown


@dataclass(frozen=True, slots=True)
class TextIndicator:
    """A named list of phrases and what it means when one is found."""

    name: str
    phrases: frozenset[str]
    meaning: str


def _phrases(*phrases: str) -> frozenset[str]:
    return frozenset(" ".join(p.lower().split()) for p in phrases)


VALIDATED = (
    TextIndicator("obscured_phone", frozenset(),
                  "a phone number written in words or with letters for digits"),
    TextIndicator(
        "youth_language",
        _phrases(
            "young", "teen", "teenager", "barely legal", "schoolgirl", "school girl", "lolita",
            "innocent", "little girl", "jong", "jonge", "tiener", "tienermeisje",
            "schoolmeisje", "net 18", "piepjong", "onschuldig", "klein meisje",
        ),
        "youth language",
    ),
    TextIndicator(
        "third_person",
        _phrases(
            "she is", "she's", "she will", "she loves", "her services", "this girl",
            "our girls", "zij is", "ze is", "zij heeft", "ze heeft", "dit meisje",
            "onze meiden", "onze dames", "onze meisjes",
        ),
        "writing about the worker in the third person",
    ),
    TextIndicator(
        "stated_ethnicity",
        _phrases(
            "asian", "thai", "chinese", "japanese", "korean", "latina", "ebony", "african",
            "russian", "ukrainian", "romanian", "bulgarian", "hungarian", "polish",
            "eastern european", "brazilian", "colombian", "dominican", "exotic",
            "aziatisch", "aziatische", "thaise", "chinees", "latijns", "oost-europees",
            "oost-europese", "roemeense", "bulgaarse", "hongaarse", "poolse", "russische",
            "oekraïense", "braziliaanse", "colombiaanse", "dominicaanse", "exotisch",
            "exotische", "afrikaanse",
        ),
        "stated ethnicity",
    ),
    TextIndicator(
        "trust_language",
        _phrases(
            "100% real", "real pics", "real photos", "no fake", "not fake", "100% echt",
            "echte foto's", "echte fotos", "geen nep", "geen fake",
        ),
        'language of a "trustworthy provider"',
    ),
)  # fmt: skip

CONTEXT = (
    TextIndicator(
        "movement_language",
        _phrases(
            "new in town", "new in the area", "new in the city", "just arrived",
            "nieuw in de stad", "nieuw in de regio", "nieuw hier", "net aangekomen",
        ),
        "movement language (not predictive in the validated study)",
    ),
    TextIndicator("always_available", _phrases("24/7", "24 uur", "24 hours"), "always available"),
    TextIndicator("emoji_codes", frozenset(),
                  "emoji codes of practitioner lists (rose, cherry, heart, plane, crown)"),
)  # fmt: skip


def _pattern(phrases: frozenset[str]) -> re.Pattern[str] | None:
    """Whole-word phrases of one to three words, in words joined by single spaces."""
    usable = sorted((p for p in phrases if 1 <= len(p.split()) <= 3), key=len, reverse=True)
    if not usable:
        return None
    return re.compile(r"(?:^| )(?:" + "|".join(map(re.escape, usable)) + r")(?= |$)")


_PATTERNS = {i.name: _pattern(i.phrases) for i in VALIDATED + CONTEXT}


def _said(indicator: TextIndicator, joined: str) -> bool:
    pattern = _PATTERNS[indicator.name]
    return pattern is not None and pattern.search(joined) is not None


def _obscured_phone(text: str, words: list[str]) -> bool:
    run = 0
    for word in words:
        run = run + 1 if word in _NUMBER_WORDS else 0
        if run >= _MIN_NUMBER_WORDS:
            return True
    return any(
        any(ch in "OoIl" for ch in match.group(0)) for match in _LETTERED_PHONE.finditer(text)
    )


def text_indicators(text: str) -> tuple[list[TextIndicator], list[TextIndicator]]:
    """The validated and the context indicators found in `text`."""
    words = [w.strip("'-/") for w in _WORD.findall(text.lower())]
    joined = " ".join(w for w in words if w)
    validated = [
        i
        for i in VALIDATED
        if (i.name == "obscured_phone" and _obscured_phone(text, words)) or _said(i, joined)
    ]
    context = [
        i
        for i in CONTEXT
        if (i.name == "emoji_codes" and any(e in text for e in _EMOJI)) or _said(i, joined)
    ]
    return validated, context
