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
from functools import lru_cache
from typing import NamedTuple

from zicht.i18n import N_
from zicht.platforms._ads import Ad
from zicht.platforms._geo import distance_km, municipalities, municipality_by_name
from zicht.platforms._indicators import text_indicators
from zicht.standard import LicenceNumber
from zicht.store.licences import LicenceState

__all__ = [
    "FLAG_LABELS",
    "Flag",
    "ScreeningPolicy",
    "Usage",
    "UsageIndex",
    "ad_flags",
    "licence_flags",
    "own_flags",
    "screen_ad",
    "sharing_flags",
    "with_sharing",
]

Params = dict[str, str | int | float]
Found = tuple[str, str, Params]

# Short names of the flags, messages of the catalogues (the pages show these).
FLAG_LABELS: dict[str, str] = {
    "licence_missing": N_("Licence number missing"),
    "licence_malformed": N_("Licence number malformed"),
    "licence_check_digit": N_("Licence number fails its check digits"),
    "licence_unknown": N_("Licence unknown to the register"),
    "licence_not_active": N_("Licence not active"),
    "licence_far": N_("Licence of a far municipality"),
    "licence_shared": N_("Licence number shared"),
    "contact_shared": N_("Contact shared"),
    "stated_minor": N_("Stated age under 18"),
    "under_licence_age": N_("Stated age under the licence age"),
    "obscured_phone": N_("Obscured phone number"),
    "youth_language": N_("Youth language"),
    "third_person": N_("Third-person writing"),
    "stated_ethnicity": N_("Stated ethnicity"),
    "trust_language": N_("Trust language"),
    "movement_language": N_("Movement language"),
    "always_available": N_("Always available"),
    "emoji_codes": N_("Emoji codes"),
}

# What a text indicator found means, as evidence (validated) or context (not validated).
_TEXT_EVIDENCE: dict[str, str] = {
    "obscured_phone": N_("in the text: a phone number written in words or with letters for digits"),
    "youth_language": N_("in the text: youth language"),
    "third_person": N_("in the text: writing about the worker in the third person"),
    "stated_ethnicity": N_("in the text: stated ethnicity"),
    "trust_language": N_('in the text: language of a "trustworthy provider"'),
    "movement_language": N_(
        "context only: movement language (not predictive in the validated study)"
    ),
    "always_available": N_("context only: always available"),
    "emoji_codes": N_(
        "context only: emoji codes of practitioner lists (rose, cherry, heart, plane, crown)"
    ),
}


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
    message: str  # a message of the catalogues with %(name)s placeholders
    params: Params = field(default_factory=dict)

    @property
    def evidence(self) -> str:
        """The evidence in English (the message's source text)."""
        return self.message % self.params


class Usage(NamedTuple):
    """One ad's use of a licence number or contact: when, where, with which others (a
    named tuple: a window holds many, and a frozen dataclass cost three times as much)."""

    ad: str
    posted_at: dt.datetime
    city: str | None
    contacts: tuple[str, ...]
    licence: str | None
    phones: tuple[str, ...] = ()
    operator: int | None = None  # the ad's operator cluster (None: not grouped)


class UsageIndex:
    """Ads by licence key or contact key, sorted by posting time, for window counts."""

    def __init__(self, usages: dict[str, list[Usage]]) -> None:
        self._usages = {k: sorted(v, key=lambda u: u.posted_at) for k, v in usages.items()}
        self._times = {k: [u.posted_at for u in v] for k, v in self._usages.items()}

    @classmethod
    def presorted(
        cls, usages: dict[str, list[Usage]], times: dict[str, list[dt.datetime]]
    ) -> UsageIndex:
        """An index over lists already sorted by posting time, with their times; it
        shares (does not copy) the dicts, so it sees what is added to them later."""
        index = cls.__new__(cls)
        index._usages, index._times = usages, times
        return index

    def around(self, key: str, moment: dt.datetime, window: dt.timedelta) -> Sequence[Usage]:
        """Uses of `key` within `window` of `moment` (the ad itself included)."""
        times = self._times.get(key)
        if times is None:
            return ()
        low = bisect.bisect_left(times, moment - window)
        high = bisect.bisect_right(times, moment + window)
        return self._usages[key][low:high]


@lru_cache(maxsize=1 << 14)
def _city_key(city: str | None) -> str | None:
    return " ".join(city.casefold().split()) if city else None


