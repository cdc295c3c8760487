"""A frequency-alignment attack on encodings of one field, to measure hardening.

The attacker holds the encoded file and public frequencies of the values (first
names, surnames), but not the secret. Encodings are grouped (identical ones, or, to
undo bit flipping, similar ones: Dice at or above a level, each joining the largest
group it is similar to), groups are ranked by size, values by public frequency, and
the i-th group is taken for the i-th value (Kuzu et al. 2011; the alignment step of
Christen et al. 2018's pattern-mining attack). A record is re-identified when its
group was taken for its true value.

The attacker also reads what each encoded row shows in clear (`clear_cohorts`): the
analytic record's age (or age band, or minor flag) and registration date bound the
birth year, and the salt tag says which half of the years it is in; the alignment is
then made within each cohort of rows the file cannot tell apart. Identical encodings
share their salt, so the attacker may intersect their rows' bounds (`pool=True`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "AttackOutcome",
    "birth_years_shown",
    "chained_encodings",
    "clear_cohorts",
    "frequency_attack",
    "registered_population",
]


@dataclass(frozen=True)
class AttackOutcome:
    """What the attack got right: shares of records and of distinct values."""

    records: int
    reidentified_records: int
    values: int
    reidentified_values: int

    @property
    def record_share(self) -> float:
        """Share of encoded records whose true value the attacker named."""
        return self.reidentified_records / self.records if self.records else 0.0

    @property
    def value_share(self) -> float:
        """Share of distinct true values the attacker named correctly for some record."""
        return self.reidentified_values / self.values if self.values else 0.0


def chained_encodings(own: Sequence[bytes], other: Sequence[bytes | None]) -> list[bytes]:
    """Each record's encoding replaced by the representative of every encoding joined to
    it (union-find): what an attacker links when a record also carries its value under
    a second salt (`other`, None where it has none), chained across all records."""
    parent: dict[bytes, bytes] = {}

    def find(x: bytes) -> bytes:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(own, other, strict=True):
        if b is not None:
            parent[find(a)] = find(b)
    return [find(a) for a in own]


def registered_population(
    years: Sequence[int], seed: int
) -> tuple[list[dt.date], list[dict[str, Any]]]:
    """The attacked population's dates of birth (a day drawn in each of `years`) and each
    one's analytic record as the standard makes it: registered on a day in 2019-2024 (not
    before birth), with its age at registration and the minor flag derived from it."""
    from zicht.standard import VictimRegistration

    rng = np.random.default_rng(seed + 1)
    born = [dt.date(y, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365))) for y in years]
    first = dt.date(2019, 1, 1)
    records = []
    for number, birth in enumerate(born):
        registered = max(birth, first + dt.timedelta(days=int(rng.integers(0, 6 * 365))))
        age = (
            registered.year
            - birth.year
            - ((registered.month, registered.day) < (birth.month, birth.day))
        )
        model = VictimRegistration(
            source="police",
            source_record_id=f"r{number}",
            registration_date=registered,
            forms=("labour",),
            age=age,
        )
        records.append(dict(model.__dict__))
    return born, records


_OLDEST = 120
"""The oldest age the standard accepts (`VictimRegistration.age`): the widest bound."""


def _band_ages(code: str) -> tuple[int, int]:
    """The ages of a CTDC age band code ("21--23", "48+")."""
    if code.endswith("+"):
        return int(code[:-1]), _OLDEST
    low, high = code.split("--")
    return int(low), int(high)


def birth_years_shown(record: Mapping[str, Any]) -> frozenset[int]:
    """The birth years an encoded row's analytic record leaves possible.

    The age at registration (whole years) on a registration date in year Y puts the
    birth year at Y - age - 1 or Y - age; an age band widens that to the band's ages, a
    minor flag to 0-17 or 18 and over. Without a registration year nothing is bounded
    (the empty set: one cohort of its own).
    """
    date = record.get("registration_date")
    if date is None:
        return frozenset()
    year = date.year if isinstance(date, dt.date) else int(str(date)[:4])
    if record.get("age") is not None:
        low = high = int(record["age"])
    elif record.get("age_band") is not None:
        low, high = _band_ages(str(record["age_band"]))
    elif record.get("minor") is not None:
        low, high = (0, 17) if record["minor"] else (18, _OLDEST)
    else:
        low, high = 0, _OLDEST
    return frozenset(range(year - high - 1, year - low + 1))


def clear_cohorts(
    records: Sequence[Mapping[str, Any]],
    tags: Sequence[int],
    encodings: Sequence[bytes] | None = None,
) -> list[Hashable]:
    """The cohort of each encoded row as the file shows it: its possible birth years
    (`birth_years_shown`) and its salt tag.

    With `encodings`, rows with identical encodings (the same value under the same
    salt, so the same birth year) pool what they show: each gets the intersection of
    their possible years, which narrows as a value recurs across registration years.
    """
    shown = [birth_years_shown(r) for r in records]
    if encodings is not None:
        pooled: dict[bytes, frozenset[int]] = {}
        for encoding, years in zip(encodings, shown, strict=True):
            if not years:
                continue
            known = pooled.get(encoding)
            pooled[encoding] = years if known is None else known & years
        shown = [pooled.get(e, y) for e, y in zip(encodings, shown, strict=True)]
    return list(zip(shown, tags, strict=True))


def _groups(encodings: Sequence[bytes], dice: float | None, leaders_cap: int) -> list[int]:
    """A group number per encoding: identical encodings, or similar ones when `dice`."""
    distinct = Counter(encodings)
    order = [e for e, _ in distinct.most_common()]
    if dice is None:
        number = {e: i for i, e in enumerate(order)}
        return [number[e] for e in encodings]
    words = np.frombuffer(b"".join(order), dtype="<u8").reshape(len(order), -1)
    ones = np.bitwise_count(words).sum(axis=1).astype(np.int64)
    leaders: list[int] = []
    group_of = np.empty(len(order), dtype=np.int64)
    for i in range(len(order)):
        if leaders:
            lead = np.asarray(leaders)
            common = np.bitwise_count(words[lead] & words[i]).sum(axis=1)
            similarity = 2 * common / (ones[lead] + ones[i])
            best = int(np.argmax(similarity))
            if similarity[best] >= dice:
                group_of[i] = best
                continue
        if len(leaders) < leaders_cap:
            group_of[i] = len(leaders)
            leaders.append(i)
        else:
            group_of[i] = -1 - i  # a group of its own, beyond what alignment reaches
    number = {e: int(group_of[i]) for i, e in enumerate(order)}
    return [number[e] for e in encodings]


def frequency_attack(
    encodings: Sequence[bytes],
    truths: Sequence[str],
    public: Mapping[str, float],
    *,
    dice: float | None = None,
    top: int = 500,
    cohorts: Sequence[Hashable] | None = None,
) -> AttackOutcome:
    """Run the attack on the encodings of one field and score it against the truth.

    Args:
        encodings: packed filters of the records that have the field.
        truths: each record's true (normalised) value, for scoring only.
        public: the attacker's public frequency of each value.
        dice: group similar encodings (Dice at or above this) rather than identical ones.
        top: how many of the most frequent public values the attacker aligns (the
            frequent ones are where alignment works).
        cohorts: what else the attacker can see per record (a salt tag, a birth year
            from an age): the alignment is then made within each cohort separately,
            against the same public frequencies.
    """
    ranked = sorted(public.items(), key=lambda kv: (-kv[1], kv[0]))
    ranked_values = [v for v, _ in ranked[:top]]
    hits = [False] * len(truths)
    parts: dict[Hashable, list[int]] = {}
    for number, cohort in enumerate(cohorts if cohorts is not None else [None] * len(truths)):
        parts.setdefault(cohort, []).append(number)
    for members in parts.values():
        found = _align(
            [encodings[i] for i in members], [truths[i] for i in members], ranked_values, dice
        )
        for number, hit in zip(members, found, strict=True):
            hits[number] = hit
    named = {t for t, hit in zip(truths, hits, strict=True) if hit}
    return AttackOutcome(
        records=len(truths),
        reidentified_records=sum(hits),
        values=len(set(truths)),
        reidentified_values=len(named),
    )


def _align(
    encodings: Sequence[bytes],
    truths: Sequence[str],
    ranked_values: list[str],
    dice: float | None,
) -> list[bool]:
    """Whether each record's group was taken for its true value (one cohort)."""
    groups = _groups(encodings, dice, leaders_cap=len(ranked_values))
    sizes = Counter(g for g in groups if g >= 0)
    ranked_groups = [g for g, _ in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))]
    guess = dict(zip(ranked_groups, ranked_values, strict=False))
    return [guess.get(g) == t for g, t in zip(groups, truths, strict=True)]
