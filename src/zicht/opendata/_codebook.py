"""The codebook of a CTDC export: every variable, every code it may hold, and its label.

Generalised codes (age groups, regions, continents, a period of years) are listed with
the codes as recorded, so every value of an export is in its codebook whatever level
the k-anonymisation chose. ``*Concatenated`` variables and ``RecruiterRelationship``
hold several codes joined by ``;``: the codebook lists the single codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from zicht.opendata._ctdc import (
    CTDC_COLUMNS,
    DATASOURCE,
    MISSING,
    NOT_RECORDED,
    concatenated_label,
)
from zicht.opendata._hierarchy import AGE_GROUPS, period_label
from zicht.opendata._regions import continents, sub_regions
from zicht.standard import AGE_BANDS, COUNTRIES, GENDERS, MAJORITY

__all__ = ["MULTI_VALUED", "CodebookEntry", "codebook"]

MULTI_VALUED = frozenset(
    {
        "meansOfControlConcatenated",
        "typeOfExploitConcatenated",
        "typeOfLabourConcatenated",
        "typeOfSexConcatenated",
        "RecruiterRelationship",
    }
)


@dataclass(frozen=True)
class CodebookEntry:
    """One code of one variable."""

    variable: str
    code: str
    label: str


def _flag_codes(variable: str) -> dict[str, str]:
    return {"1": "yes", "0": "no"}


def _concatenated(variable: str) -> dict[str, str]:
    prefix = {
        "meansOfControlConcatenated": "meansOfControl",
        "typeOfLabourConcatenated": "typeOfLabour",
        "typeOfSexConcatenated": "typeOfSex",
        "RecruiterRelationship": "recruiterRelation",
    }.get(variable)
    if variable == "typeOfExploitConcatenated":
        flags = ["isForcedLabour", "isSexualExploit", "isOtherExploit", "isOrganRemoval"]
    else:
        flags = [
            c
            for c in CTDC_COLUMNS
            if prefix is not None
            and c.startswith(prefix)
            and not c.endswith(("Concatenated", "NotSpecified"))
        ]
    return {concatenated_label(f): f"{f} = 1" for f in flags}


def _countries(first_year: int, last_year: int) -> dict[str, str]:
    codes = {term.code: term.en for term in COUNTRIES}
    codes.update({region: f"UN sub-region: {region}" for region in sub_regions()})
    codes.update({continent: f"Continent: {continent}" for continent in continents()})
    return codes


def _values(variable: str, first_year: int, last_year: int) -> dict[str, str]:
    if variable == "yearOfRegistration":
        years = {str(y): f"registered in {y}" for y in range(first_year, last_year + 1)}
        years[period_label(first_year, last_year)] = "registered in the period"
        return years
    if variable == "Datasource":
        return {DATASOURCE: "case registrations of the Dutch chain, linked into persons"}
    if variable == "gender":
        return {t.ctdc: t.en for t in GENDERS if t.ctdc and t.ctdc != MISSING}
    if variable == "ageBroad":
        bands = {t.ctdc: t.en for t in AGE_BANDS if t.ctdc}
        bands.update({g: f"age group {g} (generalised)" for g in sorted(set(AGE_GROUPS.values()))})
        return bands
    if variable == "majorityStatus":
        return {t.ctdc: t.en for t in MAJORITY if t.ctdc}
    if variable in ("citizenship", "CountryOfExploitation"):
        return _countries(first_year, last_year)
    if variable in MULTI_VALUED:
        return _concatenated(variable)
    if variable in NOT_RECORDED:
        return {}
    return _flag_codes(variable)


def codebook(first_year: int, last_year: int) -> list[CodebookEntry]:
    """Every code each CTDC variable of an export of the period may hold, ``-99`` included."""
    entries: list[CodebookEntry] = []
    for variable in CTDC_COLUMNS:
        for code, label in _values(variable, first_year, last_year).items():
            entries.append(CodebookEntry(variable, code, label))
        missing = "not recorded by Zicht" if variable in NOT_RECORDED else "missing or suppressed"
        entries.append(CodebookEntry(variable, MISSING, missing))
    return entries
