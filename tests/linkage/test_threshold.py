"""The threshold chosen from the model's own match probabilities (expected F1)."""

from __future__ import annotations

import pytest

from zicht.linkage._threshold import choose_threshold

# Expected F1 at a cut keeping the k most probable pairs: 2·sum(p kept) / (k + sum(p)).
# [0.99, 0.9, 0.6, 0.3, 0.1]: sum 2.89; k=1 0.509, k=2 0.773, k=3 0.8455 (best),
# k=4 0.810, k=5 0.733 -> threshold 0.6, precision 2.49/3, recall 2.49/2.89.
FIVE = [0.3, 0.99, 0.1, 0.6, 0.9]


def test_the_threshold_maximises_expected_f1() -> None:
    choice = choose_threshold(FIVE)
    assert choice.threshold == 0.6
    assert choice.pairs_kept == 3
    assert choice.expected_precision == pytest.approx(2.49 / 3)
    assert choice.expected_recall == pytest.approx(2.49 / 2.89)
    assert choice.expected_f1 == pytest.approx(2 * 2.49 / 5.89)
    assert "maximises the expected pairwise F1" in choice.explanation()


def test_no_link_below_even_odds_whatever_the_expected_f1() -> None:
    # Keeping all five would give 2·2.75/7.75 = 0.71 > 1.9/3.75 = 0.51 for the first alone.
    choice = choose_threshold([0.95, 0.45, 0.45, 0.45, 0.45])
    assert (choice.threshold, choice.pairs_kept) == (0.95, 1)


def test_tied_probabilities_are_kept_or_dropped_together() -> None:
    choice = choose_threshold([0.8, 0.8, 0.2])
    assert (choice.threshold, choice.pairs_kept) == (0.8, 2)


def test_a_fixed_threshold_is_kept_with_its_expected_quality() -> None:
    choice = choose_threshold(FIVE, fixed=0.9)
    assert (choice.threshold, choice.method, choice.pairs_kept) == (0.9, "fixed", 2)
    assert choice.expected_precision == pytest.approx(1.89 / 2)
    assert choice.explanation() == "threshold 0.9 set by hand"


def test_a_model_that_trusts_its_links_less_gets_a_lower_threshold() -> None:
    # Two worlds with the same ranking, one more uncertain: the threshold follows the data.
    sure = choose_threshold([0.999, 0.998, 0.997, 0.9, 0.2, 0.1])
    unsure = choose_threshold([0.9, 0.85, 0.8, 0.6, 0.2, 0.1])
    assert sure.threshold == 0.9
    assert unsure.threshold == 0.6


def test_no_pairs() -> None:
    choice = choose_threshold([])
    assert (choice.pairs_kept, choice.expected_f1) == (0, 0.0)
