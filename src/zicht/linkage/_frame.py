"""From stored registrations to the linkage table: normalised identity columns.

Normalisation is what lets the comparisons survive the ways partners write the same
person differently: diacritics and other scripts are transliterated (anyascii), case
and punctuation are dropped, name particles ("van der", "el") are set aside, the name
tokens are also kept sorted so that swapped given and family names compare equal,
phonetic keys (metaphone) catch spelling variants, dates are split into parts so
that typical typing errors can be recognised, and phone numbers are brought to one
national form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import jellyfish
import pandas as pd
from anyascii import anyascii

__all__ = [
    "LINKAGE_COLUMNS",
    "linkage_table",
    "name_key",
    "name_tokens",
    "normalise_document",
    "normalise_phone",
    "normalise_postcode",
    "normalise_text",
    "phonetic_key",
]

# Particles that partners write attached, detached, or not at all.
_PARTICLES = frozenset(
    [
        "van",
        "de",
        "der",
        "den",
        "het",
        "ten",
        "ter",
        "te",
        "v",
        "d",
        "vd",
        "von",
        "zu",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "dos",
        "das",
        "al",
        "el",
        "bin",
        "ibn",
        "abu",
    ]
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_DIGIT = re.compile(r"[^0-9]")

LINKAGE_COLUMNS = (
    "unique_id",
    "source",
    "given_name",
    "family_name",
    "given_first",
    "given_initial",
    "family_initial",
    "full_name",
    "name_sorted",
    "given_phonetic",
    "family_phonetic",
    "name_phonetic_sorted",
    "dob",
    "birth_year",
    "birth_month",
    "birth_day",
    "nationality",
    "gender",
    "phone",
    "email",
    "id_document",
    "national_id",
    "bank_account",
    "address",
    "postcode",
    "city",
    "place_of_birth",
)
"""Columns of the linkage table, in order; `unique_id` is the registration id."""


@lru_cache(maxsize=200_000)
def normalise_text(value: str | None) -> str | None:
    """Lowercase ASCII words separated by single spaces; None when nothing is left."""
    if value is None:
        return None
    # Every run of anything but a-z and 0-9 becomes one space, so no two spaces are left
    # to squeeze (anyascii's text is ASCII, and so is its lower case).
    return _NOT_ALNUM.sub(" ", anyascii(str(value)).lower()).strip() or None


def name_tokens(value: str | None) -> list[str]:
    """The words of a name without particles (all words when only particles are left)."""
    text = normalise_text(value)
    if text is None:
        return []
    words = text.split()
    kept = [w for w in words if w not in _PARTICLES]
    return kept or words


@lru_cache(maxsize=200_000)
def name_key(value: str | None) -> str | None:
    """A name as one comparable string: its tokens without particles, space-joined."""
    tokens = name_tokens(value)
    return " ".join(tokens) if tokens else None


@lru_cache(maxsize=200_000)
def phonetic_key(value: str | None) -> str | None:
    """Metaphone codes of the name's tokens, space-joined (None for an empty name)."""
    tokens = name_tokens(value)
    codes = [jellyfish.metaphone(t) or t for t in tokens]
    return " ".join(codes) if codes else None


@lru_cache(maxsize=200_000)
def normalise_phone(value: str | None) -> str | None:
    """A phone number in Dutch national form: digits only, country prefix 31 as 0.

    Foreign numbers keep their country code with a leading 00, so that the same
    number written as +48..., 0048... or 48... with a plus compares equal.
    """
    if value is None:
        return None
    raw = str(value).strip()
    digits = _NOT_DIGIT.sub("", raw)
    if raw.startswith("+"):
        digits = "00" + digits
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif digits.startswith("31") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits[0] == "6":
        digits = "0" + digits
    return digits if len(digits) >= 6 else None


def normalise_postcode(value: str | None) -> str | None:
    """Upper-case letters and digits without spaces ("1234 ab" -> "1234AB")."""
    text = normalise_text(value)
    return text.replace(" ", "").upper() if text else None


def normalise_document(value: str | None) -> str | None:
    """An identity-document number: upper-case letters and digits only."""
    text = normalise_text(value)
    return text.replace(" ", "").upper() if text else None


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    return text if "@" in text else None


