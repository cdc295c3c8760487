"""Existence and identifiability of the maximum-likelihood estimate.

SparseMSE ``checkident``: the linear program of Fienberg & Rinaldo (2012, Ann. Statist.
40, p. 3, with the typographical error corrected as in Chan, Silverman & Vincent 2021)
finds the largest ``f`` such that some ``x >= f`` (componentwise) has the same
sufficient statistics ``A x = A y`` as the data. The (extended) MLE exists iff that
optimum is positive. The model is identifiable iff its design has full column rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

__all__ = ["Check", "certify_existence", "check_design"]

_LP_ZERO = 1e-7


@dataclass(frozen=True)
class Check:
    """Outcome of :func:`check_design`; ``code`` is SparseMSE's ``ierr``."""

    exists: bool
    identifiable: bool

    @property
    def code(self) -> int:
        """0 fine, 1 MLE not finite, 2 not identifiable, 3 both."""
        return int(not self.exists) + 2 * int(not self.identifiable)

    @property
    def ok(self) -> bool:
        """Both tests passed."""
        return self.exists and self.identifiable


def _lp_optimum(a: npt.NDArray[np.float64], t: npt.NDArray[np.float64]) -> float:
    n_par, n_cells = a.shape
    cost = np.zeros(n_cells + 1)
    cost[-1] = -1.0  # maximise f
    a_eq = np.hstack([a, np.zeros((n_par, 1))])
    a_ub = np.hstack([-np.eye(n_cells), np.ones((n_cells, 1))])  # f - x_i <= 0
    result = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.zeros(n_cells),
        A_eq=a_eq,
        b_eq=t,
        bounds=(0, None),
        method="highs",
    )
    if result.status != 0:
        return 0.0
    return float(-result.fun)


def check_design(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Check:
    """Run the Fienberg–Rinaldo LP and the rank test on a design and its counts."""
    rank = int(np.linalg.matrix_rank(x))
    identifiable = rank == x.shape[1]
    # when every cell is positive, x = y itself is a strictly positive solution
    exists = bool((y > 0).all()) or _lp_optimum(x.T, x.T @ y) > _LP_ZERO
    return Check(exists=exists, identifiable=identifiable)


def certify_existence(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], mu: npt.NDArray[np.float64]
) -> bool:
    """Cheap sufficient test that the MLE exists, from converged fitted values ``mu``.

    ``mu`` nearly solves the likelihood equations ``x.T @ mu = x.T @ y``; correcting it by
    the least-norm ``delta`` in the column space of ``x`` gives an exact solution. If
    that solution is still strictly positive it is a feasible point of the LP with
    ``f > 0``, so the MLE exists. False means "not shown", not "does not exist".
    """
    residual = x.T @ (y - mu)
    try:
        delta = x @ np.linalg.solve(x.T @ x, residual)
    except np.linalg.LinAlgError:
        return False
    # any strictly positive exact solution proves existence, however small; the margin
    # only has to exceed rounding error in x.T @ (mu + delta) - x.T @ y
    return bool(np.min(mu + delta) > 1e-10 * max(1.0, float(np.sum(y))))
