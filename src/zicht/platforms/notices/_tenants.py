"""Platforms as tenants and partners as trusted flaggers (Art. 22), and a flagger's view.

A platform's code is the `platform` of its ads; its moderators are users whose
organisation is that code. A trusted flagger is a partner organisation of the standard.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import Principal
from zicht.platforms.notices._common import audit, refuse, require
from zicht.platforms.notices._vocabulary import EEA_COUNTRIES
from zicht.standard import ORGANISATIONS
from zicht.store import notice_cases as store

__all__ = [
    "FlaggerNotice",
    "designate_flagger",
    "flagger_accuracy",
    "flagger_notices",
    "register_platform",
]

_CODE = re.compile(r"[a-z0-9][a-z0-9._-]{0,59}")
_MAILBOX = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@dataclass(frozen=True)
class FlaggerNotice:
    """A trusted flagger's own notice: where it stands, never another's."""

    reference: str
    platform: str
    category: str
    lane: str
    status: str
    received_at: dt.datetime
    decided_at: dt.datetime | None


def register_platform(
    engine: Engine,
    principal: Principal,
    code: str,
    name: str,
    contact_point: str,
    established_in: str = "NL",
) -> bool:
    """Register a platform (True) or update it (False); `contact_point`: its Art. 12 mailbox."""
    require(principal, "manage_platforms")
    if not _CODE.fullmatch(code):
        raise refuse("code", "code", "1-60 characters: a-z, 0-9, '.', '_', '-'")
    if code in ORGANISATIONS:  # "own" is the platform for moderators, the partner for flaggers
        raise refuse("code", "organisation", "a partner organisation's code is no platform code")
    if not name.strip() or len(name) > 200:
        raise refuse("name", "length", "1 to 200 characters")
    if len(contact_point) > 254 or not _MAILBOX.fullmatch(contact_point):
        raise refuse("contact_point", "email", "the platform's single point of contact")
    if established_in not in EEA_COUNTRIES:
        raise refuse("established_in", "code", "an EEA state")
    new = store.save_platform(engine, code, name.strip(), contact_point, established_in)
    audit(engine, principal, "platform_registered", "platform", [code], new=new)
    return new


def designate_flagger(
    engine: Engine, principal: Principal, organisation: str, on: dt.date, active: bool = True
) -> None:
    """Designate a partner organisation as trusted flagger (or withdraw it)."""
    require(principal, "manage_platforms")
    if organisation not in ORGANISATIONS:
        raise refuse("organisation", "code", "not a partner organisation of the standard")
    store.save_trusted_flagger(engine, organisation, on, active)
    audit(engine, principal, "flagger_designated", "organisation", [organisation], active=active)


def flagger_notices(engine: Engine, principal: Principal) -> list[FlaggerNotice]:
    """The principal's organisation's own notices (a flagger sees no other notice)."""
    require(principal, "list_notices", principal.organisation)
    if principal.organisation is None:
        return []
    return [
        FlaggerNotice(
            row.reference,
            row.platform,
            row.category,
            row.lane,
            row.status,
            row.received_at,
            row.decided_at,
        )
        for row in store.notices_of(engine, principal.organisation)
    ]


def flagger_accuracy(engine: Engine, organisation: str) -> tuple[int, int, float | None]:
    """(acted, not acted, share acted) over a flagger's decided notices (Art. 22(6) tracking)."""
    outcome = store.flagger_outcomes(engine, organisation)
    decided = outcome["acted"] + outcome["not_acted"]
    share = outcome["acted"] / decided if decided else None
    return outcome["acted"], outcome["not_acted"], share
