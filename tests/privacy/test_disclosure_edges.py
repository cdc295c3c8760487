"""Disclosure control worked by hand: the attacker's system, the protection rule at its
edges and the choice of partners, on tables small enough to check on paper.

Written after reading mutmut's survivors (issue 23); every expected value here is
worked out from the rule in docs/privacy.md, not read from the code's output.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import pytest

from zicht.privacy import Relation, feasible_intervals, protect
from zicht.privacy._disclosure import _is_protected, _linear_system


def test_the_attacker_s_equations_by_hand() -> None:
    """total = a + b + c with a and c hidden, b = 5 and total = 20 published:
    -0*total + a + c = 20 - 5, i.e. the row [1, 1] = 15 over (a, c)."""
    published: dict[Hashable, int | None] = {"total": 20, "a": None, "b": 5, "c": None}
    a_eq, b_eq, a_ub, b_ub = _linear_system(
        published, [Relation("total", ("a", "b", "c"))], ["a", "c"]
    )
    assert (a_eq, b_eq, a_ub, b_ub) == ([[1.0, 1.0]], [15.0], [], [])


def test_a_relation_with_nothing_hidden_adds_no_equation() -> None:
    published: dict[Hashable, int | None] = {"t": 7, "x": 3, "y": 4, "u": None, "v": 2, "w": 9}
    relations = [Relation("t", ("x", "y")), Relation("w", ("u", "v"))]
    a_eq, b_eq, a_ub, b_ub = _linear_system(published, relations, ["u"])
    assert (a_eq, b_eq, a_ub, b_ub) == ([[1.0]], [7.0], [], [])


def test_a_part_named_twice_counts_twice() -> None:
    """total = a + a: the coefficients of one cell add up (a = 10 / 2 = 5)."""
    published: dict[Hashable, int | None] = {"total": 10, "a": None}
    relations = [Relation("total", ("a", "a"))]
    assert _linear_system(published, relations, ["a"])[:2] == ([[2.0]], [10.0])
    assert feasible_intervals(published, relations) == {"a": (5.0, 5.0)}


def test_bound_and_cover_inequalities_by_hand() -> None:
    """bound: a + b <= total, i.e. -total + a + b <= 0; with total = 12 and b = 4
    published, a <= 8. cover: each part <= total <= sum of parts; with total hidden
    and the parts 3 and 9 published: total <= 12 and 3 <= total and 9 <= total."""
    bound: dict[Hashable, int | None] = {"total": 12, "a": None, "b": 4}
    assert _linear_system(bound, [Relation("total", ("a", "b"), "bound")], ["a"]) == (
        [],
        [],
        [[1.0]],
        [8.0],
    )
    assert feasible_intervals(bound, [Relation("total", ("a", "b"), "bound")]) == {"a": (0.0, 8.0)}
    cover: dict[Hashable, int | None] = {"total": None, "a": 3, "b": 9}
    relation = Relation("total", ("a", "b"), "cover")
    assert _linear_system(cover, [relation], ["total"]) == (
        [],
        [],
        [[1.0], [-1.0], [-1.0]],
        [12.0, -3.0, -9.0],
    )
    assert feasible_intervals(cover, [relation]) == {"total": (9.0, 12.0)}


def test_intervals_unbounded_subset_and_nothing_hidden() -> None:
    published: dict[Hashable, int | None] = {"total": None, "a": None, "b": 30}
    relations = [Relation("total", ("a", "b"))]
    both = feasible_intervals(published, relations)
    # total = a + 30: total in [30, inf), a in [0, inf)
    assert both == {"total": (30.0, math.inf), "a": (0.0, math.inf)}
    assert feasible_intervals(published, relations, ["a"]) == {"a": (0.0, math.inf)}
    assert feasible_intervals({"total": 30, "a": 0, "b": 30}, relations) == {}
    # no relation at all: a hidden cell is anywhere from 0 up
    assert feasible_intervals({"x": None, "y": 3}, []) == {"x": (0.0, math.inf)}


def test_published_cells_that_contradict_the_relations_are_refused() -> None:
    published: dict[Hashable, int | None] = {"total": 5, "a": None, "b": 9}
    with pytest.raises(ValueError, match=r"^published cells contradict the relations"):
        feasible_intervals(published, [Relation("total", ("a", "b"))])


@pytest.mark.parametrize(
    ("value", "interval", "primary", "protected"),
    [
        # primary, margin 10: the interval must reach from max(0, v - 10) to v + 10
        (3, (0.0, 13.0), True, True),
        (3, (0.0, 13.0 - 5e-7), True, True),  # within the tolerance of 1e-6
        (3, (0.0, 12.99), True, False),
        (3, (5e-7, 20.0), True, True),
        (3, (0.01, 20.0), True, False),
        (15, (5.0, 25.0), True, True),
        (15, (5.0 + 5e-7, 25.0), True, True),
        (15, (5.01, 25.0), True, False),
        (15, (5.0, 24.99), True, False),
        (10, (0.0, 20.0), True, True),
        (10, (0.01, 20.0), True, False),
        (11, (1.0, 21.0), True, True),
        (11, (1.01, 21.0), True, False),
        # secondary: any width beyond the tolerance
        (50, (50.0, 50.0), False, False),
        (50, (50.0, 50.0 + 5e-7), False, False),
        (50, (50.0, 50.00001), False, True),
        (50, (0.0, math.inf), False, True),
    ],
)
def test_the_protection_rule_at_its_edges(
    value: int, interval: tuple[float, float], primary: bool, protected: bool
) -> None:
    assert _is_protected(value, interval, primary=primary, margin=10) is protected


def test_the_tolerance_itself_is_the_edge() -> None:
    """At exactly 1e-6 beyond the rule a cell still counts as protected (the LP's own
    rounding), and a secondary cell of width exactly 1e-6 does not count as open."""
    tolerance = 1e-6
    assert _is_protected(15, (5 + tolerance, 25.0), primary=True, margin=10)
    assert _is_protected(15, (5.0, 15 + 10 - tolerance), primary=True, margin=10)
    assert not _is_protected(50, (0.0, tolerance), primary=False, margin=10)


def test_protect_refuses_a_k_below_one_and_a_relation_to_nothing() -> None:
    with pytest.raises(ValueError, match=r"^k must be at least 1$"):
        protect({"a": 1}, k=0)
    assert protect({"a": 1, "b": 0}, k=1).suppressed == frozenset()
    with pytest.raises(KeyError, match=r"^'a relation names a cell that has no value'$"):
        protect({"a": 1, "t": 1}, [Relation("t", ("a", "b"))])


def test_the_default_k_is_ten() -> None:
    values: dict[Hashable, int] = {"ten": 10, "nine": 9}
    protection = protect(values)
    assert protection.k == 10 and protection.suppressed == {"nine"}


def test_k_is_the_smallest_count_published() -> None:
    values: dict[Hashable, int] = {"a": 9, "b": 10, "c": 1, "d": 0}
    protection = protect(values, k=10)
    assert protection.primary == {"a", "c"} and protection.secondary == frozenset()
    assert (protection.k, protection.margin) == (10, 10)
    assert protection.published(values) == {"a": None, "b": 10, "c": None, "d": 0}
    assert protect(values, k=10, margin=4).margin == 4


def test_a_lone_hidden_part_takes_the_smallest_interior_partner() -> None:
    """total = a + b + c + d, a = 2 hidden: the partner is the smallest part of at least
    k (b = 12, not c = 40, not the total, not the zero d)."""
    values: dict[Hashable, int] = {"total": 54, "a": 2, "d": 0, "c": 40, "b": 12}
    protection = protect(values, [Relation("total", ("a", "b", "c", "d"))], k=10)
    assert protection.primary == {"a"} and protection.secondary == {"b"}


def test_the_total_is_the_partner_when_no_part_is_left() -> None:
    values: dict[Hashable, int] = {"total": 25, "a": 5, "b": 20}
    protection = protect(values, [Relation("total", ("a", "b"))], k=10)
    # b is the partner; then a + b = 25 pins nothing: a in [0, 25] reaches 5 + 10
    assert protection.secondary == {"b"}
    both_small: dict[Hashable, int] = {"total": 11, "a": 5, "b": 6}
    hidden = protect(both_small, [Relation("total", ("a", "b"))], k=10)
    # a + b = 11 would leave a at most 11 < 5 + 10: the total goes too
    assert hidden.primary == {"a", "b"} and hidden.secondary == {"total"}


def test_equal_candidates_are_taken_in_the_order_given() -> None:
    values: dict[Hashable, int] = {"total": 43, "a": 3, "y": 20, "x": 20}
    protection = protect(values, [Relation("total", ("a", "x", "y"))], k=10)
    assert protection.secondary == {"y"}  # y comes before x in `values`
    swapped: dict[Hashable, int] = {"total": 43, "a": 3, "x": 20, "y": 20}
    assert protect(swapped, [Relation("total", ("a", "x", "y"))], k=10).secondary == {"x"}


def test_a_bound_relation_is_not_given_a_partner_by_the_cheap_pass() -> None:
    """Parts of a bound (missing fields <= records) can be anywhere from 0 up: a hidden
    part a = 3 of a total 100 with b = 50 lies in [0, 50], which protects it."""
    values: dict[Hashable, int] = {"total": 100, "a": 3, "b": 50}
    protection = protect(values, [Relation("total", ("a", "b"), "bound")], k=10)
    assert protection.suppressed == {"a"}


def test_a_partner_in_one_table_needs_its_own_partner_in_the_next() -> None:
    """t1 = a + b and t2 = b + c, a = 3 hidden: its partner is b = 12 (t1 is a total);
    then b is the lone hidden cell of t2, so c = 20 goes too (the cheap pass runs until
    no sum has exactly one hidden cell). With b + c = 32: a = 15 - b lies in [0, 15]."""
    values: dict[Hashable, int] = {"t1": 15, "a": 3, "b": 12, "t2": 32, "c": 20}
    relations = [Relation("t1", ("a", "b")), Relation("t2", ("b", "c"))]
    protection = protect(values, relations, k=10)
    assert protection.primary == {"a"} and protection.secondary == {"b", "c"}
    intervals = feasible_intervals(protection.published(values), relations)
    assert intervals == {"a": (0.0, 15.0), "b": (0.0, 15.0), "c": (17.0, 32.0)}


def test_a_cell_pinned_by_another_table_takes_a_partner_there() -> None:
    """t1 = a + b (3 + 4 = 7, all small) and t2 = b + c with c = 20, t2 = 24: published
    c and t2 pin b = 4, so b's partner is c; a and t1 are free (t1 is hidden)."""
    values: dict[Hashable, int] = {"t1": 7, "a": 3, "b": 4, "t2": 24, "c": 20}
    relations = [Relation("t1", ("a", "b")), Relation("t2", ("b", "c"))]
    protection = protect(values, relations, k=10)
    assert protection.primary == {"t1", "a", "b"} and protection.secondary == {"c"}


