"""Human reviews as constraints on clustering: a confirmed person stays together
(must-link), a registration split off stays apart (cannot-link).

Applied after clustering, whatever the method or engine, so that a later link run keeps
what a coordinator decided (after the "constrained clustering" of Wagstaff et al. 2001,
applied as a repair of the clusters rather than inside the clustering):

1. The reviews are read in the order made; a later review overrides an earlier one on
   the same pair (a split after a confirm separates that pair, a confirm after a split
   joins it again).
2. Must-links join the clusters of their registrations.
3. A cannot-link whose two registrations share a cluster moves the first one (the
   registration split off), with whatever must stay with it, into a cluster of its own.
   A cannot-link between two registrations that must-links tie together (through other
   confirmed registrations) cannot be kept and is left out; `ReviewEffect` counts it.

Pure functions on plain data: no database, no engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

__all__ = ["ReviewConstraints", "ReviewEffect", "apply_reviews", "review_constraints"]

Pair = tuple[int, int]


@dataclass(frozen=True)
class ReviewConstraints:
    """Pairs of registrations that must be (`must`) or must not be (`cannot`) one person.

    `cannot` pairs are ordered (registration split off, other registration).
    """

    must: frozenset[Pair]
    cannot: tuple[Pair, ...]


@dataclass(frozen=True)
class ReviewEffect:
    """What applying the reviews changed: clusters joined, registrations moved apart,
    cannot-links left out because must-links tie their registrations together."""

    joined: int = 0
    separated: int = 0
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        """JSON-ready."""
        return {"joined": self.joined, "separated": self.separated, "conflicts": self.conflicts}


def _key(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def review_constraints(
    reviews: Iterable[tuple[Literal["confirm", "split"], int, Sequence[int]]],
) -> ReviewConstraints:
    """Constraints from reviews in the order made: (decision, registration, members).

    "confirm": every pair among the registration and its members must link;
    "split": the registration must not link with any of the members.
    """
    must: set[Pair] = set()
    cannot: dict[Pair, Pair] = {}  # unordered key -> (split off, other), in order
    for decision, registration, members in reviews:
        if decision == "confirm":
            group = sorted({int(registration), *(int(m) for m in members)})
            pairs = {_key(a, b) for i, a in enumerate(group) for b in group[i + 1 :]}
            must |= pairs
            for pair in pairs:
                cannot.pop(pair, None)
        else:
            for member in members:
                if int(member) == int(registration):
                    continue
                pair = _key(int(registration), int(member))
                must.discard(pair)
                cannot.pop(pair, None)
                cannot[pair] = (int(registration), int(member))
    return ReviewConstraints(frozenset(must), tuple(cannot.values()))


class _Union:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        root = item
        while self.parent.setdefault(root, root) != root:
            root = self.parent[root]
        while item != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


def apply_reviews(
    clusters: pd.Series, constraints: ReviewConstraints
) -> tuple[pd.Series, ReviewEffect]:
    """Clusters (registration id -> cluster id) with the reviews kept.

    Registrations not in `clusters` (deleted since a review) are ignored. New cluster
    ids are above the largest existing one.
    """
    if not constraints.must and not constraints.cannot:
        return clusters, ReviewEffect()
    label = {int(r): int(c) for r, c in clusters.items()}
    # 1. must-links join clusters
    clusters_joined = _Union()
    tied = _Union()  # registrations tied by must-links alone
    joined = 0
    for a, b in sorted(constraints.must):
        if a in label and b in label:
            tied.join(a, b)
            joined += clusters_joined.join(label[a], label[b])
    label = {r: clusters_joined.find(c) for r, c in label.items()}
    # 2. cannot-links move the registration split off (and what is tied to it) apart
    members: dict[int, list[int]] = {}
    for registration in label:
        members.setdefault(tied.find(registration), []).append(registration)
    fresh = max(label.values(), default=0) + 1
    separated = conflicts = 0
    for off, other in constraints.cannot:
        if off not in label or other not in label or label[off] != label[other]:
            continue
        if tied.find(off) == tied.find(other):
            conflicts += 1
            continue
        current = label[off]
        for registration in members[tied.find(off)]:
            if label[registration] == current:
                label[registration] = fresh
        fresh += 1
        separated += 1
    result = pd.Series([label[int(r)] for r in clusters.index], index=clusters.index, dtype="int64")
    return result, ReviewEffect(joined, separated, conflicts)
