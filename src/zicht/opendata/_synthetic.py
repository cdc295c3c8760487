"""Differentially private synthetic microdata: a forest of noisy two-way marginals.

The method of McKenna, Sheldon and Miklau, "Winning the NIST Contest" (2021, MST), with
a tree-shaped model instead of Private-PGM's general one, and AIM's rule (McKenna et
al. 2022) for which edges are worth their noise:

1. every one-way marginal is measured with discrete Laplace noise;
2. edges are chosen one by one (Kruskal's order) with the exponential mechanism
   (report-noisy-max, Gumbel noise); an edge's score is the L1 distance between the
   true two-way marginal and the product of the noisy one-way ones (sensitivity 1),
   less the expected L1 error of the Laplace noise its measurement would bring (public:
   its number of cells over its planned epsilon); each round may also stop, so the
   model is a forest (``forest=False``: MST's spanning tree, no cost, no stop);
3. the two-way marginal of every edge, and the one-way marginal of every variable on
   no edge, is measured with discrete Laplace noise, the budget of each proportional
   to the square root of its number of cells (which minimises the summed expected L1
   error); selection rounds not used go to these measurements;
4. consistency: each variable's marginal is estimated from every noisy table that holds
   it (its one-way measurement and the edges' tables summed over the other variable),
   weighted by inverse variance, and projected on the nonnegative vectors summing to
   the estimated number of persons; each edge's table is projected likewise and then
   raked (iterative proportional fitting) to the marginals of its two variables, so
   that adjacent tables agree;
5. records are drawn from each tree of the forest: the root from its marginal, each
   child given its parent from the edge's consistent table, allocated by largest remainders rather
   than sampled, so that the release follows the measured tables without adding
   sampling error.

All noise comes from OpenDP (``make_laplace``, ``make_noisy_max``). Neighbouring data
sets differ by one person; each person is one cell of each marginal, so every count
vector has L1 sensitivity 1. The release is epsilon-differentially private (pure DP,
delta = 0) by sequential composition of the measurements; steps 4 and 5 read only the
noisy measurements (post-processing; a test replays one data set's measurements on
another and gets the same release).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

__all__ = ["BUDGET_SPLIT", "METHOD", "SyntheticRelease", "synthesise"]

METHOD = "MST/AIM-style forest of noisy two-way marginals (OpenDP discrete Laplace)"

BUDGET_SPLIT = (0.1, 0.1, 0.8)
"""Shares of epsilon for one-way marginals, tree selection and edge marginals."""


@dataclass(frozen=True)
class SyntheticRelease:
    """The synthetic records and how they were made."""

    frame: pd.DataFrame
    epsilon: float
    delta: float
    edges: tuple[tuple[str, str], ...]
    spent: dict[str, float]


def _opendp() -> object:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def _laplace(counts: np.ndarray, epsilon: float) -> tuple[np.ndarray, float]:
    """Counts with discrete Laplace noise for `epsilon` at L1 sensitivity 1; the epsilon used."""
    dp = _opendp()
    measurement = dp.m.make_laplace(  # type: ignore[attr-defined]
        dp.vector_domain(dp.atom_domain(T=int)),  # type: ignore[attr-defined]
        dp.l1_distance(T=int),  # type: ignore[attr-defined]
        scale=1.0 / epsilon,
    )
    noisy = np.asarray(measurement([int(c) for c in counts.ravel()]), dtype=float)
    return noisy.reshape(counts.shape), float(measurement.map(1))


def _noisy_max(scores: Sequence[float], epsilon: float) -> tuple[int, float]:
    """Index of the (noisily) largest score, sensitivity 1 per score; the epsilon used."""
    dp = _opendp()
    measurement = dp.m.make_noisy_max(  # type: ignore[attr-defined]
        dp.vector_domain(dp.atom_domain(T=float, nan=False)),  # type: ignore[attr-defined]
        dp.linf_distance(T=float, monotonic=False),  # type: ignore[attr-defined]
        dp.max_divergence(),  # type: ignore[attr-defined]
        scale=2.0 / epsilon,
    )
    return int(measurement([float(s) for s in scores])), float(measurement.map(1.0))


def _allocate(weights: np.ndarray, total: int, rng: np.random.Generator) -> np.ndarray:
    """`total` split in proportion to `weights` by largest remainders (ties at random)."""
    weights = np.clip(weights, 0.0, None)
    if total <= 0:
        return np.zeros(len(weights), dtype=int)
    if weights.sum() <= 0:
        weights = np.ones(len(weights))
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    remainders = exact - counts + rng.random(len(weights)) * 1e-9
    counts[np.argsort(-remainders)[: total - counts.sum()]] += 1
    return cast(np.ndarray, counts)


def _project(noisy: np.ndarray, total: float) -> np.ndarray:
    """The nonnegative table of sum `total` nearest to `noisy` (Euclidean projection).

    Clipping alone would keep the positive noise of empty cells; subtracting the one
    constant that makes the clipped table sum to `total` removes it (Duchi et al. 2008).
    """
    flat = noisy.ravel()
    if total <= 0 or flat.size == 0:
        return np.zeros_like(noisy, dtype=float)
    ordered = np.sort(flat)[::-1]
    cumulative = np.cumsum(ordered) - total
    ranks = np.arange(1, flat.size + 1)
    last = np.flatnonzero(ordered - cumulative / ranks > 0)[-1]
    shift = cumulative[last] / (last + 1)
    return cast(np.ndarray, np.clip(noisy - shift, 0.0, None))


def _marginal(codes: np.ndarray, sizes: Sequence[int], axes: Sequence[int]) -> np.ndarray:
    flat = np.ravel_multi_index(tuple(codes[:, a] for a in axes), tuple(sizes[a] for a in axes))
    length = int(np.prod([sizes[a] for a in axes]))
    return np.bincount(flat, minlength=length).reshape([sizes[a] for a in axes])


def synthesise(
    true: pd.DataFrame,
    domain: Mapping[str, Sequence[str]],
    epsilon: float,
    rng: np.random.Generator | None = None,
    *,
    forest: bool = True,
) -> SyntheticRelease:
    """An epsilon-DP synthetic version of `true` (columns = the keys of `domain`).

    Args:
        true: one row per person, every value in its column's domain.
        domain: the public values of each column.
        epsilon: the privacy budget (pure DP; delta is 0).
        rng: only for the post-processing's shuffles and ties, never for noise.
        forest: choose edges by gain minus noise cost and allow stopping (the default);
            False makes MST's spanning tree.
    """
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    rng = rng or np.random.default_rng()
    columns = list(domain)
    sizes = [len(domain[c]) for c in columns]
    for c in columns:
        if not set(true[c].unique()) <= set(domain[c]):
            raise ValueError(f"a value outside the synthetic domain (column {c})")
    codes = np.zeros((len(true), len(columns)), dtype=int)
    for i, c in enumerate(columns):
        position = {value: j for j, value in enumerate(domain[c])}
        codes[:, i] = true[c].map(position).to_numpy(dtype=int)
    p = len(columns)
    share_one, share_select, share_edges = (epsilon * s for s in BUDGET_SPLIT)
    spent = {"one_way": 0.0, "selection": 0.0, "two_way": 0.0}

    # 1. noisy one-way marginals
    sums: list[tuple[float, float]] = []  # raw sum of a noisy table and its variance
    one_way = []
    # per variable: (raw noisy estimate of its marginal, variance of each of its cells)
    estimates: dict[int, list[tuple[np.ndarray, float]]] = {a: [] for a in range(p)}
    for a in range(p):
        noisy, used = _laplace(_marginal(codes, sizes, [a]), share_one / p)
        sums.append((float(noisy.sum()), 2 * noisy.size * (p / share_one) ** 2))
        estimates[a].append((noisy, 2 * (p / share_one) ** 2))
        one_way.append(np.clip(noisy, 0.0, None))
        spent["one_way"] += used
    total = _combined_total(sums)
    shares = [m / m.sum() if m.sum() > 0 else np.full(len(m), 1 / len(m)) for m in one_way]

    # 2. a spanning tree by the exponential mechanism (Kruskal's order); as a forest, an
    # edge only when its gain beats the noise it would bring (a round may stop)
    cost = None
    if forest:
        planned = share_edges / max(1, p - 1)
        cost = {(a, b): sizes[a] * sizes[b] / planned for a in range(p) for b in range(a + 1, p)}
    edges = _select_tree(codes, sizes, shares, total, share_select / max(1, p - 1), spent, cost)
    if forest:
        # a forest's unused selection rounds go to its edges (the total stays epsilon:
        # each budget is fixed before its measurement, a pure-DP privacy filter)
        share_edges += share_select - spent["selection"]

    # 3. noisy two-way marginals of the tree's edges (and, in a forest, the one-way
    # marginal of each variable on no edge once more, as it has no other estimate)
    alone = [a for a in range(p) if not any(a in edge for edge in edges)]
    roots = np.sqrt([float(sizes[a] * sizes[b]) for a, b in edges]) if edges else np.ones(0)
    weights = float(roots.sum() + np.sqrt([float(sizes[a]) for a in alone]).sum())
    for a in alone:
        alone_epsilon = share_edges * np.sqrt(sizes[a]) / weights
        noisy, used = _laplace(_marginal(codes, sizes, [a]), alone_epsilon)
        sums.append((float(noisy.sum()), 2 * noisy.size / alone_epsilon**2))
        estimates[a].append((noisy, 2 / alone_epsilon**2))
        spent["one_way"] += used
    raw: dict[tuple[int, int], np.ndarray] = {}
    for (a, b), weight in zip(edges, roots, strict=True):
        edge_epsilon = share_edges * weight / weights
        noisy, used = _laplace(_marginal(codes, sizes, [a, b]), edge_epsilon)
        sums.append((float(noisy.sum()), 2 * noisy.size / edge_epsilon**2))
        # summed over the other variable, a table is one more noisy estimate of each margin
        estimates[a].append((noisy.sum(axis=1), 2 * sizes[b] / edge_epsilon**2))
        estimates[b].append((noisy.sum(axis=0), 2 * sizes[a] / edge_epsilon**2))
        raw[(a, b)] = noisy
        spent["two_way"] += used
    total = _combined_total(sums)

    # 4. consistency (post-processing): one marginal per variable from every noisy table
    # that holds it, and every edge's table raked to the marginals of its two variables
    margins = [_project(_combined(estimates[a]), total) for a in range(p)]
    tables = {
        (a, b): _rake(_project(noisy, total), margins[a], margins[b])
        for (a, b), noisy in raw.items()
    }

    frame = _draw(columns, sizes, edges, tables, margins, round(total), rng)
    decoded = pd.DataFrame(
        {c: np.asarray(domain[c], dtype=object)[frame[:, i]] for i, c in enumerate(columns)}
    )
    return SyntheticRelease(
        decoded,
        epsilon=sum(spent.values()),
        delta=0.0,
        edges=tuple((columns[a], columns[b]) for a, b in edges),
        spent=spent,
    )


def _combined(estimates: Sequence[tuple[np.ndarray, float]]) -> np.ndarray:
    """Unbiased estimates of one vector weighted by inverse variance (least squares)."""
    weights = np.array([1.0 / variance for _, variance in estimates])
    stacked = np.stack([values for values, _ in estimates])
    return cast(np.ndarray, (weights[:, None] * stacked).sum(axis=0) / weights.sum())


def _rake(table: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """`table` adjusted to the row and column sums `rows` and `columns` (equal totals) by
    iterative proportional fitting; a row or column with no mass gets the other margin's
    shape, so that every target can be met."""
    table = table.astype(float).copy()
    if rows.sum() <= 0 or columns.sum() <= 0:
        return table
    column_shape = columns / columns.sum()
    row_shape = rows / rows.sum()
    empty_rows = (table.sum(axis=1) <= 0) & (rows > 0)
    table[empty_rows] = np.outer(rows[empty_rows], column_shape)
    empty_columns = (table.sum(axis=0) <= 0) & (columns > 0)
    table[:, empty_columns] = np.outer(row_shape, columns[empty_columns])
    for _ in range(100):
        have = table.sum(axis=1)
        table *= np.divide(rows, have, out=np.zeros_like(rows), where=have > 0)[:, None]
        have = table.sum(axis=0)
        table *= np.divide(columns, have, out=np.zeros_like(columns), where=have > 0)[None, :]
        if np.abs(table.sum(axis=1) - rows).sum() < 1e-6 * max(1.0, rows.sum()):
            break
    return table


def _combined_total(sums: Sequence[tuple[float, float]]) -> float:
    """The number of persons from the noisy tables' sums, weighted by inverse variance."""
    weights = [1.0 / variance for _, variance in sums]
    return max(
        0.0, sum(w * total for w, (total, _) in zip(weights, sums, strict=True)) / sum(weights)
    )


