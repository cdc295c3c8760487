"""Coverage of the 95% intervals on small simulated populations with known size.

A self-contained generative simulation (until ``zicht.synth`` exists). Each scenario has
N = 2,000 people and four lists with capture probabilities 0.12, 0.18, 0.10, 0.15
(about 900 observed):

* ``independent`` — lists independent, everyone alike: every model here is correct.
* ``dependent`` — lists 1 and 2 positively dependent: cell probabilities times
  ``exp(log(3) * h1 * h2)`` (log-linear odds ratio 3, renormalised); main effects is
  wrong, a model with the 1:2 term is right.
* ``heterogeneous`` — each person's capture log-odds shifted by ``sigma * z``,
  ``z ~ N(0, 1)``, ``sigma = 1``: no two-list log-linear model is right; all underestimate.

For 50 seeds each, the share of 95% intervals that contain N is reported for:
main effects + normal interval; stepwise (pthresh 0.02) + normal; stepwise + profile;
stepwise + BCa bootstrap (``--nboot`` replicates, default 199).

Run: ``.venv/bin/python benchmarks/bench_estimate_coverage.py [--seeds 50] [--nboot 199]``.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import numpy.typing as npt

from zicht.estimate import (
    CaptureTable,
    EstimationError,
    bootstrap_population,
    fit_loglinear,
    normal_log_interval,
    profile_interval,
    stepwise_pvalue,
)
from zicht.estimate.table import histories

N = 2000
P = np.array([0.12, 0.18, 0.10, 0.15])
ODDS_RATIO_12 = 3.0
SIGMA = 1.0
LISTS = ("L1", "L2", "L3", "L4")


def _cell_probabilities(log_or_12: float) -> npt.NDArray[np.float64]:
    h = np.vstack([np.zeros((1, 4), dtype=np.int64), histories(4)])
    log_p = h @ np.log(P) + (1 - h) @ np.log(1 - P) + log_or_12 * h[:, 0] * h[:, 1]
    p = np.exp(log_p)
    return np.asarray(p / p.sum())


def simulate(scenario: str, rng: np.random.Generator) -> CaptureTable:
    """One observed table; cell 0 (unobserved) is dropped."""
    if scenario == "heterogeneous":
        z = rng.standard_normal(N)
        logit = np.log(P / (1 - P))[None, :] + SIGMA * z[:, None]
        caught = rng.random((N, 4)) < 1 / (1 + np.exp(-logit))
        codes = caught.astype(np.int64) @ (1 << np.arange(4))
        counts = np.bincount(codes, minlength=16)
    else:
        log_or = np.log(ODDS_RATIO_12) if scenario == "dependent" else 0.0
        counts = rng.multinomial(N, _cell_probabilities(log_or))
    return CaptureTable(LISTS, counts[1:].astype(np.int64))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--nboot", type=int, default=199)
    args = parser.parse_args()
    start = time.perf_counter()
    report: dict[str, object] = {
        "benchmark": "estimate_coverage",
        "true_N": N,
        "capture_probabilities": P.tolist(),
        "odds_ratio_lists_1_2": ODDS_RATIO_12,
        "heterogeneity_sigma": SIGMA,
        "seeds": args.seeds,
        "nboot": args.nboot,
    }
    for scenario in ("independent", "dependent", "heterogeneous"):
        hits: dict[str, list[bool]] = {
            "main_normal": [],
            "stepwise_normal": [],
            "stepwise_profile": [],
            "stepwise_bootstrap": [],
        }
        estimates: list[float] = []
        for seed in range(args.seeds):
            table = simulate(scenario, np.random.default_rng(10_000 + seed))
            try:
                main_ci = normal_log_interval(fit_loglinear(table))
                chosen = stepwise_pvalue(table, 0.02).fit
                hits["main_normal"].append(main_ci.lower <= N <= main_ci.upper)
                normal = normal_log_interval(chosen)
                hits["stepwise_normal"].append(normal.lower <= N <= normal.upper)
                profile = profile_interval(chosen)
                hits["stepwise_profile"].append(profile.lower <= N <= profile.upper)
                boot = bootstrap_population(
                    table, nboot=args.nboot, seed=seed, alpha=(0.025, 0.975)
                )
                hits["stepwise_bootstrap"].append(boot.limits[0.025] <= N <= boot.limits[0.975])
                estimates.append(chosen.estimate)
            except EstimationError:
                for key in hits:
                    hits[key].append(False)
        report[scenario] = {
            "coverage": {k: round(float(np.mean(v)), 3) for k, v in hits.items()},
            "stepwise_mean_estimate": round(float(np.mean(estimates)), 1),
        }
    report["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
