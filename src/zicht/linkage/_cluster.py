"""From scored pairs to persons, resisting chaining, and flagging suspicious clusters.

Plain transitive closure (connected components over all links above the threshold)
merges two different people as soon as one weak link joins them, and a chain of such
links can grow a "person" with dozens of registrations. The methods here are pure
functions on arrays, so they run the same after DuckDB or Spark, and are measured
against each other in `benchmarks/bench_linkage_synth.py`:

- ``components``: connected components (transitive closure), the baseline.
- ``best_link``: every registration keeps only its single best link (after the
  single-best-link idea of Splink's `cluster_using_single_best_links`, without its
  one-record-per-source constraint, which does not hold here: a shelter registers
  the same person twice).
- ``bridges``: connected components, then links that are bridges of their cluster
  (their removal splits it) and are weaker than `strong` are cut, repeatedly.
- ``strict_large``: clusters larger than `large` are re-clustered with the `strong`
  threshold, repeatedly (only when a `large` is given: there is no cap by default, a
  person registered twenty times by several sources is real).
- ``robust``: ``bridges``, then ``strict_large`` when a `large` is given (the
  default; see docs/linkage.md).

The threshold is chosen from the scored pairs' own match probabilities unless set
(`zicht.linkage._threshold`); a weak link is one whose probability of being false is
more than ten times that of the weakest link the threshold keeps
(`strong` = 1 - (1 - threshold) / 10) unless `strong` is set.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from zicht.linkage._threshold import ThresholdChoice, choose_threshold

__all__ = [
    "METHODS",
    "ClusterOptions",
    "Method",
    "SuspiciousCluster",
    "cluster_pairs",
    "cluster_sizes",
    "find_bridges",
    "resolve_options",
    "suspicious_clusters",
]

Method = Literal["components", "best_link", "bridges", "strict_large", "robust"]
METHODS: tuple[Method, ...] = ("components", "best_link", "bridges", "strict_large", "robust")

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ClusterOptions:
    """Thresholds of clustering, as match probabilities.

    `threshold` None: chosen from the scored pairs (expected F1); `strong` None:
    1 - (1 - threshold) / 10; `large` None: no cap on registrations per person.
    """

    method: Method = "robust"
    threshold: float | None = None
    strong: float | None = None
    large: int | None = None


def resolve_options(
    options: ClusterOptions, probabilities: npt.ArrayLike
) -> tuple[ClusterOptions, ThresholdChoice]:
    """Options with threshold and strong filled in from the pairs, and why that threshold."""
    choice = choose_threshold(probabilities, options.threshold)
    strong = options.strong
    if strong is None:
        strong = 1 - (1 - choice.threshold) / 10
    return replace(
        options, threshold=choice.threshold, strong=max(strong, choice.threshold)
    ), choice


def _labels(n: int, left: IntArray, right: IntArray) -> IntArray:
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    result: IntArray = np.asarray(labels, dtype=np.int64)
    return result


def _index(
    ids: IntArray, pairs: pd.DataFrame
) -> tuple[IntArray, IntArray, npt.NDArray[np.float64]]:
    position = pd.Index(ids)
    left = position.get_indexer(pairs["unique_id_l"].to_numpy())
    right = position.get_indexer(pairs["unique_id_r"].to_numpy())
    known = (left >= 0) & (right >= 0)
    probability = pairs["match_probability"].to_numpy(dtype=np.float64)
    return left[known].astype(np.int64), right[known].astype(np.int64), probability[known]


def find_bridges(edges: list[tuple[int, int]]) -> set[int]:
    """Indexes of the edges that are bridges of the undirected graph `edges`.

    Iterative Tarjan (1974) low-link search; parallel edges are never bridges.
    """
    adjacency: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for number, (a, b) in enumerate(edges):
        adjacency[a].append((b, number))
        adjacency[b].append((a, number))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    bridges: set[int] = set()
    counter = 0
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack: list[tuple[int, int, int]] = [(root, -1, 0)]
        while stack:
            node, via, position = stack[-1]
            neighbours = adjacency[node]
            if position < len(neighbours):
                stack[-1] = (node, via, position + 1)
                other, number = neighbours[position]
                if number == via:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                else:
                    order[other] = low[other] = counter
                    counter += 1
                    stack.append((other, number, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(via)
    return bridges


def _cut_weak_bridges(
    n: int, left: IntArray, right: IntArray, probability: npt.NDArray[np.float64], strong: float
) -> npt.NDArray[np.bool_]:
    """Keep-mask over edges after cutting weak bridges until none is left."""
    keep = np.ones(len(left), dtype=bool)
    while True:
        labels = _labels(n, left[keep], right[keep])
        sizes = np.bincount(labels, minlength=n)
        kept = np.flatnonzero(keep)
        # Only clusters of three or more can be chained; and only weak edges may go.
        candidates = kept[(sizes[labels[left[kept]]] >= 3) & (probability[kept] < strong)]
        if len(candidates) == 0:
            return keep
        in_play = kept[sizes[labels[left[kept]]] >= 3]
        by_cluster: dict[int, list[int]] = defaultdict(list)
        for edge in in_play.tolist():
            by_cluster[int(labels[left[edge]])].append(edge)
        weak = set(candidates.tolist())
        removed = False
        for edge_numbers in by_cluster.values():
            if not weak.intersection(edge_numbers):
                continue
            local = [(int(left[e]), int(right[e])) for e in edge_numbers]
            for position in find_bridges(local):
                edge = edge_numbers[position]
                if edge in weak:
                    keep[edge] = False
                    removed = True
        if not removed:
            return keep


def _strict_in_large(
    n: int,
    left: IntArray,
    right: IntArray,
    probability: npt.NDArray[np.float64],
    keep: npt.NDArray[np.bool_],
    strong: float,
    large: int | None,
) -> npt.NDArray[np.bool_]:
    """Within clusters larger than `large`, drop edges below `strong`; tighten until small."""
    if large is None:
        return keep
    keep = keep.copy()
    level = strong
    for _round in range(4):
        labels = _labels(n, left[keep], right[keep])
        sizes = np.bincount(labels, minlength=n)
        in_large = keep & (sizes[labels[left]] > large)
        if not in_large.any():
            break
        keep &= ~(in_large & (probability < level))
        level = 1 - (1 - level) / 10
    return keep


def _best_link(
    n: int, left: IntArray, right: IntArray, probability: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """Keep-mask: for each registration its single strongest edge (ties: lowest partner)."""
    nodes = np.concatenate([left, right])
    edges = np.concatenate([np.arange(len(left)), np.arange(len(left))])
    partners = np.concatenate([right, left])
    order = np.lexsort((partners, -np.concatenate([probability, probability]), nodes))
    first = np.ones(len(order), dtype=bool)
    first[1:] = nodes[order][1:] != nodes[order][:-1]
    keep = np.zeros(len(left), dtype=bool)
    keep[edges[order][first]] = True
    return keep


def cluster_pairs(
    ids: IntArray | pd.Series, pairs: pd.DataFrame, options: ClusterOptions | None = None
) -> pd.Series:
    """Persons from scored pairs: a Series registration id -> cluster id.

    The cluster id is the smallest registration id in the cluster, so that it does
    not depend on the order of the input.

    Args:
        ids: every registration id (singletons included).
        pairs: scored pairs with `unique_id_l`, `unique_id_r`, `match_probability`.
        options: method and thresholds.
    """
    options = options or ClusterOptions()
    ids = np.asarray(ids, dtype=np.int64)
    n = len(ids)
    left, right, probability = _index(ids, pairs)
    options, _choice = resolve_options(options, probability)
    assert options.threshold is not None
    assert options.strong is not None
    above = probability >= options.threshold
    left, right, probability = left[above], right[above], probability[above]
    keep = np.ones(len(left), dtype=bool)
    if options.method == "best_link":
        keep = _best_link(n, left, right, probability)
    if options.method in ("bridges", "robust"):
        keep = _cut_weak_bridges(n, left, right, probability, options.strong)
    if options.method in ("strict_large", "robust"):
        keep = _strict_in_large(n, left, right, probability, keep, options.strong, options.large)
    labels = _labels(n, left[keep], right[keep])
    smallest = pd.Series(ids).groupby(labels).transform("min").to_numpy()
    return pd.Series(smallest, index=pd.Index(ids, name="unique_id"), name="cluster_id")


def cluster_sizes(clusters: pd.Series) -> dict[int, int]:
    """Cluster-size distribution: size -> number of clusters of that size."""
    sizes = clusters.value_counts().value_counts().sort_index()
    return {int(size): int(count) for size, count in sizes.items()}


@dataclass(frozen=True)
class SuspiciousCluster:
    """A cluster that may merge different people, and why it looks so."""

    cluster_id: int
    size: int
    density: float
    weakest_link: float
    reasons: tuple[str, ...]


def suspicious_clusters(
    clusters: pd.Series,
    pairs: pd.DataFrame,
    *,
    threshold: float = 0.99,
    strong: float = 0.999,
    large: int | None = None,
    min_density: float = 0.5,
) -> list[SuspiciousCluster]:
    """Clusters that are large, sparsely linked, or hang together by a weak bridge.

    Density is the share of the cluster's registration pairs that were scored at or
    above `threshold`; a true person's registrations mostly all match each other.
    """
    sizes = clusters.value_counts()
    multi = sizes[sizes >= 3]
    if multi.empty:
        return []
    linked = pairs[pairs["match_probability"] >= threshold]
    cluster_l = clusters.reindex(linked["unique_id_l"].to_numpy()).to_numpy()
    cluster_r = clusters.reindex(linked["unique_id_r"].to_numpy()).to_numpy()
    inside = linked[(cluster_l == cluster_r) & pd.notna(cluster_l)].assign(
        cluster_id=cluster_l[(cluster_l == cluster_r) & pd.notna(cluster_l)]
    )
    inside = inside[inside["cluster_id"].isin(multi.index)]
    found: list[SuspiciousCluster] = []
    for cluster_id, edges in inside.groupby("cluster_id"):
        size = int(sizes[cluster_id])
        density = len(edges) / (size * (size - 1) / 2)
        local = list(zip(edges["unique_id_l"].tolist(), edges["unique_id_r"].tolist(), strict=True))
        weights = edges["match_probability"].to_numpy()
        bridges = [b for b in find_bridges(local) if weights[b] < strong]
        reasons: list[str] = []
        if large is not None and size > large:
            reasons.append(f"more than {large} registrations")
        if density < min_density:
            reasons.append(f"only {density:.0%} of its pairs link")
        if bridges:
            reasons.append(f"{len(bridges)} weak link(s) hold it together alone")
        if reasons:
            found.append(
                SuspiciousCluster(
                    cluster_id=int(str(cluster_id)),
                    size=size,
                    density=round(density, 3),
                    weakest_link=round(float(edges["match_probability"].min()), 6),
                    reasons=tuple(reasons),
                )
            )
    found.sort(key=lambda c: (-c.size, c.density))
    return found