def _select_tree(
    codes: np.ndarray,
    sizes: Sequence[int],
    shares: Sequence[np.ndarray],
    total: float,
    epsilon: float,
    spent: dict[str, float],
    cost: Mapping[tuple[int, int], float] | None = None,
) -> list[tuple[int, int]]:
    """A spanning tree, edge by edge (Kruskal's order), each by report-noisy-max.

    With `cost` (public: from the domain sizes and the planned noise scale, never from
    the data), a pair scores its gain over independence minus its cost, and each round
    also offers to stop: the result is a forest (AIM's rule, McKenna et al. 2022, with
    the expected L1 error of Laplace noise instead of Gaussian).
    """
    p = len(sizes)
    component = list(range(p))
    edges: list[tuple[int, int]] = []
    for _ in range(p - 1):
        pairs = [(a, b) for a in range(p) for b in range(a + 1, p) if component[a] != component[b]]
        scores = [
            float(
                np.abs(
                    _marginal(codes, sizes, [a, b]) - np.outer(shares[a], shares[b]) * total
                ).sum()
            )
            - (cost[(a, b)] if cost is not None else 0.0)
            for a, b in pairs
        ]
        if cost is not None:
            # stop: a constant (sensitivity 0), offset so that when no pair gains
            # anything, stopping is as likely as going on (the largest of k Gumbel
            # draws of scale 2 / epsilon exceeds one by about 2 / epsilon * ln k)
            scores.append(2.0 / epsilon * float(np.log(len(pairs))))
        index, used = _noisy_max(scores, epsilon)
        spent["selection"] += used
        if index == len(pairs):
            break
        a, b = pairs[index]
        edges.append((a, b))
        old, new = component[b], component[a]
        component = [new if c == old else c for c in component]
    return edges


