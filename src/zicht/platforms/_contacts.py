"""Contact details in ads, normalised so that one phone or address has one form.

Phones: parsed with `phonenumbers` (default region NL) and written E.164
(``06-12345678`` and ``+31 6 1234 5678`` are both ``+31612345678``). E-mail: trimmed,
``mailto:`` dropped, lower-cased, the domain in IDNA form. A value that is not a
valid phone or address is not a contact (the ad keeps it, encrypted, as delivered).
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

__all__ = ["DEFAULT_REGION", "normalise_email", "normalise_phone"]

DEFAULT_REGION = "NL"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@lru_cache(maxsize=1 << 16)
def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """The E.164 form of a valid phone number, else None.

    Cached: a feed repeats its phone numbers, and parsing is most of an ad's cost.
    """
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str) -> str | None:
    """The normal form of an e-mail address, else None."""
    value = text.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if not _EMAIL.fullmatch(value):
        return None
    local, _, domain = value.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return f"{local.lower()}@{domain.lower()}"
