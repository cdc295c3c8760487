"""Empty overlaps, existence and identifiability (SparseMSE conventions)."""

from __future__ import annotations

import numpy as np
import pytest

from zicht.estimate import (
    CaptureTable,
    EstimationError,
    check_model,
    fit_loglinear,
    stepwise_pvalue,
)
from zicht.estimate._design import build_design
from zicht.estimate._glm import poisson_irls


def test_non_overlapping_pair_is_dropped_and_its_cells_removed(sparse: CaptureTable) -> None:
    fit = fit_loglinear(sparse, [(0, 3), (1, 2)])
    assert fit.dropped_pairs == ((0, 3),)
    assert fit.pairs == ((1, 2),)
    kept = sparse.histories[fit.design.cells]
    assert not (kept[:, 0] & kept[:, 3]).any()
    assert fit.design.cells.size == 15 - 4
    assert fit.df == 11 - 6
    # AIC: R glm AIC on the reduced cells plus 2 for the dropped term
    y = sparse.counts[fit.design.cells].astype(float)
    direct = poisson_irls(fit.design.matrix, y)
    assert fit.aic == pytest.approx(direct.aic + 2.0)
    assert fit.deviance == pytest.approx(direct.deviance)
    assert fit.n_parameters == 7


def test_dropping_cells_changes_the_fit_but_not_the_main_effects_model(
    sparse: CaptureTable,
) -> None:
    main = fit_loglinear(sparse)
    with_ad = fit_loglinear(sparse, [(0, 3)])
    assert main.design.cells.size == 15
    assert with_ad.estimate != pytest.approx(main.estimate)
    assert np.isfinite(with_ad.estimate)


def test_stepwise_on_sparse_table_reports_dropped_pairs(sparse: CaptureTable) -> None:
    selection = stepwise_pvalue(sparse, 0.5)
    fit = selection.fit
    assert np.isfinite(fit.estimate)
    assert all(p not in fit.pairs for p in fit.dropped_pairs)
    if (0, 3) in fit.dropped_pairs:
        assert "A:D" in fit.label()


def test_saturated_model_with_an_empty_cell_has_no_mle() -> None:
    # three lists, all pairs: 7 parameters on 7 cells, the ABC cell is 0
    table = CaptureTable.from_rows(
        "ABC",
        [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1)],
        [10, 12, 9, 3, 4, 2],
    )
    outcome = check_model(table, [(0, 1), (0, 2), (1, 2)])
    assert not outcome.exists
    assert outcome.code == 1
    with pytest.raises(EstimationError, match="does not exist"):
        fit_loglinear(table, [(0, 1), (0, 2), (1, 2)])
    assert check_model(table, [(0, 1)]).ok


def test_unidentifiable_model_is_refused() -> None:
    # A and C never overlap: with all pairs, 6 parameters remain for 5 cells
    table = CaptureTable.from_rows(
        "ABC", [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (0, 1, 1)], [10, 12, 9, 3, 2]
    )
    outcome = check_model(table, [(0, 1), (0, 2), (1, 2)])
    assert not outcome.identifiable
    with pytest.raises(EstimationError, match="not identifiable"):
        fit_loglinear(table, [(0, 1), (0, 2), (1, 2)])


def test_design_cells_follow_overlaps(sparse: CaptureTable) -> None:
    design = build_design(sparse.counts, 4, [(0, 3)])
    assert design.dropped == ((0, 3),)
    assert design.matrix.shape == (11, 5)
