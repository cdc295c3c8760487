"""Identifiers in one normal form each, so that equal identifiers become equal keys.

Phones and e-mail addresses take the normal forms of the ad screening
(`zicht.platforms._contacts`), so a phone in a registration and the same phone in an ad
give the same keyed pseudonym (``phone/+31612345678``). A phone is kept only when it is
valid in the numbering plan, as in the screening: a number that is merely of a possible
length is as often a placeholder typed when the number is unknown (0000000000,
0600000000, 1234567890), and a phone is a hard identifier, so such a value would tie
strangers together for certain. IBANs and KvK numbers lose
spaces and punctuation; an address is its street line (case and spacing folded) with
the postcode, or the city when no postcode is given. A value without a valid normal
form is not an identifier of the graph.
"""

from __future__ import annotations

import re

from zicht.platforms import normalise_email, normalise_phone

__all__ = ["HARD_KINDS", "IDENTIFIER_KINDS", "normal_identifier"]

# kinds of identifier nodes; "hard" ones name one holder (a number), an address can be
# shared by strangers (a large building, a shelter, a care address)
IDENTIFIER_KINDS = ("phone", "email", "iban", "employer", "address", "postcode")
HARD_KINDS = frozenset({"phone", "email", "iban", "employer"})

_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
_KVK = re.compile(r"[0-9]{8}")
_POSTCODE = re.compile(r"([0-9]{4})\s*([A-Za-z]{2})")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def normal_identifier(
    kind: str, value: object, postcode: object = None, city: object = None
) -> str | None:
    """``kind/normal form`` of `value`, or None when it has none.

    Args:
        kind: one of `IDENTIFIER_KINDS`.
        postcode, city: for an address, where it is (postcode preferred).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    normal: str | None
    if kind == "phone":
        normal = normalise_phone(value)
    elif kind == "email":
        normal = normalise_email(value)
    elif kind == "iban":
        compact = re.sub(r"[\s.-]", "", value).upper()
        normal = compact if _IBAN.fullmatch(compact) else None
    elif kind == "employer":
        digits = re.sub(r"[\s.-]", "", value)
        normal = digits if _KVK.fullmatch(digits) else None
    elif kind == "address":
        street = _fold(value)
        found = _POSTCODE.fullmatch(postcode.strip()) if isinstance(postcode, str) else None
        if found is not None:
            normal = f"{street}|{found.group(1)}{found.group(2).upper()}"
        elif isinstance(city, str) and city.strip():
            normal = f"{street}|{_fold(city)}"
        else:
            normal = None
    elif kind == "postcode":
        found = _POSTCODE.fullmatch(value.strip())
        normal = None if found is None else f"{found.group(1)}{found.group(2).upper()}"
    else:
        raise ValueError(f"unknown identifier kind {kind!r}")
    return None if normal is None else f"{kind}/{normal}"
