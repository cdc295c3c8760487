"""Poisson log-linear fit by iteratively reweighted least squares, as R's ``glm.fit``.

Matches R (``stats::glm.fit``, ``poisson()`` family) in the details that decide the
last digits: start at ``mu = y + 0.1``; stop when
``|dev - dev_old| / (|dev| + 0.1) < 1e-8``; the unscaled covariance is the inverse
information at the last iteration's weights (``summary.glm``'s ``cov.unscaled``, which
is ``chol2inv`` of that iteration's QR factor).
The normal equations replace R's QR: the designs here are small and well conditioned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln, xlogy

__all__ = ["PoissonFit", "poisson_deviance", "poisson_irls", "poisson_loglik"]

_TINY = 1e-300
_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class PoissonFit:
    """Result of :func:`poisson_irls`."""

    coefficients: npt.NDArray[np.float64]
    fitted: npt.NDArray[np.float64]
    cov_unscaled: npt.NDArray[np.float64]
    deviance: float
    loglik: float
    rank: int
    iterations: int
    converged: bool

    @property
    def aic(self) -> float:
        """R's ``glm`` AIC: ``-2 loglik + 2 rank``."""
        return -2.0 * self.loglik + 2.0 * self.rank


def poisson_deviance(y: npt.NDArray[np.float64], mu: npt.NDArray[np.float64]) -> float:
    """``2 sum(y log(y / mu) - (y - mu))`` with the ``y = 0`` terms equal to ``2 mu``."""
    mu = np.maximum(mu, _TINY)
    return float(2.0 * np.sum(xlogy(y, y) - xlogy(y, mu) - (y - mu)))


def poisson_loglik(y: npt.NDArray[np.float64], mu: npt.NDArray[np.float64]) -> float:
    """``sum(dpois(y, mu, log = TRUE))``."""
    mu = np.maximum(mu, _TINY)
    return float(np.sum(xlogy(y, mu) - mu - gammaln(y + 1.0)))


def poisson_irls(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    *,
    start_mu: npt.NDArray[np.float64] | None = None,
    epsilon: float = 1e-8,
    maxit: int = 25,
) -> PoissonFit:
    """Fit ``log E[y] = x @ beta`` by IRLS (``x`` must have full column rank).

    Args:
        x: design matrix, one row per cell.
        y: counts.
        start_mu: starting fitted values (warm start); R's ``y + 0.1`` if None.
        epsilon: R's ``glm.control(epsilon)``.
        maxit: R's ``glm.control(maxit)``.
    """
    mu = y + 0.1 if start_mu is None else np.maximum(start_mu, 1e-10)
    eta = np.log(mu)
    dev_old = poisson_deviance(y, mu)
    coef: npt.NDArray[np.float64] = np.zeros(x.shape[1])
    information = np.eye(x.shape[1])
    converged = False
    iteration = 0
    dev = dev_old
    with np.errstate(over="ignore", under="ignore"):
        for iteration in range(1, maxit + 1):  # noqa: B007 - iteration is reported
            # weighted least squares step; weights mu, working response z (glm.fit)
            z = eta + (y - mu) / mu
            xw = x.T * mu
            information = xw @ x
            coef = np.asarray(np.linalg.solve(information, xw @ z), dtype=np.float64)
            eta = np.minimum(x @ coef, 700.0)
            mu = np.maximum(np.exp(eta), _EPS)  # R: pmax(exp(eta), .Machine$double.eps)
            dev = poisson_deviance(y, mu)
            if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
                converged = True
                break
            dev_old = dev
    # summary.glm: (R'R)^-1 of the last iteration's weighted design = its information^-1
    cov = np.asarray(np.linalg.inv(information), dtype=np.float64)
    return PoissonFit(
        coefficients=coef,
        fitted=mu,
        cov_unscaled=cov,
        deviance=dev,
        loglik=poisson_loglik(y, mu),
        rank=x.shape[1],
        iterations=iteration,
        converged=converged,
    )
