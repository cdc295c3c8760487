"""Speed and distribution of the BCa bootstrap with stepwise selection on the UK table.

SparseMSE ``estimatepopulation(UKdat, nboot = 1000)`` takes R about 4 minutes on one
core; its BCa limits were 2.5% ~ 9267 and 97.5% ~ 14307 (README). The limits depend on
the random stream, so several seeds are run to show the spread.

Run: ``.venv/bin/python benchmarks/bench_estimate_bootstrap.py [--seeds 5]``; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from zicht.estimate import read_capture_csv
from zicht.estimate._bootstrap import bootstrap_population

UK = Path("/work/shared/reference/mse/ukdat.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--table", type=Path, default=UK)
    parser.add_argument("--nboot", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    table = read_capture_csv(args.table)
    runs = []
    for seed in range(1234, 1234 + args.seeds):
        start = time.perf_counter()
        result = bootstrap_population(table, nboot=args.nboot, seed=seed)
        seconds = time.perf_counter() - start
        runs.append(
            {
                "seed": seed,
                "seconds": round(seconds, 3),
                "bca_2.5%": round(result.limits[0.025], 1),
                "bca_97.5%": round(result.limits[0.975], 1),
                "acceleration": round(result.acceleration, 5),
                "z0": round(result.bias_z0, 4),
                "percentiles_2.5_50_97.5": [
                    round(float(q), 1) for q in np.percentile(result.replicates, [2.5, 50, 97.5])
                ],
                "failed_replicates": result.failed,
            }
        )
    lows = [r["bca_2.5%"] for r in runs]
    highs = [r["bca_97.5%"] for r in runs]
    print(
        json.dumps(
            {
                "benchmark": "estimate_bootstrap",
                "table": str(args.table),
                "nboot": args.nboot,
                "point_estimate": round(result.estimate, 3),
                "reference_R": {"bca_2.5%": 9267, "bca_97.5%": 14307, "seconds": 240},
                "seconds_per_run_max": max(r["seconds"] for r in runs),
                "bca_2.5%_mean_min_max": [round(float(np.mean(lows)), 1), min(lows), max(lows)],
                "bca_97.5%_mean_min_max": [
                    round(float(np.mean(highs)), 1),
                    min(highs),
                    max(highs),
                ],
                "runs": runs,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
