"""Pairwise and B-cubed measures, and stable person ids (pure)."""

from __future__ import annotations

import pandas as pd
import pytest

from zicht.linkage._evaluate import linkage_quality, pairs_in_clusters
from zicht.linkage._runs import stable_person_ids


def test_perfect_linkage_scores_one() -> None:
    truth = pd.Series(["a", "a", "b", "c"], index=[1, 2, 3, 4])
    quality = linkage_quality(truth.map({"a": 10, "b": 20, "c": 30}), truth)
    assert quality.pairwise_f1 == 1.0
    assert quality.bcubed_f1 == 1.0
    assert quality.persons_found == quality.true_persons == 3


def test_one_wrong_merge() -> None:
    # truth {1,2} {3} ; predicted {1,2,3}
    truth = pd.Series(["a", "a", "b"], index=[1, 2, 3])
    predicted = pd.Series([1, 1, 1], index=[1, 2, 3])
    quality = linkage_quality(predicted, truth)
    assert quality.pairwise_precision == pytest.approx(1 / 3, abs=1e-6)
    assert quality.pairwise_recall == 1.0
    # B-cubed precision: (2/3 + 2/3 + 1/3) / 3
    assert quality.bcubed_precision == pytest.approx(5 / 9, abs=1e-6)
    assert quality.bcubed_recall == 1.0


def test_only_common_registrations_count_and_empty_overlap_fails() -> None:
    truth = pd.Series(["a", "a"], index=[1, 2])
    predicted = pd.Series([1, 2, 3], index=[1, 2, 3])
    assert linkage_quality(predicted, truth).registrations == 2
    with pytest.raises(ValueError):
        linkage_quality(pd.Series([1], index=[9]), truth)


def test_pairs_in_clusters() -> None:
    clusters = pd.Series([1, 1, 1, 4], index=[1, 2, 3, 4])
    assert pairs_in_clusters(clusters) == {(1, 2), (1, 3), (2, 3)}


def test_unchanged_and_grown_persons_keep_their_ids() -> None:
    previous = pd.DataFrame({"registration_id": [1, 2, 3, 4], "person_id": [7, 7, 8, 9]})
    # 1,2 unchanged; 3 grew with new 5; 4 merged into... nothing; 6 new alone
    clusters = pd.Series([1, 1, 3, 4, 3, 6], index=[1, 2, 3, 4, 5, 6])
    kept, needing = stable_person_ids(clusters, previous)
    assert kept.to_dict() == {1: 7, 3: 8, 4: 9}
    assert needing.tolist() == [6]


def test_in_a_merge_the_larger_person_keeps_its_id_and_a_split_gets_new_ids() -> None:
    previous = pd.DataFrame({"registration_id": [1, 2, 3, 4, 5], "person_id": [7, 7, 8, 9, 9]})
    clusters = pd.Series([1, 1, 1, 4, 5], index=[1, 2, 3, 4, 5])
    kept, needing = stable_person_ids(clusters, previous)
    assert kept.to_dict() == {1: 7}
    assert needing.tolist() == [4, 5]


def test_first_run_needs_new_ids_for_all() -> None:
    clusters = pd.Series([1, 1, 3], index=[1, 2, 3])
    kept, needing = stable_person_ids(clusters, None)
    assert kept.empty
    assert needing.tolist() == [1, 3]
