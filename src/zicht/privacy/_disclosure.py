"""Disclosure control for published count tables: primary and secondary cell suppression.

A report publishes many counts that hang together: a total by form and the same total
by organisation, per-year columns of trend tables, registrations = persons + double
counts. Cells are identified by hashable keys across the whole report and the ties
between them are :class:`Relation` s, so linked tables are protected as one system.

Algorithm (see ``docs/privacy.md``, "Disclosure control"):

1. Primary suppression: every cell with ``0 < n < k``. Zeros are published.
2. A cheap pass: any additive relation with exactly one suppressed cell gets a second
   one (otherwise that cell is the total minus the rest).
3. An audit by linear programming, the attacker's view (as in tau-argus' audit): for
   each suppressed cell, ``min`` and ``max`` of the cell over all nonnegative values of
   the suppressed cells that agree with every published cell and every relation
   (``scipy.optimize.linprog``, HiGHS). A primary cell with value ``v`` is protected
   when that interval covers ``[max(0, v - margin), v + margin]`` (default margin
   ``k``: the cell cannot be told apart from zero nor pinned below ``v + k``); a
   secondary cell when the interval has positive width. While a cell is not
   protected, the best published cell sharing a relation with it (interior cells
   before totals, positive before zero, at least ``margin`` before smaller, then the
   smallest) is suppressed too. Suppressing more only relaxes the attacker's
   constraints, so intervals only widen and one pass over a queue suffices.

Intervals are those of the LP relaxation; integer constraints can only narrow them by
less than one unit at each end, which the margin absorbs.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Protection",
    "Relation",
    "feasible_intervals",
    "protect",
]

Cell = Hashable
RelationKind = Literal["sum", "cover", "bound"]
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Relation:
    """How a total ties to its parts.

    ``sum``: total = sum of parts (a one-way margin).
    ``cover``: each part <= total <= sum of parts (a person with several forms is
    counted once in the total and once in each of their forms' rows).
    ``bound``: sum of parts <= total (parts are disjoint subsets of the total, e.g.
    records missing a field).
    """

    total: Cell
    parts: tuple[Cell, ...]
    kind: RelationKind = "sum"

    @property
    def cells(self) -> tuple[Cell, ...]:
        """The total and the parts."""
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Protection:
    """The outcome of :func:`protect`: which cells are suppressed and why."""

    primary: frozenset[Cell]
    secondary: frozenset[Cell]
    k: int
    margin: int

    @property
    def suppressed(self) -> frozenset[Cell]:
        """Every cell not published."""
        return self.primary | self.secondary

    def published(self, values: Mapping[Cell, int]) -> dict[Cell, int | None]:
        """The values as published: None for a suppressed cell."""
        return {cell: None if cell in self.suppressed else n for cell, n in values.items()}


def _linear_system(
    published: Mapping[Cell, int | None], relations: Sequence[Relation], hidden: list[Cell]
) -> tuple[list[list[float]], list[float], list[list[float]], list[float]]:
    """Equalities and inequalities over the hidden cells, published values moved right."""
    index = {cell: i for i, cell in enumerate(hidden)}
    a_eq: list[list[float]] = []
    b_eq: list[float] = []
    a_ub: list[list[float]] = []
    b_ub: list[float] = []

    def row(coefficients: Iterable[tuple[Cell, float]]) -> tuple[list[float], float]:
        vector = [0.0] * len(hidden)
        constant = 0.0
        for cell, coefficient in coefficients:
            value = published[cell]
            if value is None:
                vector[index[cell]] += coefficient
            else:
                constant += coefficient * value
        return vector, constant

    for relation in relations:
        if not any(published[c] is None for c in relation.cells):
            continue
        parts = [(p, 1.0) for p in relation.parts]
        if relation.kind == "sum":
            vector, constant = row([(relation.total, -1.0), *parts])
            a_eq.append(vector)
            b_eq.append(-constant)
        elif relation.kind == "bound":
            vector, constant = row([(relation.total, -1.0), *parts])
            a_ub.append(vector)
            b_ub.append(-constant)
        else:  # cover: total <= sum(parts), part <= total
            vector, constant = row([(relation.total, 1.0), *[(p, -1.0) for p in relation.parts]])
            a_ub.append(vector)
            b_ub.append(-constant)
            for part in relation.parts:
                vector, constant = row([(part, 1.0), (relation.total, -1.0)])
                a_ub.append(vector)
                b_ub.append(-constant)
    return a_eq, b_eq, a_ub, b_ub


def feasible_intervals(
    published: Mapping[Cell, int | None],
    relations: Sequence[Relation],
    cells: Iterable[Cell] | None = None,
) -> dict[Cell, tuple[float, float]]:
    """The attacker's view: min and max of each suppressed cell given all published ones.

    Args:
        published: every cell of the system, None where suppressed.
        relations: the ties between cells.
        cells: which suppressed cells to bound (default: all).

    Returns:
        ``(low, high)`` per cell; ``high`` is ``inf`` when nothing bounds the cell.
    """
    # Imported here: zicht.privacy is imported by every command at start.
    import numpy as np
    from scipy.optimize import linprog

    hidden = [cell for cell, value in published.items() if value is None]
    if not hidden:
        return {}
    targets = hidden if cells is None else list(cells)
    a_eq, b_eq, a_ub, b_ub = _linear_system(published, relations, hidden)
    index = {cell: i for i, cell in enumerate(hidden)}
    arrays = {
        "A_eq": np.array(a_eq) if a_eq else None,
        "b_eq": np.array(b_eq) if b_eq else None,
        "A_ub": np.array(a_ub) if a_ub else None,
        "b_ub": np.array(b_ub) if b_ub else None,
    }
    intervals: dict[Cell, tuple[float, float]] = {}
    for cell in targets:
        objective = np.zeros(len(hidden))
        objective[index[cell]] = 1.0
        low = linprog(objective, bounds=(0, None), method="highs", **arrays)
        high = linprog(-objective, bounds=(0, None), method="highs", **arrays)
        if low.status == 2 or high.status == 2:
            raise ValueError("published cells contradict the relations (infeasible system)")
        lower = float(low.fun) if low.status == 0 else 0.0
        upper = float(-high.fun) if high.status == 0 else float("inf")
        intervals[cell] = (lower, upper)
    return intervals


def _is_protected(value: int, interval: tuple[float, float], *, primary: bool, margin: int) -> bool:
    low, high = interval
    if not primary:
        return high - low > _TOLERANCE
    return low <= max(0, value - margin) + _TOLERANCE and high >= value + margin - _TOLERANCE


def protect(
    values: Mapping[Cell, int],
    relations: Sequence[Relation] = (),
    *,
    k: int = 10,
    margin: int | None = None,
) -> Protection:
    """Suppress every count below `k` (zero excepted) and enough others to hide them.

    Args:
        values: every published cell of the system (nonnegative integers), in a fixed
            order: the order decides ties, so equal inputs give equal outputs.
        relations: totals and their parts, across tables.
        k: the smallest count that may be published.
        margin: protection range of a primary cell (default `k`).

    Returns:
        The primary and secondary suppressions.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    protection = k if margin is None else margin
    for cell in (c for r in relations for c in r.cells):
        if cell not in values:
            raise KeyError("a relation names a cell that has no value")
    primary = {cell for cell, n in values.items() if 0 < n < k}
    suppressed = set(primary)
    order = {cell: i for i, cell in enumerate(values)}
    totals = {r.total for r in relations}
    related: dict[Cell, list[Relation]] = {}
    for relation in relations:
        for cell in relation.cells:
            related.setdefault(cell, []).append(relation)

    def candidate(cells: Iterable[Cell]) -> Cell | None:
        options = [c for c in cells if c not in suppressed]
        if not options:
            return None
        return min(
            options,
            key=lambda c: (
                c in totals,
                values[c] == 0,
                values[c] < protection,
                values[c],
                order[c],
            ),
        )

    def neighbours(cell: Cell) -> list[Cell]:
        return [c for r in related.get(cell, []) for c in r.cells]

    def nearest_candidate(cell: Cell) -> Cell | None:
        # The best published cell tied to `cell`, else tied to the hidden cells around
        # it, walking outwards through the relations (breadth first).
        seen = {cell}
        layer = [cell]
        while layer:
            ring = [n for c in layer for n in neighbours(c) if n not in seen]
            found = candidate(ring)
            if found is not None:
                return found
            layer = list(dict.fromkeys(ring))
            seen.update(layer)
        return None

    # Cheap pass: no additive relation may have exactly one hidden cell.
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if relation.kind != "sum":
                continue
            hidden = [c for c in relation.cells if c in suppressed]
            if len(hidden) == 1:
                extra = candidate(relation.cells)
                if extra is not None:
                    suppressed.add(extra)
                    changed = True

    queue = sorted(suppressed, key=order.__getitem__)
    while queue:
        cell = queue.pop(0)
        while True:
            published = {c: None if c in suppressed else n for c, n in values.items()}
            interval = feasible_intervals(published, relations, [cell])[cell]
            if _is_protected(values[cell], interval, primary=cell in primary, margin=protection):
                break
            extra = nearest_candidate(cell)
            if extra is None:
                break  # the cell's whole component is hidden: nothing more can be done
            suppressed.add(extra)
            queue.append(extra)
    return Protection(
        primary=frozenset(primary),
        secondary=frozenset(suppressed - primary),
        k=k,
        margin=protection,
    )
