"""Published estimates: one function from a link run's persons and the policy to numbers.

Every edge (``zicht estimate --linked``, the web estimates page, ``/api/estimates`` and
the yearly report) calls :func:`estimate_linked`; see :mod:`zicht.estimate._policy` for
the choices it applies. Estimates are rounded to ``policy.digits`` significant digits
of the interval's half-width and the interval is rounded outwards (lower limit down,
upper limit up), so the published interval always contains the computed one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from zicht.estimate._bootstrap import bootstrap_population
from zicht.estimate._errors import EstimationError
from zicht.estimate._intervals import Interval, normal_log_interval, profile_interval
from zicht.estimate._loglinear import LoglinearFit
from zicht.estimate._policy import DEFAULT_POLICY, EstimationPolicy
from zicht.estimate._selection import select_model
from zicht.estimate._strata import capture_histories_from_registrations, stratum_persons
from zicht.estimate._table import CaptureTable

__all__ = ["Estimate", "estimate_linked", "fit_estimate", "interval_of", "round_to_interval"]

StratumKey = tuple[object, ...]


@dataclass(frozen=True)
class Estimate:
    """One stratum's published estimate, or the reason (``problem``) why there is none.

    ``problem`` is ``too_few`` (fewer persons than the policy's ``min_persons``) or
    ``not_estimable`` (fewer than two lists, or no model could be fitted).
    """

    stratum: str
    persons: int
    key: StratumKey = ()
    lists: tuple[str, ...] = ()
    estimate: float | None = None
    lower: float | None = None
    upper: float | None = None
    precision: int = 1
    level: float = 0.95
    interval: str = "normal"
    model: str | None = None
    aic: float | None = None
    problem: str | None = None

    @property
    def ratio(self) -> float | None:
        """Estimated over registered persons."""
        if self.estimate is None or self.persons == 0:
            return None
        return self.estimate / self.persons

    def as_json(self) -> dict[str, object]:
        """Plain JSON-ready data (the stratum key left out)."""
        data = asdict(self)
        data["lists"] = list(self.lists)
        del data["key"]
        return data


def round_to_interval(
    value: float, lower: float, upper: float, digits: int = 2
) -> tuple[float, int]:
    """Round `value` to `digits` significant digits of the interval's half-width.

    Returns the rounded value and the rounding unit (a power of ten, at least 1).
    """
    half = (upper - lower) / 2.0
    if not math.isfinite(half) or half <= 0:
        return float(round(value)), 1
    unit = int(10 ** max(0, math.floor(math.log10(half)) - (digits - 1)))
    return float(round(value / unit) * unit), unit


def interval_of(table: CaptureTable, fit: LoglinearFit, policy: EstimationPolicy) -> Interval:
    """The policy's interval for a fitted model of `table`."""
    if policy.interval == "normal":
        return normal_log_interval(fit, policy.level)
    if policy.interval == "profile":
        return profile_interval(fit, policy.level)
    lo, hi = (1.0 - policy.level) / 2.0, (1.0 + policy.level) / 2.0
    result = bootstrap_population(
        table,
        alpha=(lo, hi),
        nboot=policy.nboot,
        seed=policy.seed,
        method=policy.method,
        pthresh=policy.pthresh,
    )
    return Interval(
        "bootstrap", result.estimate, result.limits[lo], result.limits[hi], policy.level
    )


def fit_estimate(
    stratum: str,
    table: CaptureTable | None,
    persons: int,
    policy: EstimationPolicy = DEFAULT_POLICY,
    key: StratumKey = (),
) -> Estimate:
    """Model selection, interval and rounding for one stratum; a reason if no number."""
    base = Estimate(
        stratum, persons, key=key, level=policy.level, interval=policy.interval, problem="too_few"
    )
    if persons < policy.min_persons:
        return base
    if table is None:
        return replace(base, problem="not_estimable")
    try:
        fit = select_model(table, policy.method, policy.pthresh).fit
        interval = interval_of(table, fit, policy)
    except (EstimationError, np.linalg.LinAlgError, ArithmeticError, ValueError):
        return replace(base, lists=table.lists, problem="not_estimable")
    point = fit.estimate
    if not all(map(math.isfinite, (point, interval.lower, interval.upper))):
        return replace(base, lists=table.lists, problem="not_estimable")
    estimate, unit = round_to_interval(point, interval.lower, interval.upper, policy.digits)
    return replace(
        base,
        lists=table.lists,
        estimate=estimate,
        lower=float(math.floor(interval.lower / unit) * unit),
        upper=float(math.ceil(interval.upper / unit) * unit),
        precision=unit,
        model=fit.label(),
        aic=round(fit.aic, 2),
        problem=None,
    )


def _label(key: StratumKey) -> str:
    return ", ".join("unknown" if value is None else str(value) for value in key)


def estimate_linked(
    frame: pd.DataFrame,
    policy: EstimationPolicy = DEFAULT_POLICY,
    by: Sequence[str] = (),
    year: int | None = None,
) -> list[Estimate]:
    """The published estimates of a link run, whole or by stratum.

    Args:
        frame: one row per linked registration: person_id, organisation, year, forms
            (';'- or ','-joined codes), minor (True, False or None = unknown), gender,
            and dutch (bool) or nationality (ISO code).
        policy: the estimation policy (default :data:`DEFAULT_POLICY`).
        by: stratum variables among year, form, minor, gender, dutch; an unknown value
            (``minor`` None) is its own stratum, never taken as False.
        year: only registrations of this year (the lists are still planned on the
            whole run, so they are the same as in every other stratum).

    Returns:
        One estimate per stratum that has persons, in stratum order.
    """
    if frame.empty:
        return []
    if "dutch" not in frame.columns and "nationality" in frame.columns:
        frame = frame.assign(dutch=frame["nationality"] == "NL")
    persons = frame.groupby("organisation")["person_id"].nunique()
    plan = policy.list_plan({str(o): int(n) for o, n in persons.items()})
    data = frame.assign(organisation=frame["organisation"].astype(str).map(plan))
    if year is not None:
        data = data[data["year"] == year]
    tables = capture_histories_from_registrations(data, by=by)
    counts = stratum_persons(data, by=by)
    return [
        fit_estimate(_label(key), tables.get(key), n, policy, key)
        for key, n in sorted(counts.items(), key=lambda item: _order(item[0]))
    ]


def _order(key: StratumKey) -> tuple[tuple[bool, str, object], ...]:
    return tuple(
        (value is None, type(value).__name__, 0 if value is None else value) for value in key
    )
