"""The evaluation's measures against scikit-learn's (an independent implementation)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import pair_confusion_matrix

from zicht.network import adjusted_rand, mutual_information, pairs, recoverable

labelings = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


@settings(max_examples=200)
@given(labelings)
def test_the_same_as_scikit_learn(labels: tuple[list[int], list[int]]) -> None:
    truth, found = labels
    assert adjusted_rand(truth, found) == pytest.approx(adjusted_rand_score(truth, found))
    assert mutual_information(truth, found) == pytest.approx(
        normalized_mutual_info_score(truth, found), abs=1e-9
    )
    (_, fp), (fn, tp) = pair_confusion_matrix(truth, found)
    precision, recall = pairs(truth, found)
    assert precision == pytest.approx(tp / (tp + fp) if tp + fp else 1.0)
    assert recall == pytest.approx(tp / (tp + fn) if tp + fn else 1.0)


def test_hand_counted_example() -> None:
    # truth {a,b,c} {d}; found {a,b} {c,d}: one of the three true pairs is found,
    # one of the two found pairs is true
    truth, found = ["x", "x", "x", "y"], [1, 1, 2, 2]
    assert pairs(truth, found) == (0.5, pytest.approx(1 / 3))
    assert adjusted_rand(truth, truth) == 1.0
    assert mutual_information(truth, truth) == pytest.approx(1.0)


def test_recoverable_truth_is_what_the_registrations_show() -> None:
    # N1: a-b share x, b-c share y, f carries only z (nobody else has it): {a, b, c} {f};
    # d (N2) also carries y but is of another network, e (no network) also carries x:
    # neither joins, and d does not tie N1 to anything
    members = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d", "e", "f"],
            "network_id": ["N1", "N1", "N1", "N2", "", "N1"],
        }
    )
    ties = pd.DataFrame(
        {
            "person_id": ["a", "b", "b", "c", "d", "e", "f", "zz"],
            "identifier": ["x", "x", "y", "y", "y", "x", "z", "x"],
        }
    )
    shown = recoverable(members, ties)
    assert list(shown.index) == list(members["person_id"])
    groups = {frozenset(g.index) for _, g in shown.groupby(shown)}
    assert groups == {
        frozenset("abc"),
        frozenset("d"),
        frozenset("e"),
        frozenset("f"),
    }


def test_recoverable_truth_joins_through_a_chain() -> None:
    # a-x-b-y-c-z-d: one chain of four members, whatever order the ties come in
    members = pd.DataFrame({"person_id": list("dcba"), "network_id": ["N"] * 4})
    ties = pd.DataFrame({"person_id": list("dccbba"), "identifier": ["z", "z", "y", "y", "x", "x"]})
    assert recoverable(members, ties).nunique() == 1
