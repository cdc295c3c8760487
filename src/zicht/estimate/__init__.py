"""Multiple systems estimation: how many victims are unseen.

Pure numpy/scipy ports of the reference R implementations: SparseMSE (Chan, Silverman &
Vincent 2021) for log-linear models with empty overlaps, stepwise selection and the BCa
bootstrap; Rcapture (Rivest & Baillargeon) for the closed-population models and the
multinomial profile-likelihood interval; modslavmse (Bales, Hesketh & Silverman 2015)
for the Home Office AIC-stepwise rule. See ``docs/estimation.md``.
"""

from __future__ import annotations

from zicht.estimate.bootstrap import BootstrapResult, bca_limits, bootstrap_population
from zicht.estimate.design import Pair, all_pairs
from zicht.estimate.errors import EstimationError
from zicht.estimate.existence import Check
from zicht.estimate.intervals import Interval, normal_log_interval, profile_interval
from zicht.estimate.loglinear import LoglinearFit, check_model, fit_loglinear
from zicht.estimate.rcapture import ClosedModel, closedp_t
from zicht.estimate.selection import (
    METHODS,
    Selection,
    Step,
    exhaustive,
    select_model,
    stepwise_aic,
    stepwise_pvalue,
)
from zicht.estimate.strata import STRATA, capture_histories_from_registrations
from zicht.estimate.table import CaptureTable, parse_capture_csv, read_capture_csv

__all__ = [
    "METHODS",
    "STRATA",
    "BootstrapResult",
    "CaptureTable",
    "Check",
    "ClosedModel",
    "EstimationError",
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
    "exhaustive",
    "fit_loglinear",
    "normal_log_interval",
    "parse_capture_csv",
    "profile_interval",
    "read_capture_csv",
    "select_model",
    "stepwise_aic",
    "stepwise_pvalue",
]
