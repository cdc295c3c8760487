"""Multiple systems estimation: how many victims are unseen.

Pure numpy/scipy ports of the reference R implementations: SparseMSE (Chan, Silverman &
Vincent 2021) for log-linear models with empty overlaps, stepwise selection and the BCa
bootstrap; Rcapture (Rivest & Baillargeon) for the closed-population models and the
multinomial profile-likelihood interval; modslavmse (Bales, Hesketh & Silverman 2015)
for the Home Office AIC-stepwise rule. Every published estimate comes from
:func:`estimate_linked` under one :class:`EstimationPolicy`. See ``docs/estimation.md``.
"""

from zicht.estimate._bootstrap import BootstrapResult, bca_limits, bootstrap_population
from zicht.estimate._design import Pair, all_pairs, pair_name
from zicht.estimate._errors import EstimationError
from zicht.estimate._existence import Check
from zicht.estimate._intervals import Interval, normal_log_interval, profile_interval
from zicht.estimate._loglinear import LoglinearFit, check_model, fit_loglinear
from zicht.estimate._policy import DEFAULT_POLICY, INTERVALS, MERGED, EstimationPolicy
from zicht.estimate._published import (
    Estimate,
    estimate_linked,
    fit_estimate,
    interval_of,
    round_to_interval,
)
from zicht.estimate._rcapture import ClosedModel, closedp_t
from zicht.estimate._selection import (
    METHODS,
    Selection,
    Step,
    exhaustive,
    select_model,
    stepwise_aic,
    stepwise_pvalue,
)
from zicht.estimate._strata import STRATA, capture_histories_from_registrations, stratum_persons
from zicht.estimate._table import CaptureTable, parse_capture_csv, read_capture_csv

__all__ = [
    "DEFAULT_POLICY",
    "INTERVALS",
    "MERGED",
    "METHODS",
    "STRATA",
    "BootstrapResult",
    "CaptureTable",
    "Check",
    "ClosedModel",
    "Estimate",
    "EstimationError",
    "EstimationPolicy",
    "Interval",
    "LoglinearFit",
    "Pair",
    "Selection",
    "Step",
    "all_pairs",
    "bca_limits",
    "bootstrap_population",
    "capture_histories_from_registrations",
    "check_model",
    "closedp_t",
    "estimate_linked",
    "exhaustive",
    "fit_estimate",
    "fit_loglinear",
    "interval_of",
    "normal_log_interval",
    "pair_name",
    "parse_capture_csv",
    "profile_interval",
    "read_capture_csv",
    "round_to_interval",
    "select_model",
    "stepwise_aic",
    "stepwise_pvalue",
    "stratum_persons",
]
