"""Confidence intervals for the population size.

* :func:`normal_log_interval` — SparseMSE ``estimatepopulation.0``:
  ``n_obs + exp(beta_0 +- z * se(beta_0))``.
* :func:`profile_interval` — Rcapture ``closedpCI.t``: the multinomial profile
  likelihood of ``N``, obtained from the Poisson fit with the unobserved cell set to
  ``N - n`` and Cormack's (1992) correction term, maximised on ``(n, 3 N_poisson)``;
  the limits are where it drops by ``qchisq(1 - alpha, 1) / 2``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln, xlogy
from scipy.stats import chi2, norm

from zicht.estimate._glm import poisson_irls
from zicht.estimate._loglinear import LoglinearFit

__all__ = ["Interval", "cormack_correction", "normal_log_interval", "profile_interval"]


@dataclass(frozen=True)
class Interval:
    """A point estimate with lower and upper limits; ``upper`` is ``inf`` if unbounded."""

    method: str
    estimate: float
    lower: float
    upper: float
    level: float


def normal_log_interval(fit: LoglinearFit, level: float = 0.95) -> Interval:
    """SparseMSE's interval, normal on the log of the dark figure."""
    z = float(norm.ppf(0.5 + level / 2.0))
    b0, se = fit.log_dark_figure, fit.log_dark_figure_se
    n = fit.n_observed

    def dark(log_value: float) -> float:
        # A nearly empty stratum can give a log dark figure too large for a float: unbounded.
        return math.exp(log_value) if log_value < 700.0 else math.inf

    return Interval("normal", n + dark(b0), n + dark(b0 - z * se), n + dark(b0 + z * se), level)


def cormack_correction(n0: float, total: float) -> float:
    """Rcapture's correction term ``ct`` turning the Poisson into a multinomial likelihood.

    Cormack (1992); for ``N > 100`` Stirling's approximation as in ``closedpCI.internal``.
    """
    if total > 100:
        if n0 in (0.0, 1.0):
            return -total + 0.5 * math.log(2 * math.pi * total)
        return n0 - total - 0.5 * math.log(n0 / total)
    return float(xlogy(n0, n0) + gammaln(total + 1) - xlogy(total, total) - gammaln(n0 + 1))


def profile_interval(
    fit: LoglinearFit, level: float = 0.95, *, fmax_upper: float = 3.0
) -> Interval:
    """Rcapture ``closedpCI.t`` profile interval for the model of ``fit``.

    Dropped empty-overlap pairs keep SparseMSE's convention (their cells are left out).
    The lower limit is ``n_obs`` when the likelihood does not fall far enough there;
    the upper limit is ``inf`` when it does not fall before ``fmax_upper * N``.
    """
    n = float(fit.n_observed)
    # the unobserved cell: intercept only (Rcapture appends a row of zeros to mX)
    x_aug = np.vstack([fit.design.matrix, np.eye(1, fit.design.matrix.shape[1])])
    y_aug = np.append(fit.table.counts[fit.design.cells].astype(np.float64), 0.0)

    def loglik(total: float) -> float:
        n0 = max(total - n, 0.0)
        y_aug[-1] = n0
        deviance = poisson_irls(x_aug, y_aug, maxit=100).deviance
        return (deviance - 2.0 * cormack_correction(n0, n + n0)) / -2.0

    n_poisson = fit.estimate
    best = minimize_scalar(
        lambda v: -loglik(v),
        bounds=(n, 3.0 * n_poisson),
        method="bounded",
        options={"xatol": 1e-5},
    )
    n_max = float(best.x)
    cutoff = -float(best.fun) - float(chi2.ppf(level, 1)) / 2.0

    def drop(v: float) -> float:
        return loglik(v) - cutoff

    lower = n
    if drop(n) < 0:
        lower = float(brentq(drop, n, n_max, xtol=1e-6))
    upper = math.inf
    far = fmax_upper * n_poisson
    if drop(far) < 0:
        upper = float(brentq(drop, n_max, far, xtol=1e-6))
    return Interval("profile", n_max, lower, upper, level)