def _licence_flags(
    posted_at: dt.datetime,
    city: str | None,
    municipality: str | None,
    rule: str | None,
    state: LicenceState | None,
    policy: ScreeningPolicy,
) -> list[Found]:
    if rule == "missing":
        return [("licence_missing", N_("the ad carries no licence number"), {})]
    if rule == "malformed":
        why = N_("the licence number does not have the form GMcccc-nnnnnn-cc")
        return [("licence_malformed", why, {})]
    if rule == "check_digit":
        why = N_("the licence number fails its check digits (a typo or an invented number)")
        return [("licence_check_digit", why, {})]
    assert municipality is not None
    if state is None:
        return [
            (
                "licence_unknown",
                N_("no licence with this number in the register (%(code)s)"),
                {"code": municipality},
            )
        ]
    flags: list[Found] = []
    day = posted_at.date()
    if not state.active_on(day):
        dates: Params = {"status": state.status, "start": str(state.valid_from), "posted": str(day)}
        if state.valid_to is None:
            text = N_("licence is %(status)s, valid from %(start)s (no end); ad posted %(posted)s")
        else:
            text = N_("licence is %(status)s, valid %(start)s to %(end)s; ad posted %(posted)s")
            dates["end"] = str(state.valid_to)
        flags.append(("licence_not_active", text, dates))
    place = municipality_by_name(city)
    issuer = municipalities().get(municipality)
    if place is not None and issuer is not None:
        km = distance_km(place, issuer)
        if km > policy.far_km:
            flags.append((
                "licence_far",
                N_("licence issued by %(issuer)s (%(code)s), ad in %(place)s: "
                   "%(km)s km apart (more than %(limit)s)"),
                {"issuer": issuer.name, "code": issuer.code, "place": place.name,
                 "km": f"{km:.0f}", "limit": f"{policy.far_km:.0f}"},
            ))  # fmt: skip
    return flags


def _operators_apart(near: Sequence[Usage]) -> int:
    """The number of operators among `near` when two of them share no city, else 0.

    Operators are the clusters of grouping: ads of one operator share a phone, an
    e-mail address, a text template or a photo. One person's ads with two phones stay
    in one city; a number used by two operators in different cities is used by two hands.
    """
    cities: dict[int, set[str]] = {}
    for use in near:
        if use.operator is not None and use.city:
            key = _city_key(use.city)
            assert key is not None
            cities.setdefault(use.operator, set()).add(key)
    if len(cities) < 2:
        return 0
    groups = list(cities.values())
    for i, one in enumerate(groups):
        if any(one.isdisjoint(other) for other in groups[i + 1 :]):
            return len(groups)
    return 0


def _sharing_flags(
    posted_at: dt.datetime, licence_key: str | None, contact_keys: Sequence[str],
    licences: UsageIndex, contacts: UsageIndex, policy: ScreeningPolicy,
) -> list[Found]:  # fmt: skip
    flags: list[Found] = []
    days = policy.window.days
    if licence_key is not None:
        near = licences.around(licence_key, posted_at, policy.window)
        phones = {p for u in near for p in u.phones}
        cities = {_city_key(u.city) for u in near if u.city}
        apart = _operators_apart(near)
        if apart:
            flags.append((
                "licence_shared",
                N_("the licence number is in ads of %(operators)s operators within %(days)s "
                   "days of this one, at least two of them in different cities (ads with no "
                   "phone number, e-mail address, text template or photo in common)"),
                {"operators": apart, "days": days},
            ))  # fmt: skip
        elif len(phones) > policy.licence_max_phones or len(cities) > policy.licence_max_cities:
            flags.append((
                "licence_shared",
                N_("the licence number is in %(ads)s ads within %(days)s days of this one, "
                   "with %(phones)s phone numbers and %(cities)s cities"),
                {"ads": len(near), "days": days, "phones": len(phones), "cities": len(cities)},
            ))  # fmt: skip
    for key in contact_keys:
        near = contacts.around(key, posted_at, policy.window)
        cities = {_city_key(u.city) for u in near if u.city}
        held = {u.licence for u in near if u.licence}
        if len(cities) > policy.contact_max_cities or len(held) > policy.contact_max_licences:
            flags.append((
                "contact_shared",
                N_("a phone number or e-mail address of this ad is in %(ads)s ads within "
                   "%(days)s days, across %(cities)s cities and %(licences)s licence numbers"),
                {"ads": len(near), "days": days, "cities": len(cities), "licences": len(held)},
            ))  # fmt: skip
            break
    return flags


