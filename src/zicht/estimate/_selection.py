"""Model selection over two-list interaction models.

* :func:`stepwise_pvalue` — SparseMSE ``stepwisefit`` (Chan, Silverman & Vincent 2021):
  forward selection by a one-sided-either-way Poisson p-value of each pair's overlap,
  skipping candidates that fail ``checkident``.
* :func:`stepwise_aic` — the Home Office procedure (Bales, Hesketh & Silverman 2015;
  modslavmse ``MSEfit``): add the pair that lowers AIC most while the new
  coefficient's Wald p-value is at most ``pthresh``.
* :func:`exhaustive` — every subset of pairs, best AIC or BIC, when the space is small.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import pdtr, pdtrc
from scipy.stats import norm

from zicht.estimate._design import Pair, _pair_columns, all_pairs, build_design, pair_name
from zicht.estimate._errors import EstimationError
from zicht.estimate._existence import Check, certify_existence, check_design
from zicht.estimate._loglinear import LoglinearFit, fit_loglinear
from zicht.estimate._table import CaptureTable

__all__ = [
    "CheckCache",
    "Selection",
    "Step",
    "exhaustive",
    "select_model",
    "stepwise_aic",
    "stepwise_pvalue",
]

Method = Literal["main", "stepwise", "aic", "aic-exhaustive", "bic"]
METHODS: tuple[str, ...] = ("main", "stepwise", "aic", "aic-exhaustive", "bic")
MAX_EXHAUSTIVE_PAIRS = 10  # 2**10 = 1024 models: every model over up to 5 lists


@dataclass(frozen=True)
class Step:
    """One accepted step of a selection path."""

    term: str
    statistic: float
    aic: float
    estimate: float


@dataclass(frozen=True)
class Selection:
    """The chosen model and how it was reached."""

    method: str
    fit: LoglinearFit
    path: tuple[Step, ...] = ()
    models_fitted: int = 1
    models_unfittable: int = 0


@dataclass
class CheckCache:
    """Memo of ``checkident`` outcomes by (support of the counts, model).

    Existence and identifiability depend on the data only through which cells are
    positive (Fienberg & Rinaldo 2012), so bootstrap replicates share results.
    """

    store: dict[tuple[bytes, frozenset[Pair]], Check] = field(default_factory=dict)

    def check(self, table: CaptureTable, pairs: tuple[Pair, ...]) -> Check:
        """``checkident`` for main effects plus ``pairs``."""
        key = ((table.counts > 0).tobytes(), frozenset(pairs))
        hit = self.store.get(key)
        if hit is None:
            design = build_design(table.counts, table.n_lists, pairs)
            hit = check_design(design.matrix, table.counts[design.cells].astype(np.float64))
            self.store[key] = hit
        return hit


def _full_mu(fit: LoglinearFit) -> npt.NDArray[np.float64]:
    mu = np.full(fit.table.counts.size, 0.5)
    mu[fit.design.cells] = fit.glm.fitted
    return mu


def _fit(table: CaptureTable, pairs: tuple[Pair, ...], warm: LoglinearFit | None) -> LoglinearFit:
    start = None if warm is None else _full_mu(warm)
    return fit_loglinear(table, pairs, check=False, start=start)


def _certified_fit(
    table: CaptureTable, pairs: tuple[Pair, ...], warm: LoglinearFit
) -> LoglinearFit | None:
    """Fit from a warm start; return it only if it proves identifiability and existence."""
    design = build_design(table.counts, table.n_lists, pairs)
    if np.linalg.matrix_rank(design.matrix) < design.matrix.shape[1]:
        return None
    fit = fit_loglinear(table, pairs, check=False, start=_full_mu(warm))
    y = table.counts[design.cells].astype(np.float64)
    if fit.glm.converged and certify_existence(design.matrix, y, fit.glm.fitted):
        return fit
    return None


def stepwise_pvalue(
    table: CaptureTable,
    pthresh: float = 0.02,
    *,
    cache: CheckCache | None = None,
    warm_start: bool = False,
) -> Selection:
    """SparseMSE ``stepwisefit``.

    With ``warm_start`` (used by the bootstrap) each fit starts from the previous
    model's fitted values and a candidate whose converged fit certifies existence
    (:func:`~zicht.estimate._existence.certify_existence`) skips the linear program; the
    path is the same, the last digits of the fits may differ within R's tolerance.

    At each cycle every pair not yet in the model gets the p-value
    ``min(P(X <= n*), P(X >= n*))`` for ``X ~ Poisson(lambda*)``, where ``n*`` is the
    observed overlap of the two lists and ``lambda*`` its expectation under the current
    model. A pair whose addition fails ``checkident`` gets p = 1. The smallest p-value
    below ``pthresh`` enters (ties: first pair). Candidates are checked lazily in order
    of p-value, which gives the same path as checking all of them.
    """
    if not 0.0 <= pthresh <= 1.0:
        raise EstimationError("pthresh must lie between 0 and 1")
    cache = cache if cache is not None else CheckCache()
    candidates = all_pairs(table.n_lists)
    if pthresh == 1.0 and cache.check(table, candidates).ok:
        fit = _fit(table, candidates, None)
        return Selection("stepwise", fit, models_fitted=1)
    fit = _fit(table, (), None)
    if pthresh == 0.0:
        return Selection("stepwise", fit)
    pcols = _pair_columns(table.n_lists)
    nstar = pcols.T @ table.counts.astype(np.float64)
    included: list[Pair] = []
    path: list[Step] = []
    fitted = 1
    for _ in candidates:
        mu = np.zeros(table.counts.size)
        mu[fit.design.cells] = fit.glm.fitted
        pstar = pcols.T @ mu
        # min(ppois(n*, l*), ppois(n* - 1, l*, lower.tail = FALSE))
        upper = np.where(nstar > 0, pdtrc(np.maximum(nstar - 1.0, 0.0), pstar), 1.0)
        pvals = np.minimum(pdtr(nstar, pstar), upper)
        order = sorted((float(pvals[k]), k) for k, p in enumerate(candidates) if p not in included)
        chosen: tuple[float, Pair] | None = None
        trial: LoglinearFit | None = None
        for pval, k in order:
            if pval >= pthresh:
                break
            model = (*included, candidates[k])
            if warm_start:
                trial = _certified_fit(table, model, fit)
                if trial is not None:
                    chosen = (pval, candidates[k])
                    break
            if cache.check(table, model).ok:
                chosen = (pval, candidates[k])
                break
        if chosen is None:
            break
        included.append(chosen[1])
        fit = (
            trial
            if trial is not None
            else _fit(table, tuple(included), fit if warm_start else None)
        )
        fitted += 1
        path.append(Step(pair_name(table.lists, chosen[1]), chosen[0], fit.aic, fit.estimate))
    return Selection("stepwise", fit, tuple(path), models_fitted=fitted)


def _wald_p(fit: LoglinearFit, pair: Pair) -> float:
    if pair not in fit.pairs:
        return 1.0
    k = 1 + fit.table.n_lists + fit.pairs.index(pair)
    z = fit.glm.coefficients[k] / math.sqrt(fit.glm.cov_unscaled[k, k])
    return float(2.0 * norm.sf(abs(z)))


def stepwise_aic(
    table: CaptureTable, pthresh: float = 0.05, *, cache: CheckCache | None = None
) -> Selection:
    """Home Office AIC-stepwise selection (modslavmse ``MSEfit``, Bales et al. 2015).

    Pairs whose model fails ``checkident`` are not candidates (the original fits them
    anyway and gets a divergent coefficient).
    """
    cache = cache if cache is not None else CheckCache()
    candidates = all_pairs(table.n_lists)
    fit = _fit(table, (), None)
    included: list[Pair] = []
    path: list[Step] = []
    fitted = 1
    unfittable = 0
    for _ in candidates:
        best: LoglinearFit | None = None
        best_pair: Pair | None = None
        for pair in candidates:
            if pair in included:
                continue
            model = (*included, pair)
            if not cache.check(table, model).ok:
                unfittable += 1
                continue
            trial = _fit(table, model, None)
            fitted += 1
            if best is None or trial.aic < best.aic:
                best, best_pair = trial, pair
        if best is None or best_pair is None or best.aic >= fit.aic:
            break
        pval = _wald_p(best, best_pair)
        if pval > pthresh:
            break
        included.append(best_pair)
        fit = best
        path.append(Step(pair_name(table.lists, best_pair), pval, fit.aic, fit.estimate))
    return Selection("aic", fit, tuple(path), fitted, unfittable)


def exhaustive(
    table: CaptureTable,
    criterion: Literal["aic", "bic"] = "aic",
    *,
    max_pairs: int = MAX_EXHAUSTIVE_PAIRS,
    cache: CheckCache | None = None,
) -> Selection:
    """Best model by AIC or BIC over every set of two-list terms.

    Raises :class:`EstimationError` when there are more than ``max_pairs`` pairs
    (``2**max_pairs`` models).
    """
    cache = cache if cache is not None else CheckCache()
    candidates = all_pairs(table.n_lists)
    if len(candidates) > max_pairs:
        raise EstimationError(
            f"exhaustive search over {table.n_lists} lists means 2^{len(candidates)} "
            f"models; it is limited to {max_pairs} pairs: use --method stepwise or aic"
        )
    score: Callable[[LoglinearFit], float] = (
        (lambda f: f.aic) if criterion == "aic" else (lambda f: f.bic)
    )
    best: LoglinearFit | None = None
    fitted = 0
    unfittable = 0
    for size in range(len(candidates) + 1):
        for model in itertools.combinations(candidates, size):
            if not cache.check(table, model).ok:
                unfittable += 1
                continue
            trial = _fit(table, model, None)
            fitted += 1
            if best is None or score(trial) < score(best) - 1e-9:
                best = trial
    if best is None:
        raise EstimationError("no model over these lists can be fitted")
    steps = tuple(
        Step(pair_name(table.lists, p), float("nan"), best.aic, best.estimate)
        for p in best.pairs + best.dropped_pairs
    )
    return Selection(f"{criterion}-exhaustive", best, steps, fitted, unfittable)


def select_model(table: CaptureTable, method: str = "stepwise", pthresh: float = 0.02) -> Selection:
    """Dispatch on ``method``: main, stepwise, aic, aic-exhaustive, bic.

    ``bic`` is an exhaustive BIC search; ``aic`` the Home Office AIC-stepwise rule,
    whose Wald threshold is ``pthresh`` too.
    """
    if method == "main":
        return Selection("main", fit_loglinear(table))
    if method == "stepwise":
        return stepwise_pvalue(table, pthresh)
    if method == "aic":
        return stepwise_aic(table, pthresh)
    if method == "aic-exhaustive":
        return exhaustive(table, "aic")
    if method == "bic":
        return exhaustive(table, "bic")
    raise EstimationError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