def test_a_partner_of_exactly_the_margin_is_enough() -> None:
    """p = 3 hidden (k = margin = 10): b = 10 is a partner of at least the margin, and the
    smallest such (before c = 30): p + b = 13 lets p reach 3 + 10 exactly."""
    values: dict[Hashable, int] = {"total": 43, "p": 3, "b": 10, "c": 30}
    protection = protect(values, [Relation("total", ("p", "b", "c"))], k=10)
    assert protection.secondary == {"b"}


def test_zeros_stay_published_when_positive_partners_will_do() -> None:
    """With a margin (20) above k (10) positive partners below the margin compete with
    zeros; a zero is never the better partner (it hides nothing). Found by a search over
    small tables; safety checked by the attacker of test_disclosure.py."""
    from tests.privacy.test_disclosure import attack, two_way

    values, relations, _ = two_way([[4, 25, 0], [21, 17, 0], [0, 0, 6]])
    protection = protect(values, relations, k=10, margin=20)
    assert not [cell for cell in protection.suppressed if values[cell] == 0]
    hidden = sorted(protection.suppressed, key=str)
    for cell, (low, high, determined) in attack(values, relations, hidden).items():
        assert not determined and high - low > 1e-6, cell
        if cell in protection.primary:
            assert low <= 1e-6 and high >= values[cell] + 20 - 1e-6, cell


