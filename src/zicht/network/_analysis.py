"""The graph's structure: components, Leiden communities, brokers and bridges (igraph).

Networks are the communities that the Leiden algorithm (Traag, Waltman & van Eck 2019;
igraph's `community_leiden`) finds on the graph of holders and identifiers, each edge
weighted by how strongly it ties: an identifier that names one holder (phone, e-mail,
IBAN, KvK number, licence, operator) weighs 1, an address or postcode, which strangers
can share, one half. The quality is the constant Potts model (CPM), which has no resolution limit: a
network is split or kept by its own density, whatever else the graph holds (modularity
would split a chain of five in a small graph and keep it in a large one). Its
resolution is chosen from the data: one over the square of the largest component over
hard identifiers, so that no group held together by hard identifiers is ever split and
only larger groups tied by soft identifiers are. Components are taken over hard
identifiers only: what is certainly tied.

A hub, an identifier that ties far more holders than identifiers usually do (a shelter's
phone, an employment agency's KvK number, a large building), is weak evidence that any
two of them belong together: it is left out of the hard components (so that it can
neither join strangers for certain nor inflate the resolution) and its edges weigh
less the more holders it ties (`specificity`). What "far more" is comes from the
graph itself: Tukey's far-out fence on the log of the number of holders per shared
identifier (`hub_fence`). Operators and licences are groupings of ads by their
makers, not identifiers strangers share, and are never hubs. Betweenness is counted over paths of at
most `BETWEENNESS_CUTOFF` steps (exact inside the small networks of this graph, and
near linear in the graph's size).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    import igraph as ig

__all__ = [
    "BETWEENNESS_CUTOFF",
    "Structure",
    "analyse",
    "hub_fence",
    "resolution",
    "specificity",
    "weighted_pairs",
]

Index = npt.NDArray[np.int64]

BETWEENNESS_CUTOFF = 6
SOFT_WEIGHT = 0.5
SOFT_KINDS = frozenset({"address", "postcode"})
# groupings of ads by who made them (the screening's operator, a licence): never hubs
GROUPING_KINDS = frozenset({"operator", "licence"})
# families of kinds with a fence each: the hard kinds together, each soft kind alone
FAMILIES = ("hard", *sorted(SOFT_KINDS))
# Tukey's far-out fence: this many interquartile ranges above the upper quartile
FENCE_IQRS = 3.0


@dataclass(frozen=True)
class Structure:
    """Per node (in the order of the node index): component, network and centrality."""

    component: npt.NDArray[np.int64]
    network: npt.NDArray[np.int64]
    betweenness: npt.NDArray[np.float64]
    articulation: npt.NDArray[np.bool_]
    modularity: float


Specificity = tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], float]


def hub_fence(holders: npt.NDArray[np.int64]) -> float:
    """The most holders an identifier ties before it is a hub, from the graph's own counts.

    Tukey's far-out fence on the log of `holders` (per identifier) among identifiers
    shared by at least two: exp(Q3 + 3 IQR). Counts are whole numbers bunched at two,
    so the interquartile range is taken as at least one doubling (log 2), else a graph
    whose shared identifiers all tie two would call every third holder a hub. Rounded
    to 6 decimals, so that a fence of 16 is 16 and not 15.999999999999998.
    Infinite when no identifier is shared.
    """
    shared = np.log(holders[holders >= 2].astype(np.float64))
    if len(shared) == 0:
        return float("inf")
    q1, q3 = np.quantile(shared, [0.25, 0.75])
    return round(float(np.exp(q3 + FENCE_IQRS * max(q3 - q1, np.log(2.0)))), 6)


def _holder_counts(
    source: npt.NDArray[np.int64],
    target: npt.NDArray[np.int64],
    kinds: npt.NDArray[np.object_],
    ads: npt.NDArray[np.bool_],
) -> pd.DataFrame:
    """Holders per identifier (index: target; `n`), the ads of one maker counted once,
    and the identifier's family of kinds (`family`: index in `FAMILIES`).

    An ad's maker is its operator (the screening's cluster): a phone repeated in thirty
    ads of one operator is one holder. Ads without an operator that give the same
    identifier count once together: the screening groups ads by their shared contacts,
    so they are at most one maker not yet clustered.
    """
    grouping = np.isin(kinds, list(GROUPING_KINDS))
    holder = source.astype(np.int64)
    if ads.any():
        operator_rows = (kinds == "operator") & ads
        operator_of = (
            pd.Series(target[operator_rows], index=source[operator_rows]).groupby(level=0).min()
        )
        maker = operator_of.reindex(source[ads]).fillna(-1).to_numpy(np.int64)
        holder[ads] = maker
    family = np.zeros(len(kinds), dtype=np.int64)
    for code, name in enumerate(FAMILIES[1:], start=1):
        family[kinds == name] = code
    rows = ~grouping
    distinct = pd.DataFrame(
        {"t": target[rows], "h": holder[rows], "f": family[rows]}
    ).drop_duplicates(["t", "h"])
    return distinct.groupby("t").agg(n=("h", "size"), family=("f", "first"))


def specificity(
    source: npt.NDArray[np.int64],
    target: npt.NDArray[np.int64],
    kinds: npt.NDArray[np.object_],
    ads: npt.NDArray[np.bool_] | None = None,
) -> Specificity:
    """Per evidence row (holder `source`, identifier `target`): the factor on its weight,
    whether its identifier is a hub, and the fence of the hard kinds.

    `ads`: per row, whether its holder is an ad (none when not given); the ads of one
    operator count as one holder (`_holder_counts`). The fence is taken per family of
    kinds: one over the hard kinds together (a number or account names one holder, so
    sharing it means the same for each; pooled, the sample stays large enough), one for
    each soft kind on its own (a postcode ties the addresses of a street by nature, so
    its counts would push the fence of the numbers up until no phone is ever a hub).
    An identifier tying k holders beyond its fence f weighs f / k of an ordinary one:
    together its edges carry what an identifier at the fence carries, however many
    holders it ties.
    """
    ads = np.zeros(len(source), dtype=bool) if ads is None else np.asarray(ads, dtype=bool)
    grouping = np.isin(kinds, list(GROUPING_KINDS))
    holders = _holder_counts(source, target, kinds, ads)
    counts = holders["n"].to_numpy(np.int64)
    family = holders["family"].to_numpy(np.int64)
    fences = np.array(
        [hub_fence(counts[family == code]) for code in range(len(FAMILIES))], dtype=np.float64
    )
    at = holders.index.get_indexer(target)
    known = at >= 0
    k = np.where(known, counts[at], 0).astype(np.float64)
    fence_of = np.where(known, fences[family[at]], np.inf)
    hub = (k > fence_of) & ~grouping
    factor = np.where(hub, fence_of / np.maximum(k, 1.0), 1.0)
    return factor, hub, float(fences[0])


def weighted_pairs(
    source: npt.NDArray[np.int64],
    target: npt.NDArray[np.int64],
    kinds: npt.NDArray[np.object_],
    specific: Specificity | None = None,
) -> pd.DataFrame:
    """One row per distinct node pair (`a` < `b`) with its weight, whether it is hard and
    whether it goes to a hub (`source`: holders, `target`: their identifiers;
    `specific`: `specificity` of these rows, computed when not given)."""
    factor, hub, _ = specificity(source, target, kinds) if specific is None else specific
    a = np.minimum(source, target)
    b = np.maximum(source, target)
    hard = ~np.isin(kinds, list(SOFT_KINDS)) & ~hub
    weight = np.where(hard, 1.0, SOFT_WEIGHT) * factor
    frame = pd.DataFrame({"a": a, "b": b, "hard": hard, "hub": hub, "weight": weight})
    frame = frame[frame["a"] != frame["b"]]
    return (
        frame.groupby(["a", "b"], sort=False)
        .agg(hard=("hard", "max"), hub=("hub", "max"), weight=("weight", "max"))
        .reset_index()
    )


def resolution(largest_hard_component: int) -> float:
    """The CPM resolution: 1 / (nodes of the largest hard component)^2 (at least 2 nodes)."""
    return 1.0 / max(2, largest_hard_component) ** 2


def _relabel_by_size(labels: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Labels 1, 2, ... by falling size (ties: first node), so numbers read as sizes."""
    sizes = np.bincount(labels)
    first = np.full(len(sizes), len(labels), dtype=np.int64)
    np.minimum.at(first, labels, np.arange(len(labels)))
    order = np.lexsort((first, -sizes))
    rank = np.empty(len(sizes), dtype=np.int64)
    rank[order] = np.arange(1, len(sizes) + 1)
    result: npt.NDArray[np.int64] = rank[labels]
    return result


