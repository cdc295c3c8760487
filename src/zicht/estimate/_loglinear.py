"""Fit one log-linear model to a capture-history table (SparseMSE ``modelfit``).

The population estimate is ``N = n_obs + exp(beta_0)``: the intercept is the log of the
expected count in the all-zero cell (SparseMSE ``estimatepopulation.0``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zicht.estimate._design import ModelDesign, Pair, build_design, pair_name
from zicht.estimate._errors import EstimationError
from zicht.estimate._existence import Check, check_design
from zicht.estimate._glm import PoissonFit, poisson_irls
from zicht.estimate._table import CaptureTable

__all__ = ["LoglinearFit", "check_model", "fit_loglinear", "model_label"]


@dataclass(frozen=True)
class LoglinearFit:
    """A fitted log-linear model with SparseMSE's conventions for empty overlaps."""

    table: CaptureTable
    design: ModelDesign
    glm: PoissonFit

    @property
    def pairs(self) -> tuple[Pair, ...]:
        """Fitted two-list terms."""
        return self.design.pairs

    @property
    def dropped_pairs(self) -> tuple[Pair, ...]:
        """Terms in the model whose lists never overlap (cells removed, AIC + 2 each)."""
        return self.design.dropped

    @property
    def terms(self) -> list[str]:
        """Names of all coefficients, R-style."""
        return self.design.column_names(self.table.lists)

    @property
    def coefficients(self) -> dict[str, float]:
        """Coefficient by term name."""
        return dict(zip(self.terms, map(float, self.glm.coefficients), strict=True))

    @property
    def n_observed(self) -> int:
        """Observed cases."""
        return self.table.n_observed

    @property
    def log_dark_figure(self) -> float:
        """The intercept ``beta_0``: log of the expected unobserved count."""
        return float(self.glm.coefficients[0])

    @property
    def log_dark_figure_se(self) -> float:
        """Standard error of the intercept (``summary.glm`` unscaled covariance)."""
        return math.sqrt(float(self.glm.cov_unscaled[0, 0]))

    @property
    def dark_figure(self) -> float:
        """Estimated number never observed."""
        return math.exp(self.log_dark_figure)

    @property
    def estimate(self) -> float:
        """Estimated population size ``n_obs + exp(beta_0)``."""
        return self.n_observed + self.dark_figure

    @property
    def deviance(self) -> float:
        """Residual deviance over the fitted cells."""
        return self.glm.deviance

    @property
    def df(self) -> int:
        """Residual degrees of freedom: fitted cells minus parameters."""
        return int(self.design.cells.size - self.glm.rank)

    @property
    def n_parameters(self) -> int:
        """Parameters counted for AIC/BIC: fitted ones plus dropped pairs."""
        return self.glm.rank + len(self.design.dropped)

    @property
    def aic(self) -> float:
        """R glm AIC plus 2 per dropped pair (SparseMSE ``modelfit``)."""
        return self.glm.aic + 2.0 * len(self.design.dropped)

    @property
    def bic(self) -> float:
        """``-2 loglik + log(n_obs) * parameters`` (dropped pairs counted)."""
        return -2.0 * self.glm.loglik + math.log(self.n_observed) * self.n_parameters

    def label(self) -> str:
        """Readable model description."""
        return model_label(self.table.lists, self.pairs + self.dropped_pairs)


def model_label(lists: tuple[str, ...], pairs: Iterable[Pair]) -> str:
    """``main`` or ``main + A:B + ...``."""
    names = [pair_name(lists, p) for p in pairs]
    return " + ".join(["main", *names])


def check_model(table: CaptureTable, pairs: Iterable[Pair] = ()) -> Check:
    """SparseMSE ``checkident`` for main effects plus ``pairs``."""
    design = build_design(table.counts, table.n_lists, pairs)
    return check_design(design.matrix, table.counts[design.cells].astype(np.float64))


def _raise_for(check: Check, label: str) -> None:
    problems = []
    if not check.exists:
        problems.append(
            "the maximum-likelihood estimate does not exist (the Fienberg-Rinaldo "
            "linear-programming test fails: some expected counts would go to zero)"
        )
    if not check.identifiable:
        problems.append("the model is not identifiable (its design matrix is rank deficient)")
    raise EstimationError(f"model {label} cannot be fitted: " + "; ".join(problems))


def fit_loglinear(
    table: CaptureTable,
    pairs: Iterable[Pair] = (),
    *,
    check: bool = True,
    start: npt.NDArray[np.float64] | None = None,
) -> LoglinearFit:
    """Fit main effects plus the two-list terms ``pairs`` (list indices).

    Args:
        table: the capture histories.
        pairs: two-list interactions, as pairs of list indices.
        check: run the existence and identifiability tests first and raise
            :class:`EstimationError` naming the model when one fails.
        start: fitted values over all ``2**t - 1`` cells to start IRLS from.
    """
    design = build_design(table.counts, table.n_lists, pairs)
    y = table.counts[design.cells].astype(np.float64)
    if check:
        outcome = check_design(design.matrix, y)
        if not outcome.ok:
            _raise_for(outcome, model_label(table.lists, design.pairs + design.dropped))
    elif np.linalg.matrix_rank(design.matrix) < design.matrix.shape[1]:
        _raise_for(Check(True, False), model_label(table.lists, design.pairs + design.dropped))
    start_mu = None if start is None else start[design.cells]
    fit = poisson_irls(design.matrix, y, start_mu=start_mu)
    return LoglinearFit(table=table, design=design, glm=fit)
