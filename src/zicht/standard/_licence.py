"""The sex-work licence number of the data standard, with its check digits.

Format: ``GM`` + the issuing municipality's 4-digit CBS code, a 6-digit serial and two
check digits, written ``GM0363-004217-87``. The check digits are ISO/IEC 7064 MOD 97-10
(the IBAN check) over the ten digits of code and serial: every single-digit error and
every swap of two adjacent digits changes the remainder, so typos are caught.
The bill (Wet regulering sekswerk, 35 715) leaves the real format open; this one is
Zicht's, documented in docs/platforms.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "LICENCE_STATUSES",
    "LicenceNumber",
    "LicenceNumberError",
    "format_licence_number",
    "mod97_check_digits",
    "parse_licence_number",
]

LICENCE_STATUSES = ("active", "suspended", "revoked", "expired")
# Separators people type between the parts: hyphen, space, dot, slash.
_SHAPE = re.compile(r"(?:GM)?(\d{4})[-\s./]?(\d{6})[-\s./]?(\d{2})")


class LicenceNumberError(ValueError):
    """A licence number that breaks the format; `rule` is "malformed" or "check_digit"."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


@dataclass(frozen=True, slots=True)
class LicenceNumber:
    """A valid licence number: issuing municipality, serial and check digits."""

    municipality: str
    serial: str
    check: str

    def __str__(self) -> str:
        return f"{self.municipality}-{self.serial}-{self.check}"


def mod97_check_digits(digits: str) -> str:
    """ISO/IEC 7064 MOD 97-10 check digits (two, zero-padded) of a string of digits.

    Args:
        digits: decimal digits only (letters must already be converted, as for IBAN).

    Returns:
        The two check digits that make ``int(digits + check) % 97 == 1``.
    """
    if not digits.isdigit() or not digits.isascii():
        raise ValueError("digits only")
    return f"{98 - int(digits + '00') % 97:02d}"


def format_licence_number(municipality: str, serial: int) -> str:
    """The licence number of `serial` issued by `municipality` ("GM0363")."""
    code = municipality.removeprefix("GM")
    if len(code) != 4 or not code.isdigit() or not 0 <= serial < 1_000_000:
        raise ValueError("municipality must be GM + 4 digits and serial 0..999999")
    body = f"{code}{serial:06d}"
    return f"GM{code}-{serial:06d}-{mod97_check_digits(body)}"


def parse_licence_number(text: str) -> LicenceNumber:
    """Read a licence number as typed (case, spaces and separators forgiven).

    Raises:
        LicenceNumberError: with rule "malformed" (not the shape) or "check_digit".
    """
    cleaned = text.strip().upper()
    match = _SHAPE.fullmatch(cleaned) if cleaned.isascii() else None
    if match is None:
        raise LicenceNumberError("malformed")
    code, serial, check = match.groups()
    if int(code + serial + check) % 97 != 1:
        raise LicenceNumberError("check_digit")
    return LicenceNumber(f"GM{code}", serial, check)
