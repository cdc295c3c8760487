"""Which identity fields are encoded, and the tokens (q-grams) each value becomes.

Values are normalised exactly as plain linkage normalises them (`zicht.linkage._frame`:
transliteration, particles, phone form, ...), so that an encoded and a plain
registration of the same person start from the same text. Each value becomes a set of
tokens; a Bloom filter of the tokens keeps their overlap (Dice similarity) and
nothing else (Schnell, Bachteler & Reiher 2009).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zicht.linkage import (
    name_key,
    normalise_document,
    normalise_phone,
    normalise_postcode,
    normalise_text,
)

__all__ = [
    "FIELDS",
    "MARKS",
    "YEAR_ONLY",
    "YEAR_UNKNOWN",
    "EncodedField",
    "field_tokens",
    "identity_values",
]


def _bigrams(text: str | None) -> tuple[str, ...]:
    """Padded bigrams of each word ("ana" -> _a an na a_), in order, repeats kept once."""
    if not text:
        return ()
    grams: dict[str, None] = {}
    for word in text.split():
        padded = f"_{word}_"
        for i in range(len(padded) - 1):
            grams[padded[i : i + 2]] = None
    return tuple(grams)


def _date_tokens(value: str | None) -> tuple[str, ...]:
    """Year, month, day and their pairs ("1990-05-17"), or the year alone ("1990")."""
    if not value:
        return ()
    if len(value) == 4:
        return (f"y{value}",)
    year, month, day = value[:4], value[5:7], value[8:10]
    return (
        f"y{year}",
        f"m{month}",
        f"d{day}",
        f"ym{year}{month}",
        f"md{month}{day}",
        f"yd{year}{day}",
    )


@dataclass(frozen=True)
class EncodedField:
    """One encoded identity field: its filter length in bits and hash functions per token."""

    name: str
    bits: int
    hashes: int
    normalise: Callable[[str], str | None]
    tokens: Callable[[str | None], tuple[str, ...]]
    salted: bool = False


def _email(value: str) -> str | None:
    text = value.strip().lower()
    return text.replace("@", " ").replace(".", " ") if "@" in text else None


FIELDS: tuple[EncodedField, ...] = (
    EncodedField("given_name", 128, 8, name_key, _bigrams, salted=True),
    EncodedField("family_name", 128, 8, name_key, _bigrams, salted=True),
    EncodedField("date_of_birth", 128, 8, lambda v: v, _date_tokens),
    EncodedField("phone", 128, 6, normalise_phone, _bigrams),
    EncodedField("id_document", 128, 6, normalise_document, _bigrams),
    EncodedField("national_id", 128, 6, normalise_document, _bigrams),
    EncodedField("email", 128, 4, _email, _bigrams),
    EncodedField("bank_account", 128, 4, normalise_document, _bigrams),
    EncodedField("address", 128, 4, normalise_text, _bigrams),
    EncodedField("postcode", 128, 8, normalise_postcode, _bigrams),
    EncodedField("city", 128, 6, normalise_text, _bigrams),
    EncodedField("place_of_birth", 128, 6, normalise_text, _bigrams),
)
"""The encoded fields. Gender and nationality are analytic fields of the standard
(counted in the monitor) and travel as such; they are not compared in linkage."""


MARKS = "birth_marks"
"""A one-byte pseudo-field of every encoded registration (since format 2): what is known of
its date of birth, which linkage needs for the date's own levels (`zicht.pprl._model`).
Formats 2 and 3 also carried a salt tag, 1 bit of a keyed hash of the birth year: against
an attacker who reads the age band and registration date in clear it cost about 2.5
points of re-identification (5.2% with it, 3.1% without, given names) for about 0.004
pairwise F1 (docs/privacy.md). Format 4 has none: names are salted with the whole date
of birth, whose own encoding tells linkage exactly when two salts are equal."""

YEAR_UNKNOWN = 2
"""Mark bit: no date of birth (the names are left out; before issue 17's follow-up they were
hashed with the empty salt). Bit 0, the salt tag of formats 2 and 3, is always 0 since
format 4."""
YEAR_ONLY = YEAR_UNKNOWN << 1
"""Mark bit: the date of birth is the year alone (the names are left out; before issue 17's
follow-up they were salted with the year, which the marks and the band gave away)."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def identity_values(identity: dict[str, Any]) -> dict[str, str | None]:
    """The raw text per encoded field of one record's identity (standard field names)."""
    given = " ".join(
        part
        for part in (_text(identity.get("given_names")), _text(identity.get("middle_names")))
        if part
    )
    born = identity.get("date_of_birth")
    if isinstance(born, dt.date):
        date_text: str | None = born.isoformat()[:10]
    elif _text(born):
        date_text = str(born)[:10]
    elif identity.get("birth_year") is not None:
        date_text = f"{int(identity['birth_year']):04d}"
    else:
        date_text = None
    country = _text(identity.get("national_id_country"))
    number = _text(identity.get("national_id_number"))
    return {
        "given_name": given or None,
        "family_name": _text(identity.get("family_name")),
        "date_of_birth": date_text,
        "phone": _text(identity.get("phone")),
        "id_document": _text(identity.get("id_document_number")),
        # Issuing country with the number, as plain linkage does: equal only when both are.
        "national_id": f"{country or ''} {number}" if number else None,
        "email": _text(identity.get("email")),
        "bank_account": _text(identity.get("bank_account")),
        "address": _text(identity.get("address")),
        "postcode": _text(identity.get("postcode")),
        "city": _text(identity.get("city")),
        "place_of_birth": _text(identity.get("place_of_birth")),
    }


def field_tokens(spec: EncodedField, raw: str | None) -> tuple[str, ...]:
    """The tokens of one raw value of `spec` (empty when nothing is left after normalising)."""
    if raw is None:
        return ()
    return spec.tokens(spec.normalise(raw))
