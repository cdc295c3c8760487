"""Which shelters suit a request, ranked, each with its reasons. Pure: no database.

Hard rules leave a shelter out (no free bed of the kind, too little security, no
wheelchair access or care when needed); soft ones rank the rest: the requested region,
the languages spoken, room for the whole group, then the most free beds (so that
a group is split over as few shelters as possible).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zicht.i18n import N_
from zicht.store.shelter_beds import BedCount, ShelterFacts

__all__ = ["Candidate", "Need", "Reason", "rank_places"]


@dataclass(frozen=True, slots=True)
class Need:
    """What a request needs of a place."""

    bed_kind: str
    size: int
    region: str
    languages: tuple[str, ...] = ()
    security: int = 1
    care: bool = False
    wheelchair: bool = False


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a shelter ranks where it does: a message of the catalogues and its values."""

    code: str
    message: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A suitable shelter, its free beds of the kind asked, its score and reasons."""

    shelter: ShelterFacts
    free: int
    score: float
    reasons: tuple[Reason, ...]


def _score(need: Need, shelter: ShelterFacts, free: int) -> tuple[float, list[Reason]]:
    reasons = [Reason("free", N_("%(count)s free beds of this kind"), {"count": free})]
    score = 0.0
    if shelter.region == need.region:
        score += 4
        reasons.append(Reason("region", N_("in the requested region")))
    if need.languages:
        spoken = [code for code in need.languages if code in shelter.languages]
        if len(spoken) == len(need.languages):
            score += 2
            reasons.append(
                Reason("language", N_("speaks %(languages)s"), {"languages": ", ".join(spoken)})
            )
        elif spoken:
            score += 1
            reasons.append(
                Reason(
                    "language_part",
                    N_("speaks some of the languages: %(languages)s"),
                    {"languages": ", ".join(spoken)},
                )
            )
    if free >= need.size > 1:
        score += 3
        reasons.append(Reason("whole_group", N_("room for the whole group")))
    if shelter.security > need.security:
        reasons.append(
            Reason("security", N_("security level %(level)s"), {"level": shelter.security})
        )
    return score, reasons


def _fits(need: Need, shelter: ShelterFacts) -> bool:
    if shelter.security < need.security:
        return False
    if need.wheelchair and not shelter.wheelchair:
        return False
    return shelter.care or not need.care


def rank_places(
    need: Need, shelters: Iterable[ShelterFacts], counts: Sequence[BedCount]
) -> list[Candidate]:
    """The shelters with a free bed that meet every hard rule, best first.

    Ties go to the shelter with more free beds, then to the lower code (stable order).
    """
    free_of = {c.shelter_id: c.free for c in counts if c.kind == need.bed_kind}
    found = []
    for shelter in shelters:
        free = free_of.get(shelter.id, 0)
        if free <= 0 or not _fits(need, shelter):
            continue
        score, reasons = _score(need, shelter, free)
        found.append(Candidate(shelter, free, score, tuple(reasons)))
    found.sort(key=lambda c: (-c.score, -c.free, c.shelter.code))
    return found
