"""Coverage of the 95% intervals on the synthetic chain world (``zicht.synth``).

For each scenario (``independent``, ``dependent``, ``heterogeneous``, ``default``; see
``docs/synth.md``) and each of ``--seeds`` seeds, a world of ``--persons`` victims over
2016-2023 is simulated (``identities=False``) and the true capture histories of the
victims of one year (``--year``, default 2019; 0 pools all years) over the eight
organisations form the table. The truth is the number of victims of that year, registered or not.

One year, not all years pooled: the year effects of the capture model (COVID-19 in
2020, the GDPR step in 2018) act on every list at once, so pooling years adds a
heterogeneity the scenario did not intend; a single year is also what the monitor
reports.

Lists with fewer than ``--merge-below`` observed persons (default 0: none) are merged
into one list ``merged``, as ``capture_histories_from_registrations(merge_below=...)``
does with registrations.

Methods, per seed:

* ``main_normal`` - main effects (independence) + normal interval;
* ``stepwise_normal`` - SparseMSE stepwise (pthresh 0.02) + normal interval;
* ``stepwise_profile`` - the same model + Rcapture profile interval;
* ``stepwise_bootstrap`` - BCa bootstrap of the stepwise rule (only with ``--nboot`` > 0).

``--strata form,dutch`` estimates within strata of the victims' true primary form of
exploitation (and/or Dutch nationality, minor, female) and adds the strata: estimate and
dark figure are sums, and the normal interval is normal on the log of the summed dark
figure with variance ``sum(exp(2 b0_s) var(b0_s))`` (delta method). The profile and
bootstrap intervals are not defined for sums and are then left out. Strata the model
cannot be fitted in count as failures.

Reported per scenario and method: coverage (share of seeds whose interval holds the
truth; a failed fit counts as not covering), failures (unfittable), mean estimate, mean
truth, mean relative bias, mean interval width, and how often the upper limit is
unbounded.

Run: ``.venv/bin/python benchmarks/bench_estimate_coverage.py [--seeds 50] [--persons 16000]
[--year 2019] [--merge-below 0] [--strata ""] [--nboot 0] [--scenarios ...]``.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from zicht.estimate import (
    CaptureTable,
    EstimationError,
    bootstrap_population,
    fit_loglinear,
    normal_log_interval,
    profile_interval,
    stepwise_pvalue,
)
from zicht.synth import homogeneous_scenario, load_scenario, simulate
from zicht.synth._scenario import LISTS, Scenario

SCENARIOS = ("homogeneous", "independent", "dependent", "heterogeneous", "default")
METHODS = ("main_normal", "stepwise_normal", "stepwise_profile", "stepwise_bootstrap")
PTHRESH = 0.02
LEVEL = 0.95
SEED_BASE = 1000
STRATA = {
    # organ removal is rare: merged with "other"
    "form": lambda v: v["form"].astype(str).replace("organ_removal", "other").to_numpy(object),
    "dutch": lambda v: (v["nationality"].astype(str) == "NL").to_numpy(),
    "minor": lambda v: (v["age"] < 18).to_numpy(),
    "female": lambda v: v["gender"].isin(["female", "transgender_female"]).to_numpy(),
}


@dataclass(frozen=True)
class Result:
    """One method on one seed: estimate and limits (``nan`` when unfittable)."""

    estimate: float
    lower: float
    upper: float

    @classmethod
    def failed(cls) -> Result:
        return cls(math.nan, math.nan, math.nan)


def scenario_for(name: str) -> Scenario:
    """A shipped scenario by name, or ``homogeneous`` (built from ``independent``)."""
    return homogeneous_scenario() if name == "homogeneous" else load_scenario(name)


def capture_table(victims: pd.DataFrame, merge_below: int = 0) -> CaptureTable:
    """The observed capture-history table of ``victims`` over the eight organisations.

    Lists with fewer than ``merge_below`` observed persons are merged into ``merged``;
    lists without cases are left out (as ``capture_histories_from_registrations`` does).
    """
    flags = victims[[f"captured_{name}" for name in LISTS]].to_numpy(bool)
    names = list(LISTS)
    totals = flags.sum(axis=0)
    small = totals < merge_below
    if small.sum() >= 2:
        flags = np.column_stack([flags[:, ~small], flags[:, small].any(axis=1)])
        names = [n for n, s in zip(names, small, strict=True) if not s] + ["merged"]
    keep = flags.sum(axis=0) > 0
    flags = flags[:, keep]
    names = [n for n, k in zip(names, keep, strict=True) if k]
    if len(names) < 2:
        raise EstimationError("fewer than two lists with cases")
    codes = flags.astype(np.int64) @ (1 << np.arange(len(names)))
    counts = np.bincount(codes, minlength=2 ** len(names))[1:].astype(np.int64)
    return CaptureTable(tuple(names), counts)


def _covers(result: Result, truth: int) -> bool:
    return bool(result.lower <= truth <= result.upper)


def fit_unstratified(table: CaptureTable, nboot: int, seed: int) -> dict[str, Result]:
    """All methods on one table; a method that cannot be fitted gives ``Result.failed``."""
    out = {name: Result.failed() for name in METHODS}
    try:
        main = normal_log_interval(fit_loglinear(table), LEVEL)
        out["main_normal"] = Result(main.estimate, main.lower, main.upper)
    except EstimationError:
        pass
    try:
        chosen = stepwise_pvalue(table, PTHRESH).fit
    except EstimationError:
        return out
    normal = normal_log_interval(chosen, LEVEL)
    out["stepwise_normal"] = Result(normal.estimate, normal.lower, normal.upper)
    try:
        profile = profile_interval(chosen, LEVEL)
        out["stepwise_profile"] = Result(chosen.estimate, profile.lower, profile.upper)
    except EstimationError:
        pass
    if nboot > 0:
        lo, hi = (1 - LEVEL) / 2, (1 + LEVEL) / 2
        try:
            boot = bootstrap_population(
                table, nboot=nboot, seed=seed, alpha=(lo, hi), method="stepwise", pthresh=PTHRESH
            )
            out["stepwise_bootstrap"] = Result(boot.estimate, boot.limits[lo], boot.limits[hi])
        except EstimationError:
            pass
    return out


def fit_stratified(
    victims: pd.DataFrame, strata: Sequence[str], merge_below: int
) -> dict[str, Result]:
    """Main effects and stepwise with normal intervals, summed over strata."""
    out = {name: Result.failed() for name in METHODS}
    observed = victims[victims["registered"].to_numpy(bool)].reset_index(drop=True)
    keys = pd.DataFrame({name: STRATA[name](observed) for name in strata})
    stratum = keys.groupby(list(strata), sort=True).ngroup().to_numpy()
    parts: dict[str, list[tuple[float, float]]] = {"main_normal": [], "stepwise_normal": []}
    for code in np.unique(stratum):
        group = observed[stratum == code]
        try:
            table = capture_table(group, merge_below)
            fits = {
                "main_normal": fit_loglinear(table),
                "stepwise_normal": stepwise_pvalue(table, PTHRESH).fit,
            }
        except EstimationError:
            return out
        for name, fit in fits.items():
            dark = math.exp(fit.log_dark_figure)
            parts[name].append((dark, (dark * fit.log_dark_figure_se) ** 2))
    n_obs = len(observed)
    z = float(norm.ppf(0.5 + LEVEL / 2))
    for name, values in parts.items():
        dark = sum(d for d, _ in values)
        se_log = math.sqrt(sum(v for _, v in values)) / dark
        out[name] = Result(
            n_obs + dark, n_obs + dark * math.exp(-z * se_log), n_obs + dark * math.exp(z * se_log)
        )
    return out


def summarise(results: list[dict[str, Result]], truths: list[int], nboot: int) -> dict[str, object]:
    """Coverage, failures, mean estimate, bias and width per method."""
    summary: dict[str, object] = {}
    truth = np.asarray(truths, dtype=float)
    for name in METHODS:
        if name == "stepwise_bootstrap" and nboot <= 0:
            continue
        rows = [r[name] for r in results]
        est = np.array([r.estimate for r in rows])
        ok = ~np.isnan(est)
        if name in ("stepwise_profile", "stepwise_bootstrap") and not ok.any():
            continue
        lower = np.array([r.lower for r in rows])[ok]
        upper = np.array([r.upper for r in rows])[ok]
        bounded = np.isfinite(upper)
        summary[name] = {
            "coverage": round(
                sum(_covers(r, int(t)) for r, t in zip(rows, truths, strict=True)) / len(rows), 3
            ),
            "failures": int((~ok).sum()),
            "mean_estimate": round(float(est[ok].mean()), 1) if ok.any() else None,
            "mean_relative_bias": round(float((est[ok] / truth[ok] - 1).mean()), 3)
            if ok.any()
            else None,
            "mean_width": round(float((upper - lower)[bounded].mean()), 1)
            if bounded.any()
            else None,
            "unbounded_upper": int((~bounded).sum()),
        }
    return summary


def run_scenario(
    scenario: str,
    seeds: int,
    persons: int,
    year: int,
    merge_below: int,
    strata: Sequence[str],
    nboot: int,
) -> dict[str, object]:
    """Simulate ``seeds`` worlds of one scenario and summarise every method."""
    results: list[dict[str, Result]] = []
    truths: list[int] = []
    observed: list[int] = []
    spec = scenario_for(scenario)
    for seed in range(SEED_BASE, SEED_BASE + seeds):
        world = simulate(spec, persons=persons, seed=seed, identities=False)
        victims = world.victims if year == 0 else world.victims[world.victims["year"] == year]
        truths.append(len(victims))
        observed.append(int(victims["registered"].sum()))
        if strata:
            results.append(fit_stratified(victims, strata, merge_below))
            continue
        try:
            table = capture_table(victims, merge_below)
        except EstimationError:
            results.append({name: Result.failed() for name in METHODS})
            continue
        results.append(fit_unstratified(table, nboot, seed))
    return {
        "mean_truth": round(float(np.mean(truths)), 1),
        "mean_observed": round(float(np.mean(observed)), 1),
        "methods": summarise(results, truths, 0 if strata else nboot),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--persons", type=int, default=16_000)
    parser.add_argument("--year", type=int, default=2019, help="0: all years pooled")
    parser.add_argument("--merge-below", type=int, default=0)
    parser.add_argument("--strata", default="", help=f"comma-separated: {','.join(STRATA)}")
    parser.add_argument("--nboot", type=int, default=0, help="BCa replicates (0: none)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args()
    strata = [s.strip() for s in args.strata.split(",") if s.strip()]
    unknown = [s for s in strata if s not in STRATA]
    if unknown:
        parser.error(f"unknown strata {unknown}")
    start = time.perf_counter()
    report: dict[str, object] = {
        "benchmark": "estimate_coverage",
        "world": "zicht.synth.simulate(identities=False), years 2016-2023",
        "persons": args.persons,
        "year": args.year,
        "seeds": f"{SEED_BASE}..{SEED_BASE + args.seeds - 1}",
        "level": LEVEL,
        "pthresh": PTHRESH,
        "merge_below": args.merge_below,
        "strata": strata,
        "nboot": args.nboot,
    }
    for scenario in args.scenarios.split(","):
        report[scenario] = run_scenario(
            scenario, args.seeds, args.persons, args.year, args.merge_below, strata, args.nboot
        )
    report["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
