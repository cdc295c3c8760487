"""Clustering of scored pairs, chaining resistance and suspicious clusters (pure)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zicht.linkage._cluster import (
    METHODS,
    ClusterOptions,
    cluster_pairs,
    cluster_sizes,
    find_bridges,
    resolve_options,
    suspicious_clusters,
)


def _pairs(edges: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(edges, columns=["unique_id_l", "unique_id_r", "match_probability"])


# Two people (1-2-3 and 4-5-6), each strongly linked, joined by one weak link 3-4.
CHAIN = _pairs(
    [
        (1, 2, 0.9999),
        (2, 3, 0.9999),
        (1, 3, 0.9999),
        (4, 5, 0.9999),
        (5, 6, 0.9999),
        (4, 6, 0.9999),
        (3, 4, 0.95),
    ]
)
IDS = np.arange(1, 8)


def test_transitive_closure_merges_through_one_weak_link() -> None:
    clusters = cluster_pairs(IDS, CHAIN, ClusterOptions("components", threshold=0.9))
    assert clusters[1] == clusters[6]
    assert clusters[7] == 7


@pytest.mark.parametrize("method", ["bridges", "robust"])
def test_weak_bridges_are_cut(method: str) -> None:
    clusters = cluster_pairs(IDS, CHAIN, ClusterOptions(method, threshold=0.9))  # type: ignore[arg-type]
    assert clusters.loc[[1, 2, 3]].tolist() == [1, 1, 1]
    assert clusters.loc[[4, 5, 6]].tolist() == [4, 4, 4]


def test_strong_bridges_stay() -> None:
    strong = CHAIN.copy()
    strong.loc[strong["unique_id_l"] == 3, "match_probability"] = 0.99999
    clusters = cluster_pairs(IDS, strong, ClusterOptions("bridges", threshold=0.9))
    assert clusters[1] == clusters[6]


def test_large_clusters_are_reclustered_at_the_strong_threshold() -> None:
    options = ClusterOptions("strict_large", threshold=0.9, strong=0.999, large=4)
    clusters = cluster_pairs(IDS, CHAIN, options)
    assert clusters[1] != clusters[6]
    small = ClusterOptions("strict_large", threshold=0.9, strong=0.999, large=8)
    assert cluster_pairs(IDS, CHAIN, small)[1] == cluster_pairs(IDS, CHAIN, small)[6]


def test_best_link_keeps_one_link_per_registration() -> None:
    pairs = _pairs([(1, 2, 0.99), (2, 3, 0.95), (3, 4, 0.99)])
    clusters = cluster_pairs(np.arange(1, 5), pairs, ClusterOptions("best_link", threshold=0.9))
    assert clusters.tolist() == [1, 1, 3, 3]


@pytest.mark.parametrize("method", METHODS)
def test_cluster_ids_are_the_smallest_member_and_order_free(method: str) -> None:
    options = ClusterOptions(method, threshold=0.9)
    shuffled = CHAIN.sample(frac=1.0, random_state=1)
    a = cluster_pairs(IDS, CHAIN, options)
    b = cluster_pairs(IDS[::-1], shuffled, options).sort_index()
    assert a.tolist() == b.tolist()
    assert all(a[i] <= i for i in IDS)


def test_pairs_below_threshold_and_unknown_ids_are_ignored() -> None:
    pairs = _pairs([(1, 2, 0.5), (1, 99, 0.9999)])
    clusters = cluster_pairs(np.array([1, 2]), pairs, ClusterOptions("components", threshold=0.9))
    assert clusters.tolist() == [1, 2]


def test_find_bridges() -> None:
    edges = [(1, 2), (2, 3), (3, 1), (3, 4), (4, 5)]
    assert find_bridges(edges) == {3, 4}
    assert find_bridges([(1, 2), (1, 2)]) == set()


def test_cluster_sizes() -> None:
    clusters = pd.Series([1, 1, 3, 4, 4, 4], index=range(6))
    assert cluster_sizes(clusters) == {1: 1, 2: 1, 3: 1}


def test_a_chained_cluster_is_suspicious() -> None:
    clusters = cluster_pairs(IDS, CHAIN, ClusterOptions("components", threshold=0.9))
    found = suspicious_clusters(clusters, CHAIN, threshold=0.9, strong=0.999, large=5)
    assert len(found) == 1
    assert found[0].size == 6
    assert any("weak link" in r for r in found[0].reasons)
    assert any("more than 5" in r for r in found[0].reasons)
    tidy = cluster_pairs(IDS, CHAIN, ClusterOptions("robust", threshold=0.9))
    assert suspicious_clusters(tidy, CHAIN, threshold=0.9, strong=0.999) == []


def test_no_cap_on_registrations_per_person() -> None:
    # One person registered twelve times, every pair linked: it stays one person
    # (a cap of 8 used to re-split it into singletons).
    ids = np.arange(1, 13)
    complete = _pairs([(a, b, 0.995) for a in ids for b in ids if a < b])
    for method in ("robust", "bridges", "strict_large"):
        clusters = cluster_pairs(ids, complete, ClusterOptions(method, threshold=0.99))  # type: ignore[arg-type]
        assert clusters.nunique() == 1
    capped = ClusterOptions("robust", threshold=0.99, large=8)
    assert cluster_pairs(ids, complete, capped).nunique() == 12


def test_the_threshold_and_strong_come_from_the_pairs_when_not_set() -> None:
    # Probabilities 0.97, 0.97, 0.3: sum 2.24; keeping the two 0.97 gives expected F1
    # 2·1.94/(2 + 2.24) = 0.915, the best cut at or above 0.5 -> threshold 0.97,
    # strong 1 - 0.03/10 = 0.997.
    pairs = _pairs([(1, 2, 0.97), (3, 4, 0.97), (5, 6, 0.3)])
    options, choice = resolve_options(ClusterOptions(), pairs["match_probability"])
    assert choice.threshold == 0.97
    assert options.threshold == 0.97
    assert options.strong == pytest.approx(0.997)
    clusters = cluster_pairs(np.arange(1, 7), pairs)
    assert clusters.tolist() == [1, 1, 3, 3, 5, 6]


def test_a_weak_chain_between_two_people_is_still_cut_without_a_cap() -> None:
    clusters = cluster_pairs(IDS, CHAIN, ClusterOptions("robust", threshold=0.9))
    assert clusters[3] != clusters[4]
    assert clusters.loc[[1, 2, 3]].nunique() == 1