def _components(n_nodes: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> Index:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ones = np.ones(len(a), dtype=np.int8)
    matrix = coo_matrix((ones, (a, b)), shape=(n_nodes, n_nodes)).tocsr()
    _, labels = connected_components(matrix, directed=False)
    result: Index = labels.astype(np.int64)
    return result


def _graph(n_nodes: int, pairs: pd.DataFrame) -> ig.Graph:
    """The undirected graph of `pairs`, edges in their order, weights as `weight`.

    Built once and shared by Leiden, betweenness, articulation points and modularity:
    handing igraph millions of edges costs more than any of them but Leiden. A list of
    tuples zipped from two flat lists is igraph's fastest path: half the CPU of a 2-D
    array's `tolist` (a list per edge), and igraph's own conversion of an array is slower.
    """
    import igraph as ig

    a = pairs["a"].to_numpy(np.int64).tolist()
    b = pairs["b"].to_numpy(np.int64).tolist()
    graph = ig.Graph(n=n_nodes, edges=list(zip(a, b, strict=True)), directed=False)
    graph.es["weight"] = pairs["weight"].to_numpy(np.float64).tolist()
    return graph


def _leiden(
    graph: ig.Graph,
    pairs: pd.DataFrame,
    whole: Index,
    largest_hard: int,
    seed: int,
) -> Index:
    """Leiden (CPM) inside every component larger than the largest hard component, or
    holding a hub.

    Other components are networks as they are: with the resolution of `resolution`,
    cutting a hard edge (weight 1) or a soft one (1/2) of such a component costs more
    than the at most 1/4 it could gain, so the CPM optimum keeps them whole and Leiden
    need not run there (it is the slow part on millions of edges). A hub's edges weigh
    less, so its component is always left to Leiden. The subgraph keeps the order of
    nodes and edges (copy and delete), so a seed finds the same communities however
    the graph was handed over.
    """
    import random

    import igraph as ig

    network = whole.copy()
    sizes = np.bincount(whole)
    hubs = whole[pairs["a"].to_numpy(np.int64)[pairs["hub"].to_numpy(bool)]]
    large = np.union1d(np.flatnonzero(sizes > largest_hard), hubs)
    if len(large) == 0:
        return network
    members = np.flatnonzero(np.isin(whole, large))
    sub = graph.induced_subgraph(members.tolist(), implementation="copy_and_delete")
    ig.set_random_number_generator(random.Random(seed))
    try:
        found = sub.community_leiden(
            objective_function="CPM",
            weights="weight",
            resolution=resolution(largest_hard),
            n_iterations=-1,
        )
    finally:
        ig.set_random_number_generator(random)
    offset = int(whole.max()) + 1
    network[members] = offset + np.asarray(found.membership, dtype=np.int64)
    return network


def analyse(n_nodes: int, pairs: pd.DataFrame, *, seed: int = 1) -> Structure:
    """Components, communities and centrality of a graph of `n_nodes` and `pairs`."""
    a = pairs["a"].to_numpy(np.int64)
    b = pairs["b"].to_numpy(np.int64)
    hard = pairs["hard"].to_numpy(bool)
    component = _components(n_nodes, a[hard], b[hard])
    largest = int(np.bincount(component).max()) if n_nodes else 1
    graph = _graph(n_nodes, pairs)
    network = _leiden(graph, pairs, _components(n_nodes, a, b), largest, seed)
    betweenness = np.asarray(
        graph.betweenness(directed=False, cutoff=BETWEENNESS_CUTOFF), dtype=np.float64
    )
    articulation = np.zeros(n_nodes, dtype=bool)
    articulation[graph.articulation_points()] = True
    modularity = graph.modularity(network.tolist(), weights="weight") if len(a) else 0.0
    return Structure(
        component=_relabel_by_size(component),
        network=_relabel_by_size(network),
        betweenness=betweenness,
        articulation=articulation,
        modularity=float(modularity),
    )