def _mapped(values: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """Apply `function` once per distinct value (names repeat a lot)."""
    clean = [None if v is None or v is pd.NA or v != v else v for v in values.tolist()]
    uniques = {v: function(v) for v in set(clean) if v is not None}
    mapped = [None if v is None else uniques[v] for v in clean]
    return pd.Series(mapped, index=values.index, dtype=object)


def _sorted_tokens(given: Iterable[str | None], family: Iterable[str | None]) -> list[str | None]:
    out: list[str | None] = []
    for g, f in zip(given, family, strict=True):
        tokens = sorted((g or "").split() + (f or "").split())
        out.append(" ".join(tokens) if tokens else None)
    return out


def _dob_parts(frame: pd.DataFrame) -> pd.DataFrame:
    dob = pd.to_datetime(_column(frame, "date_of_birth").astype(object), errors="coerce")
    year = dob.dt.year.astype("Int64")
    if "birth_year" in frame:
        known = pd.to_numeric(frame["birth_year"], errors="coerce").astype("Int64")
        year = year.fillna(known)
    return pd.DataFrame(
        {
            "dob": dob.dt.strftime("%Y-%m-%d").astype(object).where(dob.notna(), None),
            "birth_year": year,
            "birth_month": dob.dt.month.astype("Int64"),
            "birth_day": dob.dt.day.astype("Int64"),
        },
        index=frame.index,
    )


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        values = frame[name]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            # Some sources write an unknown value as an empty string.
            return values.astype(object).where(values.notna() & (values != ""), None)
        return values
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _national_id(registrations: pd.DataFrame) -> pd.Series:
    """Issuing country and number as one value ("NL:111222333"): equal only when both are."""
    numbers = _mapped(_column(registrations, "national_id_number"), normalise_document)
    countries = _column(registrations, "national_id_country").astype(object)
    return pd.Series(
        [
            None if number is None else f"{country or ''}:{number}"
            for number, country in zip(
                numbers, countries.where(countries.notna(), None), strict=True
            )
        ],
        index=registrations.index,
        dtype=object,
    )


def _given_names(registrations: pd.DataFrame) -> pd.Series:
    """Given names followed by middle names or initials, where a source keeps them apart."""
    given = _column(registrations, "given_names").astype(object)
    middle = _column(registrations, "middle_names").astype(object)
    if middle.isna().all():
        return given
    joined = [
        " ".join(part for part in (g, m) if isinstance(part, str)) or None
        for g, m in zip(given, middle, strict=True)
    ]
    return pd.Series(joined, index=registrations.index, dtype=object)


def linkage_table(registrations: pd.DataFrame) -> pd.DataFrame:
    """The linkage table of `read_records(..., cipher=...)` output, one row per registration.

    Args:
        registrations: rows with `registration_id`, `source` and the decrypted identity
            fields of the standard (missing columns count as unknown).

    Returns:
        A DataFrame with exactly `LINKAGE_COLUMNS`; unknown values are None/NA.
    """
    given_names = _given_names(registrations)
    given = _mapped(given_names, name_key)
    family = _mapped(_column(registrations, "family_name"), name_key)
    given_phonetic = _mapped(given_names, phonetic_key)
    family_phonetic = _mapped(_column(registrations, "family_name"), phonetic_key)
    table = pd.DataFrame(
        {
            "unique_id": registrations["registration_id"].astype("int64"),
            "source": registrations["source"].astype(str),
            "given_name": given,
            "family_name": family,
            "given_first": pd.Series(
                [v.split()[0] if v else None for v in given], index=given.index, dtype=object
            ),
            "given_initial": [v[0] if v else None for v in given],
            "family_initial": [v[0] if v else None for v in family],
            "full_name": [
                f"{g} {f}" if g and f else None for g, f in zip(given, family, strict=True)
            ],
            "name_sorted": _sorted_tokens(given, family),
            "given_phonetic": given_phonetic,
            "family_phonetic": family_phonetic,
            "name_phonetic_sorted": _sorted_tokens(given_phonetic, family_phonetic),
        },
        index=registrations.index,
    )
    table = pd.concat([table, _dob_parts(registrations)], axis=1)
    table["nationality"] = _column(registrations, "nationality").astype(object)
    gender = _column(registrations, "gender").astype(object)
    table["gender"] = gender.where(gender.isin(["male", "female"]), None)
    table["phone"] = _mapped(_column(registrations, "phone"), normalise_phone)
    table["email"] = _mapped(_column(registrations, "email"), _email)
    table["id_document"] = _mapped(_column(registrations, "id_document_number"), normalise_document)
    table["national_id"] = _national_id(registrations)
    table["bank_account"] = _mapped(_column(registrations, "bank_account"), normalise_document)
    table["address"] = _mapped(_column(registrations, "address"), normalise_text)
    table["postcode"] = _mapped(_column(registrations, "postcode"), normalise_postcode)
    table["city"] = _mapped(_column(registrations, "city"), normalise_text)
    table["place_of_birth"] = _mapped(_column(registrations, "place_of_birth"), normalise_text)
    table = table.reset_index(drop=True)[list(LINKAGE_COLUMNS)]
    for name in LINKAGE_COLUMNS:
        if name in ("unique_id", "birth_year", "birth_month", "birth_day"):
            continue
        table[name] = table[name].astype(object).where(table[name].notna(), None)
    return table
