"""Disclosure control: an attacker with every published cell cannot recover a hidden one.

The attacks here are written independently of `zicht.privacy._disclosure`: a rank test
(is the hidden cell a linear combination of published values?) and a linear program
built from the tables themselves (how narrow can nonnegativity make the cell?).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from zicht.privacy import Relation, feasible_intervals, protect

K = 10

counts = st.one_of(
    st.integers(0, 0), st.integers(1, K - 1), st.integers(K, 60), st.integers(60, 400)
)


def two_way(
    inner: list[list[int]], prefix: str = "t"
) -> tuple[dict[object, int], list[Relation], dict[object, list[object]]]:
    """Cells, margins and relations of a table with row, column and grand totals."""
    rows, cols = len(inner), len(inner[0])
    values: dict[object, int] = {}
    for i, j in itertools.product(range(rows), range(cols)):
        values[(prefix, i, j)] = inner[i][j]
    for i in range(rows):
        values[(prefix, i, "T")] = sum(inner[i])
    for j in range(cols):
        values[(prefix, "T", j)] = sum(inner[i][j] for i in range(rows))
    values[(prefix, "T", "T")] = sum(map(sum, inner))
    relations = [
        Relation((prefix, i, "T"), tuple((prefix, i, j) for j in range(cols))) for i in range(rows)
    ]
    relations += [
        Relation((prefix, "T", j), tuple((prefix, i, j) for i in range(rows))) for j in range(cols)
    ]
    relations.append(Relation((prefix, "T", "T"), tuple((prefix, i, "T") for i in range(rows))))
    relations.append(Relation((prefix, "T", "T"), tuple((prefix, "T", j) for j in range(cols))))
    equations = {r.total: list(r.parts) for r in relations}
    return values, relations, equations


def equality_matrix(
    values: dict[object, int], relations: list[Relation], hidden: list[object]
) -> tuple[np.ndarray, np.ndarray]:
    """The attacker's equations over the hidden cells (sum relations only)."""
    index = {c: i for i, c in enumerate(hidden)}
    matrix, rhs = [], []
    for relation in relations:
        row = np.zeros(len(hidden))
        constant = 0.0
        for cell, sign in [(relation.total, -1.0)] + [(p, 1.0) for p in relation.parts]:
            if cell in index:
                row[index[cell]] += sign
            else:
                constant += sign * values[cell]
        if row.any():
            matrix.append(row)
            rhs.append(-constant)
    return np.array(matrix).reshape(-1, len(hidden)), np.array(rhs)


def attack(
    values: dict[object, int], relations: list[Relation], hidden: list[object]
) -> dict[object, tuple[float, float, bool]]:
    """For each hidden cell: LP min, LP max, and whether linear algebra pins it down."""
    a, b = equality_matrix(values, relations, hidden)
    rank = np.linalg.matrix_rank(a) if a.size else 0
    out = {}
    for i, cell in enumerate(hidden):
        unit = np.zeros(len(hidden))
        unit[i] = 1.0
        # Determined iff the unit vector lies in the row space of the equations.
        determined = bool(a.size) and np.linalg.matrix_rank(np.vstack([a, unit])) == rank
        kwargs = {"A_eq": a, "b_eq": b} if a.size else {}
        low = linprog(unit, bounds=(0, None), method="highs", **kwargs)
        high = linprog(-unit, bounds=(0, None), method="highs", **kwargs)
        assert low.status == 0, "the true values must be feasible"
        upper = -high.fun if high.status == 0 else float("inf")
        out[cell] = (low.fun, upper, determined)
    return out