# The flags of an ad's own licence, before the flags of its sharing (the order shown).
_OWN_LICENCE = frozenset(
    ("licence_missing", "licence_malformed", "licence_check_digit", "licence_unknown",
     "licence_not_active", "licence_far")
)  # fmt: skip


def _flags(found: list[Found], policy: ScreeningPolicy) -> list[Flag]:
    return [Flag(n, "evidence", float(policy.weights.get(n, 1)), m, p) for n, m, p in found]


def licence_flags(
    posted_at: dt.datetime,
    city: str | None,
    *,
    licence: tuple[str | None, str | None],
    state: LicenceState | None,
    policy: ScreeningPolicy,
) -> list[Flag]:
    """The flags of an ad's own licence number as the register knows it.

    Args:
        licence: the issuing municipality of the parsed number (None when it is not
            one) and the rule it breaks ("missing", "malformed", "check_digit").
        state: what the register says of the number (None: no hit).
    """
    return _flags(_licence_flags(posted_at, city, licence[0], licence[1], state, policy), policy)


def own_flags(ad: Ad, *, has_licence: bool, policy: ScreeningPolicy) -> list[Flag]:
    """The flags of one ad that need no register (age, text), in the order shown after
    its licence flags."""
    found: list[Found] = []
    if ad.stated_age is not None and ad.stated_age < 18:
        found.append(("stated_minor", N_("stated age %(age)s is under 18"), {"age": ad.stated_age}))
    elif ad.stated_age is not None and ad.stated_age < policy.licence_age:
        ages: Params = {"age": ad.stated_age, "limit": policy.licence_age}
        if has_licence:
            text = N_("stated age %(age)s is under the licence age of %(limit)s "
                      "and the ad carries a licence number")  # fmt: skip
        else:
            text = N_("stated age %(age)s is under the licence age of %(limit)s")
        found.append(("under_licence_age", text, ages))
    validated, context = text_indicators(f"{ad.title or ''}\n{ad.text}")
    found += [(i.name, _TEXT_EVIDENCE[i.name], {}) for i in validated]
    if ad.unreadable_contacts and not any(f[0] == "obscured_phone" for f in found):
        why = N_("a phone number or e-mail address given is not valid")
        found.append(("obscured_phone", why, {}))
    flags = _flags(found, policy)
    flags += [Flag(i.name, "context", 0.0, _TEXT_EVIDENCE[i.name]) for i in context]
    return flags


def ad_flags(
    ad: Ad,
    *,
    licence: tuple[LicenceNumber | None, str | None],
    state: LicenceState | None,
    policy: ScreeningPolicy,
) -> list[Flag]:
    """The flags of one ad on its own (licence, age, text): all but its sharing."""
    number, rule = licence
    own = licence_flags(
        ad.posted_at, ad.city, licence=(number.municipality if number else None, rule),
        state=state, policy=policy,
    )  # fmt: skip
    return own + own_flags(ad, has_licence=number is not None, policy=policy)


def sharing_flags(
    posted_at: dt.datetime,
    *,
    licence_key: str | None,
    contact_keys: Sequence[str],
    licences: UsageIndex,
    contacts: UsageIndex,
    policy: ScreeningPolicy,
) -> list[Flag]:
    """The flags of an ad's licence number and contacts as other ads use them."""
    found = _sharing_flags(posted_at, licence_key, contact_keys, licences, contacts, policy)
    return _flags(found, policy)


def with_sharing(own: list[Flag], shared: list[Flag]) -> tuple[list[Flag], float]:
    """An ad's flags in the order shown (its licence, sharing, the rest) and its score
    (the sum of the evidence weights)."""
    at = 0
    while at < len(own) and own[at].name in _OWN_LICENCE:
        at += 1
    flags = own[:at] + shared + own[at:]
    return flags, sum(f.weight for f in flags)


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
    own = ad_flags(ad, licence=licence, state=state, policy=policy)
    shared = sharing_flags(
        ad.posted_at, licence_key=licence_key, contact_keys=contact_keys,
        licences=licences, contacts=contacts, policy=policy,
    )  # fmt: skip
    return with_sharing(own, shared)
