"""BCa bootstrap that repeats the model selection in every replicate.

SparseMSE ``estimatepopulation`` (Chan, Silverman & Vincent 2021, section 3.3):
multinomial resamples of the observed cells, the chosen selection rule re-run on each,
a jackknife over single cases for the acceleration ``a``, and BCa limits (DiCiccio &
Efron 1996) read from the bootstrap distribution with R's ``quantile(type = 8)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

from zicht.estimate._errors import EstimationError
from zicht.estimate._selection import CheckCache, select_model, stepwise_pvalue
from zicht.estimate._table import CaptureTable, histories

__all__ = ["BootstrapResult", "bca_limits", "bootstrap_population"]

DEFAULT_ALPHA = (0.025, 0.05, 0.1, 0.16, 0.84, 0.9, 0.95, 0.975)


@dataclass(frozen=True)
class BootstrapResult:
    """Point estimate, replicates, acceleration and BCa limits."""

    estimate: float
    replicates: npt.NDArray[np.float64]
    acceleration: float
    bias_z0: float
    limits: dict[float, float]
    failed: int


def bca_limits(
    replicates: npt.NDArray[np.float64],
    estimate: float,
    acceleration: float,
    alpha: Sequence[float] = DEFAULT_ALPHA,
) -> tuple[float, dict[float, float]]:
    """SparseMSE ``bcaconfvalues``: returns ``z0`` and the limit for each ``alpha``."""
    share_below = float(np.mean(replicates < estimate))
    z0 = float(norm.ppf(share_below))
    za = norm.ppf(np.asarray(alpha, dtype=np.float64))
    za0 = za + z0
    with np.errstate(divide="ignore", invalid="ignore"):
        zq = norm.cdf(z0 + za0 / (1.0 - acceleration * za0))
    quantiles = np.quantile(replicates, zq, method="median_unbiased")  # R type 8
    return z0, {float(a): float(q) for a, q in zip(alpha, quantiles, strict=True)}


def _drop_empty_lists(lists: tuple[str, ...], counts: npt.NDArray[np.int64]) -> CaptureTable:
    """Collapse lists without cases (the limit of the fit with that list's effect -> -inf)."""
    h = histories(len(lists))
    totals = h.T @ counts
    keep = np.flatnonzero(totals > 0)
    if keep.size == len(lists):
        return CaptureTable(lists, counts)
    if keep.size < 2:
        raise EstimationError("fewer than two lists with cases")
    codes = h[:, keep] @ (1 << np.arange(keep.size))
    collapsed = np.zeros(2**keep.size - 1, dtype=np.int64)
    positive = codes > 0
    np.add.at(collapsed, codes[positive] - 1, counts[positive])
    return CaptureTable(tuple(lists[k] for k in keep), collapsed)


def _estimates(
    lists: tuple[str, ...], samples: npt.NDArray[np.int64], method: str, pthresh: float
) -> npt.NDArray[np.float64]:
    cache = CheckCache()
    out = np.full(samples.shape[0], np.nan)
    for r, counts in enumerate(samples):
        try:
            table = _drop_empty_lists(lists, counts)
            if method == "stepwise":
                fit = stepwise_pvalue(table, pthresh, cache=cache, warm_start=True).fit
            else:
                fit = select_model(table, method, pthresh).fit
            out[r] = fit.estimate
        except EstimationError:
            continue
    return out


def bootstrap_population(
    table: CaptureTable,
    *,
    nboot: int = 1000,
    seed: int = 1234,
    method: str = "stepwise",
    pthresh: float = 0.02,
    alpha: Sequence[float] = DEFAULT_ALPHA,
) -> BootstrapResult:
    """SparseMSE ``estimatepopulation``: BCa bootstrap with model selection repeated.

    Args:
        table: the observed capture histories.
        nboot: number of multinomial resamples.
        seed: seed of numpy's ``default_rng`` (same seed, same result).
        method: selection rule re-run in every replicate and jackknife sample.
        pthresh: threshold of the selection rule.
        alpha: levels of the BCa limits.
    """
    if nboot < 10:
        raise EstimationError("the bootstrap needs at least 10 replicates")
    estimate = select_model(table, method, pthresh).fit.estimate
    n_obs = table.n_observed
    rng = np.random.default_rng(seed)
    samples = rng.multinomial(n_obs, table.counts / n_obs, size=nboot).astype(np.int64)
    positive = np.flatnonzero(table.counts > 0)
    jack = np.repeat(table.counts[None, :], positive.size, axis=0)
    jack[np.arange(positive.size), positive] -= 1
    values = _estimates(table.lists, np.vstack([samples, jack]), method, pthresh)
    replicates, jack_est = values[:nboot], values[nboot:]
    failed = int(np.isnan(replicates).sum())
    replicates = replicates[~np.isnan(replicates)]
    if replicates.size < 10 or np.isnan(jack_est).any():
        raise EstimationError("the selected model could not be fitted in most bootstrap samples")
    weights = table.counts[positive].astype(np.float64)
    residual = np.sum(weights * jack_est) / np.sum(weights) - jack_est
    denominator = 6.0 * np.sum(weights * residual**2) ** 1.5
    acceleration = float(np.sum(weights * residual**3) / denominator) if denominator > 0 else 0.0
    z0, limits = bca_limits(replicates, estimate, acceleration, alpha)
    if not math.isfinite(z0):
        raise EstimationError("all bootstrap replicates fall on one side of the estimate")
    return BootstrapResult(estimate, replicates, acceleration, z0, limits, failed)
