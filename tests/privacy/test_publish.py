"""The one publication step: k, secondary suppression and rounding, against hand tables.

The attacker here is written independently of `zicht.privacy._disclosure`: it enumerates
every nonnegative integer completion of the published table by brute force.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable

import pytest

from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Relation, publish

# A source with 2 registrations beside two large ones, and their total.
VALUES: dict[Hashable, int] = {"police": 30, "fairwork": 2, "comensha": 25, "total": 57}
RELATIONS = [Relation("total", ("police", "fairwork", "comensha"))]


def completions(published: dict[Hashable, int | None], limit: int) -> list[dict[Hashable, int]]:
    """Every assignment of 0..limit to the hidden cells that keeps total = sum of parts."""
    hidden = [cell for cell, value in published.items() if value is None]
    found = []
    for guess in itertools.product(range(limit + 1), repeat=len(hidden)):
        cells = {**published, **dict(zip(hidden, guess, strict=True))}
        parts = [cells[cell] for cell in ("police", "fairwork", "comensha")]
        if cells["total"] == sum(int(part or 0) for part in parts):
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
    values: dict[Hashable, int] = {"a": 0, "b": 40, "c": 10, "total": 50}
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


def test_the_smallest_allowed_policy_values_are_accepted() -> None:
    """k = 1 (publish every count), rounding = 1 and margin = 1 are the lower limits."""
    assert PublicationPolicy(k=1, rounding=1, margin=1).k == 1
    values: dict[Hashable, int] = {"police": 1, "fairwork": 2, "total": 3}
    relation = [Relation("total", ("police", "fairwork"))]
    assert publish(values, relation, PublicationPolicy(k=1)).values == values
    for bad in ({"k": 0}, {"rounding": 0}, {"k": -3}):
        with pytest.raises(ValueError, match=r"^k and rounding must be at least 1$"):
            PublicationPolicy(**bad)
    with pytest.raises(ValueError, match=r"^margin must be at least 1$"):
        PublicationPolicy(margin=0)


@pytest.mark.parametrize(
    ("rounding", "count", "rounded"),
    # by hand: to the nearest multiple, halves up
    [(2, 3, 4), (2, 4, 4), (2, 5, 6), (3, 4, 3), (3, 5, 6), (5, 12, 10), (1, 7, 7)],
)
def test_rounding_gives_whole_numbers_halves_up(rounding: int, count: int, rounded: int) -> None:
    shown = PublicationPolicy(rounding=rounding).rounded(count)
    assert shown == rounded
    assert repr(shown) == str(rounded)  # a whole number: "10", never "10.0" on a page


def test_a_published_cell_is_read_by_name() -> None:
    result = publish(VALUES, RELATIONS)
    assert result.get("police") == result["police"] == 30
    assert result.get("fairwork") is None and result.get("no such cell") is None


def test_the_policy_s_k_decides_what_is_small() -> None:
    # with k = 2 the 2 registrations of FairWork are published, nothing is hidden
    result = publish(VALUES, RELATIONS, PublicationPolicy(k=2))
    assert result.values == VALUES and result.protection.k == 2


def test_the_policy_s_margin_decides_the_partner_of_a_small_cell() -> None:
    """Worked by hand: a = 3 is hidden (k = 10). With the default margin (k = 10) its
    partner is b = 11, and then a lies anywhere in [0, 14], which reaches 3 + 10. With a
    margin of 12, b (below the margin) would leave a at most 14 < 3 + 12, so the partner
    is c = 100 and a lies in [0, 103]."""
    values: dict[Hashable, int] = {"a": 3, "b": 11, "c": 100, "total": 114}
    relations = [Relation("total", ("a", "b", "c"))]
    default = publish(values, relations)
    assert default.protection.suppressed == {"a", "b"} and default.protection.margin == 10
    wider = publish(values, relations, PublicationPolicy(margin=12))
    assert wider.protection.suppressed == {"a", "c"} and wider.protection.margin == 12
    for result, margin in ((default, 10), (wider, 12)):
        options = {c["a"] for c in _completions(result.values, relations, limit=120)}
        assert {0, 3, 3 + margin} <= options


def _completions(
    published: dict[Hashable, int | None], relations: list[Relation], limit: int
) -> list[dict[Hashable, int]]:
    """Every completion 0..limit of the hidden cells that keeps each total a sum."""
    hidden = [cell for cell, value in published.items() if value is None]
    found = []
    for guess in itertools.product(range(limit + 1), repeat=len(hidden)):
        cells = {**published, **dict(zip(hidden, guess, strict=True))}
        if all(cells[r.total] == sum(int(cells[p] or 0) for p in r.parts) for r in relations):
            found.append({c: int(v) for c, v in cells.items() if v is not None})
    return found