def test_a_partner_two_relations_away_is_found() -> None:
    """[[0, 0, 7, 6], [48, 34, 18, 9]]: a table (found by a search) where a hidden cell's
    own relations hold no published cell left, so its partner is looked for one ring
    further out; the attacker of test_disclosure.py finds every hidden cell safe."""
    from tests.privacy.test_disclosure import assert_safe, two_way

    values, relations, _ = two_way([[0, 0, 7, 6], [48, 34, 18, 9]])
    assert_safe(values, relations)


def test_the_cheap_pass_reads_every_sum_after_a_bound() -> None:
    """A bound relation listed first does not stop the cheap pass: the sum T = p + b
    still gets p's partner b there (p + b = 53), not the smaller q = 12 of the bound
    p + q <= U, which the attacker's LP would otherwise take first and then b as well."""
    values: dict[Hashable, int] = {"T": 53, "p": 3, "b": 50, "U": 100, "q": 12}
    relations = [Relation("U", ("p", "q"), "bound"), Relation("T", ("p", "b"))]
    assert protect(values, relations, k=10).secondary == {"b"}


def test_the_cheap_pass_goes_round_until_no_sum_has_a_lone_hidden_cell() -> None:
    """t2 = b + c listed before t1 = a + b: a's partner b (from t1) leaves b alone in t2,
    which the second round sees: c is its partner, t1 stays published."""
    values: dict[Hashable, int] = {"t1": 15, "a": 3, "b": 12, "t2": 32, "c": 20}
    relations = [Relation("t2", ("b", "c")), Relation("t1", ("a", "b"))]
    protection = protect(values, relations, k=10)
    assert protection.primary == {"a"} and protection.secondary == {"b", "c"}
