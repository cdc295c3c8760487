"""The one publication step: k, secondary suppression and rounding, against hand tables.

The attacker here is written independently of `zicht.privacy._disclosure`: it enumerates
every nonnegative integer completion of the published table by brute force.
"""

from __future__ import annotations

import itertools

import pytest

from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Relation, publish

# A source with 2 registrations beside two large ones, and their total.
VALUES = {"police": 30, "fairwork": 2, "comensha": 25, "total": 57}
RELATIONS = [Relation("total", ("police", "fairwork", "comensha"))]


def completions(published: dict[str, int | None], limit: int) -> list[dict[str, int]]:
    """Every assignment of 0..limit to the hidden cells that keeps total = sum of parts."""
    hidden = [cell for cell, value in published.items() if value is None]
    found = []
    for guess in itertools.product(range(limit + 1), repeat=len(hidden)):
        cells = {**published, **dict(zip(hidden, guess, strict=True))}
        if cells["total"] == cells["police"] + cells["fairwork"] + cells["comensha"]:
            found.append({c: int(v) for c, v in cells.items() if v is not None})
    return found


def test_a_small_cell_cannot_be_recomputed_from_the_total() -> None:
    result = publish(VALUES, RELATIONS)
    assert result["fairwork"] is None  # 2 < k = 10
    hidden = [cell for cell, value in result.values.items() if value is None]
    assert len(hidden) >= 2, "a lone hidden part is the total minus the others"
    options = {c["fairwork"] for c in completions(result.values, limit=60)}
    # The attacker cannot tell 2 from 0 nor from 2 + k.
    assert {0, 2, 12} <= options


def test_without_secondary_suppression_the_attacker_wins() -> None:
    # The check above can fail: with only the primary cell hidden, one completion is left.
    primary_only = {c: (None if c == "fairwork" else v) for c, v in VALUES.items()}
    assert {c["fairwork"] for c in completions(primary_only, limit=60)} == {2}


def test_zeros_and_large_counts_are_published_as_they_are() -> None:
    values = {"a": 0, "b": 40, "c": 10, "total": 50}
    result = publish(values, [Relation("total", ("a", "b", "c"))])
    assert result.values == values
    assert result.policy == DEFAULT_PUBLICATION and DEFAULT_PUBLICATION.k == 10


@pytest.mark.parametrize(
    ("count", "rounded"), [(0, 0), (12, 10), (13, 15), (15, 15), (17, 15), (18, 20)]
)
def test_rounding_to_a_base(count: int, rounded: int) -> None:
    assert PublicationPolicy(rounding=5).rounded(count) == rounded


def test_rounding_comes_after_suppression() -> None:
    result = publish(VALUES, RELATIONS, PublicationPolicy(k=10, rounding=5))
    assert result["fairwork"] is None
    shown = [v for v in result.values.values() if v is not None]
    assert shown and all(v % 5 == 0 for v in shown)
    assert result.protection.suppressed == publish(VALUES, RELATIONS).protection.suppressed


def test_a_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="k and rounding"):
        PublicationPolicy(k=0)
    with pytest.raises(ValueError, match="margin"):
        PublicationPolicy(margin=0)
