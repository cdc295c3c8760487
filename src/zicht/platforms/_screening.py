"""Screening of one ad: flags, each with the evidence that raised it; never a verdict.

A flag of kind "evidence" counts in the score (its weight); a flag of kind "context"
is shown and never scored. The score only orders ads for a human look: it is no
probability. Evidence texts carry counts, codes and distances, never a phone number,
e-mail address, licence number or name.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from zicht.platforms._ads import Ad
from zicht.platforms._geo import distance_km, municipalities, municipality_by_name
from zicht.platforms._indicators import text_indicators
from zicht.standard import LicenceNumber
from zicht.store.licences import LicenceState

__all__ = ["Flag", "ScreeningPolicy", "Usage", "UsageIndex", "screen_ad"]


@dataclass(frozen=True, slots=True)
class ScreeningPolicy:
    """Thresholds and weights: policy for a bill not in force, kept in one place."""

    licence_age: int = 21
    far_km: float = 100.0
    window: dt.timedelta = dt.timedelta(days=14)
    licence_max_phones: int = 2
    licence_max_cities: int = 2
    contact_max_cities: int = 3
    contact_max_licences: int = 2
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "licence_missing": 2,
            "licence_malformed": 2,
            "licence_check_digit": 2,
            "licence_unknown": 3,
            "licence_not_active": 3,
            "licence_far": 1,
            "licence_shared": 3,
            "contact_shared": 2,
            "stated_minor": 5,
            "under_licence_age": 4,
            "obscured_phone": 1,
            "youth_language": 2,
            "third_person": 1,
            "stated_ethnicity": 1,
            "trust_language": 1,
        }
    )


@dataclass(frozen=True, slots=True)
class Flag:
    """One reason to look at an ad."""

    name: str
    kind: str  # "evidence" or "context"
    weight: float
    evidence: str


@dataclass(frozen=True, slots=True)
class Usage:
    """One ad's use of a licence number or contact: when, where, with which others."""

    ad: str
    posted_at: dt.datetime
    city: str | None
    contacts: tuple[str, ...]
    licence: str | None
    phones: tuple[str, ...] = ()


class UsageIndex:
    """Ads by licence key or contact key, sorted by posting time, for window counts."""

    def __init__(self, usages: dict[str, list[Usage]]) -> None:
        self._usages = {k: sorted(v, key=lambda u: u.posted_at) for k, v in usages.items()}
        self._times = {k: [u.posted_at for u in v] for k, v in self._usages.items()}

    def around(self, key: str, moment: dt.datetime, window: dt.timedelta) -> Sequence[Usage]:
        """Uses of `key` within `window` of `moment` (the ad itself included)."""
        times = self._times.get(key)
        if times is None:
            return ()
        low = bisect.bisect_left(times, moment - window)
        high = bisect.bisect_right(times, moment + window)
        return self._usages[key][low:high]


def _city_key(city: str | None) -> str | None:
    return " ".join(city.casefold().split()) if city else None


def _licence_flags(
    ad: Ad,
    number: LicenceNumber | None,
    rule: str | None,
    state: LicenceState | None,
    policy: ScreeningPolicy,
) -> list[tuple[str, str]]:
    if rule == "missing":
        return [("licence_missing", "the ad carries no licence number")]
    if rule in ("malformed", "check_digit"):
        why = "does not have the form GMcccc-nnnnnn-cc" if rule == "malformed" else (
            "fails its check digits (a typo or an invented number)"
        )  # fmt: skip
        return [(f"licence_{rule}", f"the licence number {why}")]
    assert number is not None
    if state is None:
        return [
            (
                "licence_unknown",
                f"no licence with this number in the register ({number.municipality})",
            )
        ]
    flags: list[tuple[str, str]] = []
    day = ad.posted_at.date()
    if not state.active_on(day):
        until = state.valid_to.isoformat() if state.valid_to else "no end"
        flags.append((
            "licence_not_active",
            f"licence is {state.status}, valid {state.valid_from} to {until}; ad posted {day}",
        ))  # fmt: skip
    place = municipality_by_name(ad.city)
    issuer = municipalities().get(number.municipality)
    if place is not None and issuer is not None:
        km = distance_km(place, issuer)
        if km > policy.far_km:
            flags.append((
                "licence_far",
                f"licence issued by {issuer.name} ({issuer.code}), ad in {place.name}: "
                f"{km:.0f} km apart (more than {policy.far_km:.0f})",
            ))  # fmt: skip
    return flags


def _sharing_flags(
    ad: Ad, licence_key: str | None, contact_keys: Sequence[str],
    licences: UsageIndex, contacts: UsageIndex, policy: ScreeningPolicy,
) -> list[tuple[str, str]]:  # fmt: skip
    flags: list[tuple[str, str]] = []
    days = policy.window.days
    if licence_key is not None:
        near = licences.around(licence_key, ad.posted_at, policy.window)
        phones = {p for u in near for p in u.phones}
        cities = {_city_key(u.city) for u in near if u.city}
        if len(phones) > policy.licence_max_phones or len(cities) > policy.licence_max_cities:
            flags.append((
                "licence_shared",
                f"the licence number is in {len(near)} ads within {days} days of this one, "
                f"with {len(phones)} phone numbers and {len(cities)} cities",
            ))  # fmt: skip
    for key in contact_keys:
        near = contacts.around(key, ad.posted_at, policy.window)
        cities = {_city_key(u.city) for u in near if u.city}
        held = {u.licence for u in near if u.licence}
        if len(cities) > policy.contact_max_cities or len(held) > policy.contact_max_licences:
            flags.append((
                "contact_shared",
                f"a phone number or e-mail address of this ad is in {len(near)} ads within "
                f"{days} days, across {len(cities)} cities and {len(held)} licence numbers",
            ))  # fmt: skip
            break
    return flags


def screen_ad(
    ad: Ad,
    *,
    licence: tuple[LicenceNumber | None, str | None],
    licence_key: str | None,
    state: LicenceState | None,
    contact_keys: Sequence[str],
    licences: UsageIndex,
    contacts: UsageIndex,
    policy: ScreeningPolicy,
) -> tuple[list[Flag], float]:
    """The flags of one ad and its score (the sum of the evidence weights).

    Args:
        licence: the parsed number, or None with the rule ("missing", "malformed",
            "check_digit").
        state: what the register says of the number (None: no hit).
    """
    found = _licence_flags(ad, licence[0], licence[1], state, policy)
    found += _sharing_flags(ad, licence_key, contact_keys, licences, contacts, policy)
    if ad.stated_age is not None and ad.stated_age < 18:
        found.append(("stated_minor", f"stated age {ad.stated_age} is under 18"))
    elif ad.stated_age is not None and ad.stated_age < policy.licence_age:
        with_number = " and the ad carries a licence number" if licence[0] else ""
        found.append((
            "under_licence_age",
            f"stated age {ad.stated_age} is under the licence age of {policy.licence_age}"
            f"{with_number}",
        ))  # fmt: skip
    validated, context = text_indicators(f"{ad.title or ''}\n{ad.text}")
    found += [(i.name, f"in the text: {i.meaning}") for i in validated]
    if ad.unreadable_contacts and not any(name == "obscured_phone" for name, _ in found):
        found.append(("obscured_phone", "a phone number or e-mail address given is not valid"))
    flags = [Flag(n, "evidence", float(policy.weights.get(n, 1)), e) for n, e in found]
    flags += [Flag(i.name, "context", 0.0, f"context only: {i.meaning}") for i in context]
    return flags, sum(f.weight for f in flags)
