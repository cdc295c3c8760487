"""BCa bootstrap with model selection in every replicate."""

from __future__ import annotations

import numpy as np
import pytest

from zicht.estimate import CaptureTable, bca_limits, bootstrap_population


def test_bca_without_bias_or_acceleration_is_the_percentile_interval() -> None:
    reps = np.arange(1.0, 1001.0)
    z0, limits = bca_limits(reps, 500.5, 0.0, (0.025, 0.975))
    assert z0 == pytest.approx(0.0)
    expected = np.quantile(reps, [0.025, 0.975], method="median_unbiased")
    assert [limits[0.025], limits[0.975]] == pytest.approx(list(expected))


def test_small_bootstrap_is_reproducible_and_plausible(uk: CaptureTable) -> None:
    first = bootstrap_population(uk, nboot=60, seed=7)
    again = bootstrap_population(uk, nboot=60, seed=7)
    other = bootstrap_population(uk, nboot=60, seed=8)
    np.testing.assert_array_equal(first.replicates, again.replicates)
    assert first.limits == again.limits
    assert not np.array_equal(first.replicates, other.replicates)
    assert first.estimate == pytest.approx(11417.991, abs=1e-3)
    assert first.failed == 0
    assert 7000 < first.limits[0.025] < first.estimate < first.limits[0.975] < 30000
    # jackknife acceleration does not depend on the seed
    assert first.acceleration == pytest.approx(other.acceleration)


def test_bootstrap_on_sparse_table(sparse: CaptureTable) -> None:
    result = bootstrap_population(sparse, nboot=40, seed=3)
    assert np.isfinite(result.replicates).all()
    assert result.limits[0.025] <= result.limits[0.975]
