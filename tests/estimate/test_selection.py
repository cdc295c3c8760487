"""Exhaustive AIC/BIC search against the stepwise rules."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from zicht.estimate import (
    CaptureTable,
    EstimationError,
    all_pairs,
    check_model,
    exhaustive,
    fit_loglinear,
    select_model,
    stepwise_aic,
    stepwise_pvalue,
)


@pytest.fixture(scope="module")
def four_lists(uk: CaptureTable) -> CaptureTable:
    """UK collapsed to its four largest lists NG, PF, GO, GP (others merged out)."""
    keep = [1, 2, 3, 4]
    h = uk.histories[:, keep]
    codes = h @ (1 << np.arange(4))
    counts = np.zeros(15, dtype=np.int64)
    np.add.at(counts, codes[codes > 0] - 1, uk.counts[codes > 0])
    return CaptureTable(("NG", "PF", "GO", "GP"), counts)


def test_exhaustive_aic_is_the_true_minimum(four_lists: CaptureTable) -> None:
    best = exhaustive(four_lists, "aic")
    scores = []
    for size in range(7):
        for model in itertools.combinations(all_pairs(4), size):
            if check_model(four_lists, model).ok:
                scores.append(fit_loglinear(four_lists, model).aic)
    assert best.fit.aic == pytest.approx(min(scores))
    assert best.models_fitted + best.models_unfittable == 2**6


def test_exhaustive_beats_or_ties_stepwise(four_lists: CaptureTable) -> None:
    assert exhaustive(four_lists, "aic").fit.aic <= stepwise_aic(four_lists).fit.aic + 1e-9
    assert exhaustive(four_lists, "aic").fit.aic <= stepwise_pvalue(four_lists).fit.aic + 1e-9
    assert exhaustive(four_lists, "bic").fit.bic <= stepwise_pvalue(four_lists).fit.bic + 1e-9


def test_bic_prefers_no_larger_model_than_aic(four_lists: CaptureTable) -> None:
    aic = exhaustive(four_lists, "aic").fit
    bic = exhaustive(four_lists, "bic").fit
    assert bic.n_parameters <= aic.n_parameters
    assert bic.bic == pytest.approx(
        -2 * bic.glm.loglik + np.log(four_lists.n_observed) * bic.n_parameters
    )


def test_exhaustive_refuses_large_spaces(uk: CaptureTable) -> None:
    with pytest.raises(EstimationError, match="2\\^15 models"):
        exhaustive(uk, "bic")


def test_pthresh_zero_gives_main_effects(uk: CaptureTable) -> None:
    assert stepwise_pvalue(uk, 0.0).fit.pairs == ()


def test_unknown_method(uk: CaptureTable) -> None:
    with pytest.raises(EstimationError, match="unknown method"):
        select_model(uk, "lasso")
