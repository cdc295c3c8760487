"""A licence number looked up in the register: always with a purpose, always audited.

Whoever may look licences up (`lookup_licence`) learns hit or no hit, the issuing
municipality, validity, status and the holder's pseudonym; only a principal who may
also see identities (`view_identity`) gets the holder's name and date of birth. Either
way the look is written to the audit trail through `zicht.access`'s door, with the
actor and purpose, before anything is handed back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import Look, Principal, authorize, record_look
from zicht.platforms._register import licence_key
from zicht.privacy import Cipher
from zicht.standard import LicenceNumberError, parse_licence_number
from zicht.store.ad_views import licence_entry
from zicht.store.platforms import licence_context

__all__ = ["LicenceLookup", "LookupRefused", "lookup_licence"]


class LookupRefused(PermissionError):
    """The principal may not look licences up."""


@dataclass(frozen=True)
class LicenceLookup:
    """What the register says of a number: `rule` set when the number itself is wrong."""

    number: str | None
    rule: str | None = None
    found: bool = False
    municipality: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    status: str | None = None
    holder_key: str | None = None
    holder_name: str | None = None
    date_of_birth: str | None = None

    def active_on(self, day: dt.date) -> bool:
        """Whether the licence is active and valid on `day`."""
        if not self.found or self.status != "active" or self.valid_from is None:
            return False
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def lookup_licence(
    engine: Engine, cipher: Cipher, principal: Principal, look: Look, text: str
) -> LicenceLookup:
    """Look a typed licence number up; the look is audited (`lookup_licence`, or
    `view_identity` when the holder's identity is shown)."""
    if not authorize(principal, "lookup_licence"):
        raise LookupRefused("lookup_licence")
    try:
        number = str(parse_licence_number(text))
    except LicenceNumberError as error:
        record_look(engine, look, "lookup_licence", "licence", [])
        return LicenceLookup(None, rule=error.rule)
    key = licence_key(cipher, number)
    entry = licence_entry(engine, key)
    if entry is None:
        record_look(engine, look, "lookup_licence", "licence", [])
        return LicenceLookup(number)
    found = LicenceLookup(
        number,
        found=True,
        municipality=entry.municipality,
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
        status=entry.status,
        holder_key=entry.holder_key,
    )
    if not authorize(principal, "view_identity"):
        record_look(engine, look, "lookup_licence", "licence", [entry.id])
        return found
    identity = cipher.decrypt_json(entry.identity, licence_context(entry.number_key))
    record_look(engine, look, "view_identity", "licence", [entry.id])
    return LicenceLookup(
        number,
        found=True,
        municipality=entry.municipality,
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
        status=entry.status,
        holder_key=entry.holder_key,
        holder_name=str(identity["holder_name"]),
        date_of_birth=str(identity["date_of_birth"]),
    )
