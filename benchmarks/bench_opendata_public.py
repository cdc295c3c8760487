"""The DP synthesiser of `zicht.opendata` on public data that ships with scikit-learn.

Not the synthetic world: real measurements with real dependencies, as a check that the
mechanism is not fitted to the world. Six variables of each data set are cut into four
to six classes at fixed, round thresholds (chosen from the variables' documented
ranges, not from the data), and the mean total-variation distance of the 15 two-way
marginals is measured as in `bench_opendata.py`, with the bootstrap floor beside it.
The data sets are small (442 and 569 rows), so the errors are large at every epsilon.
Both structures are measured: the spanning tree and the forest (``forest=True``).

Run: ``.venv/bin/python benchmarks/bench_opendata_public.py [--repeats 10]``. Prints JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

import numpy as np
import pandas as pd

from zicht.opendata import synthesise, utility


def _labels(edges: list[float]) -> tuple[str, ...]:
    inner = [f"{a}-{b}" for a, b in itertools.pairwise(edges)]
    return (f"<{edges[0]}", *inner, f">={edges[-1]}")


def _cut(values: pd.Series, edges: list[float]) -> pd.Series:
    bins = [-np.inf, *edges, np.inf]
    return pd.cut(values, bins=bins, labels=list(_labels(edges)), right=False).astype(str)


def _domain(frame: pd.DataFrame, cuts: dict[str, list[float]]) -> dict[str, tuple[str, ...]]:
    return {column: _labels(edges) for column, edges in cuts.items()}


def _diabetes() -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    from sklearn.datasets import load_diabetes  # type: ignore[import-untyped]

    raw = load_diabetes(scaled=False, as_frame=True).frame
    cuts = {
        "age": [30.0, 40.0, 50.0, 60.0],
        "bmi": [20.0, 25.0, 30.0, 35.0],
        "bp": [80.0, 90.0, 100.0, 110.0],
        "s5": [4.0, 4.5, 5.0, 5.5],
        "target": [100.0, 150.0, 200.0, 250.0],
    }
    frame = pd.DataFrame({c: _cut(raw[c], e) for c, e in cuts.items()})
    frame["sex"] = raw["sex"].map({1.0: "1", 2.0: "2"}).astype(str)
    domain = {**_domain(frame, cuts), "sex": ("1", "2")}
    return frame[list(domain)], domain


def _breast_cancer() -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    from sklearn.datasets import load_breast_cancer

    raw = load_breast_cancer(as_frame=True).frame
    cuts = {
        "mean radius": [10.0, 12.5, 15.0, 17.5, 20.0],
        "mean texture": [15.0, 20.0, 25.0, 30.0],
        "mean smoothness": [0.08, 0.09, 0.1, 0.11],
        "mean concavity": [0.025, 0.05, 0.1, 0.2],
        "mean symmetry": [0.15, 0.175, 0.2, 0.225],
    }
    frame = pd.DataFrame({c: _cut(raw[c], e) for c, e in cuts.items()})
    frame["target"] = raw["target"].astype(str)
    domain = {**_domain(frame, cuts), "target": ("0", "1")}
    return frame[list(domain)], domain


def _measure(
    true: pd.DataFrame, domain: dict[str, tuple[str, ...]], repeats: int
) -> dict[str, object]:
    floor = [
        utility(true, true.sample(len(true), replace=True, random_state=s), 11).mean_two_way
        for s in range(repeats)
    ]
    figures: dict[str, object] = {
        "rows": len(true),
        "bootstrap_floor_mean_two_way_tvd": round(float(np.mean(floor)), 4),
    }
    for epsilon in (0.5, 1.0, 4.0):
        for name, forest in (("tree", False), ("forest", True)):
            means = [
                utility(
                    true,
                    synthesise(
                        true, domain, epsilon, np.random.default_rng(r), forest=forest
                    ).frame,
                    11,
                ).mean_two_way
                for r in range(repeats)
            ]
            figures[f"{name} {epsilon}"] = {
                "mean_two_way_tvd": round(float(np.mean(means)), 4),
                "sd_two_way_tvd": round(float(np.std(means)), 4),
            }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    start = time.perf_counter()
    result: dict[str, object] = {
        "benchmark": "opendata_public",
        "diabetes": _measure(*_diabetes(), args.repeats),
        "breast_cancer": _measure(*_breast_cancer(), args.repeats),
    }
    result["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