def _draw(
    columns: Sequence[str],
    sizes: Sequence[int],
    edges: Sequence[tuple[int, int]],
    tables: Mapping[tuple[int, int], np.ndarray],
    margins: Sequence[np.ndarray],
    n: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Records from the tree (or forest): in each of its components, the root by its
    marginal, each child by its parent's row; components independent of each other."""
    p = len(columns)
    out = np.full((n, p), -1, dtype=int)
    neighbours: dict[int, list[tuple[int, np.ndarray]]] = {a: [] for a in range(p)}
    for (a, b), table in tables.items():
        neighbours[a].append((b, table))
        neighbours[b].append((a, table.T))
    seen: set[int] = set()
    while len(seen) < p:
        # the best-connected variable not yet drawn roots the next component
        root = max((a for a in range(p) if a not in seen), key=lambda a: (len(neighbours[a]), -a))
        root_weights = neighbours[root][0][1].sum(axis=1) if neighbours[root] else margins[root]
        out[:, root] = np.repeat(np.arange(sizes[root]), _allocate(root_weights, n, rng))
        rng.shuffle(out[:, root])
        seen.add(root)
        queue = [root]
        while queue:
            parent = queue.pop(0)
            for child, table in neighbours[parent]:
                if child in seen:
                    continue
                for value in range(sizes[parent]):
                    rows = np.flatnonzero(out[:, parent] == value)
                    weights = table[value] if table[value].sum() > 0 else table.sum(axis=0)
                    counts = _allocate(weights, len(rows), rng)
                    values = np.repeat(np.arange(sizes[child]), counts)
                    out[rng.permutation(rows), child] = values
                seen.add(child)
                queue.append(child)
    return out[rng.permutation(n)] if n else out
