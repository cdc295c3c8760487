"""Linkage and estimation results in words a reader of the page understands.

Splink names its comparisons and levels in English and in code (`given_name`,
"Jaro-Winkler distance of given_name >= 0.8"), and an estimate's model is written
`main + care_coordinator:shelter`. The pages show them in the page's language: a
comparison by the label of its field, a level by a message of the catalogues (the
levels Zicht defines, and Splink's generated ones by their pattern), numbers through
the one formatter of `zicht.i18n`, and a model as its main effects and the pairs of
organisations whose overlap it allows for.
"""

from __future__ import annotations

import re
from typing import Any

from zicht.i18n import N_
from zicht.web.i18n import Translator

__all__ = ["comparison_label", "level_label", "model_label", "review_reasons", "weight_rows"]

# Comparisons of plain linkage and of linkage on encodings (zicht.pprl), by output name.
_COMPARISONS = {
    "prior": N_("Starting weight (how rare a match is)"),
    "final": N_("Total weight"),
    "given_name": N_("Given names"),
    "given_names": N_("Given names"),
    "family_name": N_("Family name"),
    "date_of_birth": N_("Date of birth"),
    "dob": N_("Date of birth"),
    "birth_year": N_("Year of birth"),
    "place_of_birth": N_("Place of birth"),
    "phone": N_("Phone number"),
    "email": N_("E-mail address"),
    "id_document": N_("Identity document"),
    "national_id": N_("National identification number"),
    "bank_account": N_("Bank account"),
    "address": N_("Address, postcode and city"),
    "nationality": N_("Nationality"),
    "gender": N_("Gender"),
    "name": N_("Name"),
}
# Levels Zicht defines itself (zicht.linkage._settings, zicht.pprl._model) and the
# explanation's own bars (zicht.linkage._explain).
_LEVELS = {
    "All name tokens similar, split differently": N_("All name parts similar, split differently"),
    "An initial that agrees": N_("An initial that agrees"),
    "Day and month swapped": N_("Day and month swapped"),
    "Exact date": N_("Exact date"),
    "Given = other's family name": N_("Given name equals the other's family name"),
    "Family = other's given name": N_("Family name equals the other's given name"),
    "One character differs or two swapped": N_("One character differs or two swapped"),
    "One digit differs or two swapped": N_("One digit differs or two swapped"),
    "Only the year known, equal": N_("Only the year known, the same"),
    "Only the year known, different": N_("Only the year known, different"),
    "Place of birth similar": N_("Place of birth similar"),
    "Same city": N_("Same city"),
    "Same first given name": N_("Same first given name"),
    "Same metaphone": N_("Sounds the same (metaphone)"),
    "Same postcode": N_("Same postcode"),
    "Same street address": N_("Same street address"),
    "Street address similar": N_("Street address similar"),
    "Two digits differ": N_("Two digits differ"),
    "Unknown": N_("Unknown on one side"),
    "Unknown on one side": N_("Unknown on one side"),
    "Year within one": N_("Year differs by at most one"),
    "All other comparisons": N_("Different"),
    "Starting match weight (prior)": N_("Before any comparison"),
    "Term-frequency adjustment (rare or common value)": N_("Correction for a rare or common value"),
    "Final match weight": N_("Sum of the weights above"),
}
_EXACT = re.compile(r"^Exact match(?: on .+)?$")
_SIMILAR = re.compile(
    r"^(Jaro-Winkler|Jaro|Levenshtein|Damerau-Levenshtein) .*?([<>]=?) ?([\d.]+)$"
)
_DICE = re.compile(r"^Dice >= ([\d.]+)$")
_NULL = re.compile(r"^(.+ is NULL|Null)$", re.IGNORECASE)


def comparison_label(t: Translator, name: str) -> str:
    """A comparison (or a term-frequency bar `tf_NAME`) by what it compares."""
    if name.startswith("tf_"):
        return t("%(field)s: how common the value is", field=comparison_label(t, name[3:]))
    message = _COMPARISONS.get(name)
    return t(message) if message is not None else t("Other comparison")


def level_label(t: Translator, level: str) -> str:
    """A comparison level in words (a level Zicht does not know: "another level")."""
    message = _LEVELS.get(level)
    if message is not None:
        return t(message)
    if _EXACT.match(level):
        return t("Exactly the same")
    if _NULL.match(level):
        return t("Unknown on one side")
    found = _SIMILAR.match(level)
    if found is not None:
        value = float(found.group(3))
        threshold = t.number(value, 0 if value.is_integer() else 2)
        if found.group(2).startswith("<"):  # a distance: at most so many edits
            return t(
                "Similar (%(measure)s at most %(threshold)s)",
                measure=found.group(1),
                threshold=threshold,
            )
        return t(
            "Similar (%(measure)s at least %(threshold)s)",
            measure=found.group(1),
            threshold=threshold,
        )
    found = _DICE.match(level)
    if found is not None:
        return t(
            "Encodings alike (Dice at least %(threshold)s)",
            threshold=t.number(float(found.group(1)), 2),
        )
    return t("Another level of the model")


def weight_rows(t: Translator, bars: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The bars of a pair's explanation as rows of words and formatted weights."""
    return [
        {
            "comparison": comparison_label(t, str(bar["comparison"])),
            "level": level_label(t, str(bar["level"])),
            "weight": t.number(float(bar["weight"]), 2),
        }
        for bar in bars
    ]


def model_label(t: Translator, model: str | None) -> str:
    """`main + fairwork:police` as "main effects; overlap FairWork–Nationale Politie"."""
    if not model:
        return ""
    terms = [term.strip() for term in model.split("+")]
    pairs = [term for term in terms if term != "main"]
    if not pairs:
        return t("Main effects only (sources independent)")
    shown = []
    for pair in pairs:
        names = [t.label("organisation", code) for code in pair.split(":")]
        shown.append("–".join(names))
    return t("Main effects and the overlap of %(pairs)s", pairs="; ".join(shown))


_REASONS = (
    (re.compile(r"^more than (\d+) registrations$"), N_("more than %(count)s registrations")),
    (re.compile(r"^only (\d+)% of its pairs link$"), N_("only %(count)s%% of its pairs link")),
    (
        re.compile(r"^(\d+) weak link\(s\) hold it together alone$"),
        N_("%(count)s weak links hold it together alone"),
    ),
)


def review_reasons(t: Translator, reasons: str | None) -> str:
    """Why a linked person needs review (zicht.linkage's `reasons`), in `t`'s language."""
    shown = []
    for reason in (reasons or "").split("; "):
        for pattern, message in _REASONS:
            found = pattern.match(reason.strip())
            if found is not None:
                shown.append(t(message, count=t.number(int(found.group(1)))))
                break
    return "; ".join(shown)
