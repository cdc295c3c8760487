"""Linked persons in the variables and codes of IOM's CTDC global dataset.

Codes come from the data standard's vocabularies (their ``ctdc`` attribute), so a new
term of the standard reaches the export without a change here. Variables Zicht does not
record (forced marriage, abduction, majority at exploitation, ...) are ``-99``, CTDC's
code for missing, and the codebook says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd

from zicht.opendata._persons import LinkedPerson
from zicht.standard import (
    AGE_BANDS,
    FORMS,
    GENDERS,
    MAJORITY,
    MEANS_OF_CONTROL,
    RECRUITER_RELATIONS,
    SECTORS,
    age_band,
)

__all__ = [
    "CTDC_COLUMNS",
    "DATASOURCE",
    "EXPLOITATION_LABELS",
    "MISSING",
    "NOT_RECORDED",
    "concatenated_label",
    "ctdc_frame",
]

MISSING = "-99"
DATASOURCE = "Case Management"

_EXPLOIT_FLAGS = (
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
)
_MEANS_FLAGS = tuple(
    dict.fromkeys(
        [
            "meansOfControlDebtBondage",
            "meansOfControlTakesEarnings",
            "meansOfControlRestrictsFinancialAccess",
            "meansOfControlThreats",
            "meansOfControlPsychologicalAbuse",
            "meansOfControlPhysicalAbuse",
            "meansOfControlSexualAbuse",
            "meansOfControlFalsePromises",
            "meansOfControlPsychoactiveSubstances",
            "meansOfControlRestrictsMovement",
            "meansOfControlRestrictsMedicalCare",
            "meansOfControlExcessiveWorkingHours",
            "meansOfControlUsesChildren",
            "meansOfControlThreatOfLawEnforcement",
            "meansOfControlWithholdsNecessities",
            "meansOfControlWithholdsDocuments",
            "meansOfControlOther",
        ]
    )
)
_LABOUR_FLAGS = (
    "typeOfLabourAgriculture",
    "typeOfLabourAquafarming",
    "typeOfLabourBegging",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities",
    "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling",
    "typeOfLabourTransportation",
    "typeOfLabourOther",
)
_SEX_FLAGS = (
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
)
_RECRUITER_FLAGS = (
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "recruiterRelationUnknown",
)

NOT_RECORDED = frozenset(
    {
        "majorityStatusAtExploit",
        "majorityEntry",
        "isForcedMarriage",
        "isForcedMilitary",
        "isSlaveryAndPractices",
        "isAbduction",
    }
)
"""Variables Zicht's data standard does not record: always ``-99``."""

CTDC_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *_MEANS_FLAGS,
    "meansOfControlNotSpecified",
    "meansOfControlConcatenated",
    *_EXPLOIT_FLAGS,
    "typeOfExploitConcatenated",
    *_LABOUR_FLAGS,
    "typeOfLabourNotSpecified",
    "typeOfLabourConcatenated",
    *_SEX_FLAGS,
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    *_RECRUITER_FLAGS,
)
"""The 63 variables of CTDC's global dataset, in its order."""

# Labels of the flags in `typeOfExploitConcatenated`, as CTDC writes them, in its order.
_EXPLOIT_LABELS = {
    "isForcedLabour": "Forced labour",
    "isSexualExploit": "Sexual exploitation",
    "isOtherExploit": "Other",
    "isOrganRemoval": "Organ removal",
}
EXPLOITATION_LABELS = tuple(_EXPLOIT_LABELS.values())
"""The single codes of ``typeOfExploitConcatenated``."""


def concatenated_label(flag: str) -> str:
    """The label a flag variable has in its ``*Concatenated`` variable."""
    if flag in _EXPLOIT_LABELS:
        return _EXPLOIT_LABELS[flag]
    suffix = re.sub(r"^(meansOfControl|typeOfLabour|typeOfSex|recruiterRelation)", "", flag)
    words = re.findall(r"[A-Z][a-z]*", suffix)
    return " ".join([words[0], *[w.lower() for w in words[1:]]]) if words else flag


def _flags(names: Iterable[str], chosen: set[str]) -> dict[str, str]:
    return {name: "1" if name in chosen else "0" for name in names}


def _joined(names: Sequence[str], chosen: set[str]) -> str:
    return ";".join(concatenated_label(n) for n in names if n in chosen) or MISSING


def _ctdc_codes(
    vocabulary_terms: Iterable[tuple[str, str | None]], codes: frozenset[str]
) -> set[str]:
    return {ctdc for code, ctdc in vocabulary_terms if code in codes and ctdc}


def _age(person: LinkedPerson) -> tuple[str, str]:
    code = age_band(person.age) if person.age is not None else person.age_band
    band = AGE_BANDS.get(code).ctdc if code is not None and code in AGE_BANDS else None
    if person.minor is not None:
        majority = MAJORITY.get("minor" if person.minor else "adult").ctdc
    elif band is not None:
        majority = "Minor" if band in ("0--8", "9--17") else "Adult"
    else:
        majority = None
    return band or MISSING, majority or MISSING


def _row(person: LinkedPerson) -> dict[str, str]:
    forms = _ctdc_codes(((t.code, t.ctdc) for t in FORMS), person.forms)
    if "isSexualExploit" in forms and "isForcedLabour" in forms:
        forms.add("isSexAndLabour")
    means = _ctdc_codes(((t.code, t.ctdc) for t in MEANS_OF_CONTROL), person.means_of_control)
    sectors = _ctdc_codes(((t.code, t.ctdc) for t in SECTORS), person.sectors)
    relations = _ctdc_codes(
        ((t.code, t.ctdc) for t in RECRUITER_RELATIONS), person.recruiter_relations
    )
    labour = sectors & set(_LABOUR_FLAGS)
    sex = sectors & set(_SEX_FLAGS)
    age_broad, majority = _age(person)
    gender = GENDERS.get(person.gender).ctdc if person.gender in GENDERS else None
    row: dict[str, str] = {
        "yearOfRegistration": str(person.year),
        "Datasource": DATASOURCE,
        "gender": gender or MISSING,
        "ageBroad": age_broad,
        "majorityStatus": majority,
        "citizenship": person.nationality or MISSING,
        **_flags(_MEANS_FLAGS, means),
        "meansOfControlNotSpecified": "0" if means else "1",
        "meansOfControlConcatenated": _joined(_MEANS_FLAGS, means),
        **_flags(_EXPLOIT_FLAGS, forms),
        "typeOfExploitConcatenated": _joined(tuple(_EXPLOIT_LABELS), forms),
        **_flags(_LABOUR_FLAGS, labour),
        "typeOfLabourNotSpecified": "1" if "isForcedLabour" in forms and not labour else "0",
        "typeOfLabourConcatenated": _joined(_LABOUR_FLAGS, labour),
        **_flags(_SEX_FLAGS, sex),
        "typeOfSexConcatenated": _joined(_SEX_FLAGS, sex),
        "RecruiterRelationship": _joined(_RECRUITER_FLAGS, relations),
        "CountryOfExploitation": person.country_of_exploitation or MISSING,
        **_flags(_RECRUITER_FLAGS, relations),
    }
    row.update(dict.fromkeys(NOT_RECORDED, MISSING))
    return {column: row[column] for column in CTDC_COLUMNS}


def ctdc_frame(persons: Sequence[LinkedPerson]) -> pd.DataFrame:
    """One row per person in CTDC's variables and codes, every value a string."""
    return pd.DataFrame([_row(p) for p in persons], columns=list(CTDC_COLUMNS), dtype=object)
