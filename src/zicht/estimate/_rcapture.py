"""Rcapture's closed-population models (``closedp.t``; Rivest & Baillargeon, Rcapture).

Each model is a Poisson log-linear model on the ``2**t - 1`` observable cells whose
columns are functions of the history (Rcapture ``Xclosedp``):

* M0: number of captures ``k``; Mt: one column per list;
* Mh / Mth: M0 / Mt plus a heterogeneity column in ``k``: Chao (lower bound),
  ``eta_j = max(k - j + 1, 0)`` for ``j = 3..t``, re-fitted without the first
  non-positive eta until all are positive (Rcapture ``Chao.neg``); Poisson2
  ``2**k - 1``; Darroch ``k**2 / 2``; Gamma3.5 ``-log(3.5 + k) + log(3.5)``.

``N = n + exp(beta_0)`` and ``se(N) = sqrt(exp(beta_0) + exp(2 beta_0) var(beta_0))``
(Rcapture ``closedp.internal``). Rcapture fits these with ``maxit = 200``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zicht.estimate._glm import PoissonFit, poisson_irls
from zicht.estimate._table import CaptureTable

__all__ = ["ClosedModel", "closed_design", "closedp_t", "fit_closed"]

RCAPTURE_MAXIT = 200
CLOSED_MODELS: tuple[tuple[str, str, str | None], ...] = (
    ("M0", "M0", None),
    ("Mt", "Mt", None),
    ("Mh Chao", "Mh", "Chao"),
    ("Mh Poisson2", "Mh", "Poisson2"),
    ("Mh Darroch", "Mh", "Darroch"),
    ("Mh Gamma3.5", "Mh", "Gamma3.5"),
    ("Mth Chao", "Mth", "Chao"),
    ("Mth Poisson2", "Mth", "Poisson2"),
    ("Mth Darroch", "Mth", "Darroch"),
    ("Mth Gamma3.5", "Mth", "Gamma3.5"),
)


@dataclass(frozen=True)
class ClosedModel:
    """One row of the ``closedp.t`` table."""

    name: str
    abundance: float
    stderr: float
    deviance: float
    df: int
    aic: float
    converged: bool


def closed_design(t: int, model: str, heterogeneity: str | None) -> npt.NDArray[np.float64]:
    """Design (with intercept) of an Rcapture model over ``t`` lists."""
    h = ((np.arange(1, 2**t)[:, None] >> np.arange(t)[None, :]) & 1).astype(np.float64)
    k = h.sum(axis=1)
    base = h if model in ("Mt", "Mth") else k[:, None]
    cols = [np.ones((h.shape[0], 1)), base]
    if heterogeneity == "Chao":
        cols.append(np.column_stack([np.maximum(k - j + 1, 0.0) for j in range(3, t + 1)]))
    elif heterogeneity == "Poisson2":
        cols.append((2.0**k - 1.0)[:, None])
    elif heterogeneity == "Darroch":
        cols.append((k**2 / 2.0)[:, None])
    elif heterogeneity == "Gamma3.5":
        cols.append((-np.log(3.5 + k) + math.log(3.5))[:, None])
    elif heterogeneity is not None:
        raise ValueError(f"unknown heterogeneity {heterogeneity!r}")
    return np.hstack(cols)


def _chao_positive(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], n_fixed: int
) -> tuple[npt.NDArray[np.float64], PoissonFit]:
    """Rcapture ``Chao.neg``: drop the first non-positive eta and refit until none is."""
    fit = poisson_irls(x, y, maxit=RCAPTURE_MAXIT)
    while x.shape[1] > n_fixed and (fit.coefficients[n_fixed:] < 0).any():
        pos = n_fixed
        while fit.coefficients[pos] > 0:
            pos += 1
        x = np.delete(x, pos, axis=1)
        fit = poisson_irls(x, y, maxit=RCAPTURE_MAXIT)
    return x, fit


def fit_closed(
    table: CaptureTable, model: str, heterogeneity: str | None
) -> tuple[npt.NDArray[np.float64], PoissonFit]:
    """Fit one Rcapture model; returns the final design (after Chao.neg) and the fit."""
    y = table.counts.astype(np.float64)
    x = closed_design(table.n_lists, model, heterogeneity)
    if heterogeneity == "Chao":
        n_fixed = 2 if model == "Mh" else table.n_lists + 1
        return _chao_positive(x, y, n_fixed)
    return x, poisson_irls(x, y, maxit=RCAPTURE_MAXIT)


def closedp_t(table: CaptureTable) -> list[ClosedModel]:
    """The ``closedp.t`` table: M0, Mt and the eight heterogeneity models.

    Heterogeneity models need at least three lists; with two only M0 and Mt are given
    (Rcapture adds Mb there, which is not ported).
    """
    rows: list[ClosedModel] = []
    n = table.n_observed
    for name, model, het in CLOSED_MODELS:
        if het is not None and table.n_lists < 3:
            continue
        x, fit = fit_closed(table, model, het)
        b0 = float(fit.coefficients[0])
        se = math.sqrt(math.exp(b0) + math.exp(2 * b0) * float(fit.cov_unscaled[0, 0]))
        rows.append(
            ClosedModel(
                name=name,
                abundance=n + math.exp(b0),
                stderr=se,
                deviance=fit.deviance,
                df=int(x.shape[0] - x.shape[1]),
                aic=fit.aic,
                converged=fit.converged,
            )
        )
    return rows