def assert_safe(values: dict[object, int], relations: list[Relation]) -> None:
    protection = protect(values, relations, k=K)
    # Primary suppression is exactly the small nonzero cells.
    assert protection.primary == {c for c, n in values.items() if 0 < n < K}
    published = protection.published(values)
    # No small count is published; zero may be.
    assert all(n is None or n == 0 or n >= K for n in published.values())
    hidden = [c for c, n in published.items() if n is None]
    if not hidden:
        return
    for cell, (low, high, determined) in attack(values, relations, hidden).items():
        assert not determined, f"{cell} is a linear combination of published cells"
        assert high - low > 1e-6, f"{cell} is pinned by nonnegativity"
        if cell in protection.primary:
            assert low <= 1e-6, f"{cell} is known to be nonzero"
            assert high >= values[cell] + K - 1e-6, f"{cell} is known to be below {K}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 5).flatmap(
        lambda cols: st.lists(
            st.lists(counts, min_size=cols, max_size=cols), min_size=2, max_size=5
        )
    )
)
def test_two_way_table_with_margins_hides_every_suppressed_cell(inner: list[list[int]]) -> None:
    values, relations, _ = two_way(inner)
    assert_safe(values, relations)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(counts, min_size=2, max_size=7),
    st.integers(2, 6).flatmap(lambda n: st.lists(counts, min_size=n, max_size=n)),
)
def test_linked_tables_sharing_a_total_are_protected_together(
    by_form: list[int], by_organisation: list[int]
) -> None:
    total = sum(by_form)
    # Scale the second breakdown so that both add up to the same shared total.
    base = sum(by_organisation) or 1
    organisation = [n * total // base for n in by_organisation]
    organisation[-1] += total - sum(organisation)
    values: dict[object, int] = {("total",): total}
    values.update({("form", i): n for i, n in enumerate(by_form)})
    values.update({("org", i): n for i, n in enumerate(organisation)})
    relations = [
        Relation(("total",), tuple(("form", i) for i in range(len(by_form)))),
        Relation(("total",), tuple(("org", i) for i in range(len(organisation)))),
    ]
    assert_safe(values, relations)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(counts, counts), min_size=2, max_size=5))
def test_trend_tables_linked_through_yearly_totals(columns: list[tuple[int, int]]) -> None:
    """Two category-by-year tables whose year totals are the same cells."""
    values: dict[object, int] = {}
    relations = []
    for year, (a, b) in enumerate(columns):
        values[("a", year)] = a
        values[("b", year)] = b
        values[("total", year)] = a + b
        # The second table splits the same total in a different way.
        values[("c", year)] = (a + b) // 2
        values[("d", year)] = a + b - (a + b) // 2
        relations.append(Relation(("total", year), (("a", year), ("b", year))))
        relations.append(Relation(("total", year), (("c", year), ("d", year))))
    assert_safe(values, relations)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(counts, min_size=2, max_size=6), st.integers(0, 50))
def test_multi_valued_rows_cover_the_total(forms: list[int], overlap: int) -> None:
    """Rows count a person once per form, the total once: total <= sum(rows)."""
    total = max(max(forms), sum(forms) - overlap)
    values: dict[object, int] = {("total",): total}
    values.update({("form", i): n for i, n in enumerate(forms)})
    relation = Relation(("total",), tuple(("form", i) for i in range(len(forms))), "cover")
    protection = protect(values, [relation], k=K)
    published = protection.published(values)
    intervals = feasible_intervals(published, [relation])
    for cell, (low, high) in intervals.items():
        assert high - low > 1e-6
        if cell in protection.primary:
            assert low <= 1e-6
            assert high >= values[cell] + K - 1e-6


def test_a_single_small_cell_takes_a_partner_and_the_pair_is_safe() -> None:
    values: dict[object, int] = {"a": 3, "b": 50, "c": 60, "total": 113}
    protection = protect(values, [Relation("total", ("a", "b", "c"))], k=K)
    assert protection.primary == {"a"}
    assert protection.secondary == {"b"}
    low, high = feasible_intervals(
        protection.published(values), [Relation("total", ("a", "b", "c"))]
    )["a"]
    assert (low, high) == (0.0, 53.0)


def test_zero_is_published_and_a_table_without_small_cells_is_untouched() -> None:
    values: dict[object, int] = {"a": 0, "b": 50, "total": 50}
    protection = protect(values, [Relation("total", ("a", "b"))], k=K)
    assert protection.suppressed == frozenset()


def test_results_are_deterministic() -> None:
    inner = [[3, 40, 12], [0, 7, 80], [25, 30, 2]]
    values, relations, _ = two_way(inner)
    first = protect(values, relations, k=K)
    assert all(protect(values, relations, k=K) == first for _ in range(3))


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="k must"):
        protect({"a": 1}, k=0)
    with pytest.raises(KeyError):
        protect({"a": 1}, [Relation("t", ("a",))])
