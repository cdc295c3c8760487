"""The estimated real number of victims: MSE on linked persons, per year and per form.

Capture histories come from the database as counts per (year, bitmask of registering
organisations); see :func:`zicht.store.statistics.capture_masks`. The lists are the
largest organisations (by persons over all years, at most ``MAX_LISTS``); the others
are merged into one list ``OTHER``, the remedy for sparse lists of van Dijk et al.
(2017). The model is chosen stepwise (SparseMSE ``stepwisefit``, p < 0.02) and the
interval is SparseMSE's normal interval on the log of the dark figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from zicht.estimate import (
    CaptureTable,
    EstimationError,
    normal_log_interval,
    select_model,
)

__all__ = [
    "MAX_LISTS",
    "MERGED",
    "Estimate",
    "capture_table",
    "estimate_strata",
    "fit_estimate",
    "list_plan",
    "round_to_interval",
]

MAX_LISTS = 5
MERGED = "OTHER"
PTHRESH = 0.02
LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """One stratum's estimate, rounded for publication, or why there is none."""

    stratum: str
    persons: int
    lists: tuple[str, ...] = ()
    estimate: float | None = None
    lower: float | None = None
    upper: float | None = None
    precision: int = 1
    model: str | None = None
    aic: float | None = None
    problem: str | None = None

    @property
    def ratio(self) -> float | None:
        """Estimated over registered persons."""
        if self.estimate is None or self.persons == 0:
            return None
        return self.estimate / self.persons


def list_plan(persons_per_organisation: dict[str, int]) -> tuple[list[str], dict[str, str]]:
    """Organisations in bit order, and the list each one feeds (itself or OTHER)."""
    organisations = sorted(persons_per_organisation)
    ranked = sorted(organisations, key=lambda o: (-persons_per_organisation[o], o))
    keep = set(ranked[:MAX_LISTS]) if len(ranked) > MAX_LISTS + 1 else set(ranked)
    return organisations, {o: (o if o in keep else MERGED) for o in organisations}


def capture_table(
    masks: dict[int, int], organisations: list[str], plan: dict[str, str]
) -> CaptureTable | None:
    """The capture-history table of one stratum; None when fewer than two lists have cases."""
    merged: dict[tuple[str, ...], int] = {}
    for mask, n in masks.items():
        on = tuple(sorted({plan[o] for i, o in enumerate(organisations) if mask >> i & 1}))
        if on:
            merged[on] = merged.get(on, 0) + n
    lists = sorted({name for on in merged for name in on})
    if len(lists) < 2:
        return None
    bit = {name: 1 << i for i, name in enumerate(lists)}
    counts = np.zeros(2 ** len(lists) - 1, dtype=np.int64)
    for on, n in merged.items():
        counts[sum(bit[name] for name in on) - 1] += n
    return CaptureTable(tuple(lists), counts)


def round_to_interval(value: float, lower: float, upper: float) -> tuple[float, int]:
    """Round `value` to two significant digits of the interval's half-width.

    Returns the rounded value and the rounding unit (a power of ten, at least 1).
    """
    half = (upper - lower) / 2.0
    if not math.isfinite(half) or half <= 0:
        return float(round(value)), 1
    unit = int(10 ** max(0, math.floor(math.log10(half)) - 1))
    return float(round(value / unit) * unit), unit


def fit_estimate(stratum: str, table: CaptureTable | None, persons: int, k: int) -> Estimate:
    """Fit, interval and rounding for one stratum; a reason instead of a number if needed."""
    if persons < k:
        return Estimate(stratum, persons, problem="too_few")
    if table is None:
        return Estimate(stratum, persons, problem="not_estimable")
    try:
        fit = select_model(table, "stepwise", PTHRESH).fit
        interval = normal_log_interval(fit, LEVEL)
    except (EstimationError, np.linalg.LinAlgError, FloatingPointError, OverflowError):
        return Estimate(stratum, persons, lists=table.lists, problem="not_estimable")
    if not all(map(math.isfinite, (interval.estimate, interval.lower, interval.upper))):
        return Estimate(stratum, persons, lists=table.lists, problem="not_estimable")
    estimate, unit = round_to_interval(interval.estimate, interval.lower, interval.upper)
    lower = math.floor(interval.lower / unit) * unit
    upper = math.ceil(interval.upper / unit) * unit
    return Estimate(
        stratum=stratum,
        persons=persons,
        lists=table.lists,
        estimate=estimate,
        lower=float(lower),
        upper=float(upper),
        precision=unit,
        model=fit.label(),
        aic=round(fit.aic, 2),
    )


def estimate_strata(
    masks: dict[str, dict[int, int]],
    organisations: list[str],
    plan: dict[str, str],
    k: int,
) -> list[Estimate]:
    """An estimate per stratum from its capture-history masks (persons per bitmask)."""
    estimates = []
    for stratum, stratum_masks in masks.items():
        persons = sum(stratum_masks.values())
        table = capture_table(stratum_masks, organisations, plan) if persons >= k else None
        estimates.append(fit_estimate(stratum, table, persons, k))
    return estimates
