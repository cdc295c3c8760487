"""Linkage accuracy on synthetic chain worlds (zicht.synth), clustering methods, noise.

For each noise level (a factor on the default scenario's error and missing rates),
one world is simulated, the model is trained once (DuckDB), the default (threshold
chosen from the data, robust clustering) is scored, and every clustering method is
scored at several thresholds against the true persons: pairwise and
B-cubed precision, recall, F1, persons found vs true, and the largest cluster.
Prints JSON.

Usage: python benchmarks/bench_linkage_synth.py [--persons 200000] [--noise 0.5 1 1.5 2 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from synth_data import synth_registrations

from zicht.linkage import METHODS, ClusterOptions, cluster_pairs, link_table, linkage_quality
from zicht.linkage import linkage_table as make_table

THRESHOLDS = (0.9, 0.99, 0.999)


def _one_world(
    persons: int, seed: int, noise: float, methods: tuple[str, ...]
) -> dict[str, object]:
    registrations = synth_registrations(persons, seed=seed, noise=noise)
    truth = pd.Series(registrations["truth"].to_numpy(), index=registrations["registration_id"])
    started = time.perf_counter()
    table = make_table(registrations)
    result = link_table(table)
    seconds = time.perf_counter() - started
    ids = table["unique_id"].to_numpy()
    scores = []
    for method in methods:
        for threshold in THRESHOLDS:
            options = ClusterOptions(method=method, threshold=threshold)  # type: ignore[arg-type]
            clusters = cluster_pairs(ids, result.pairs, options)
            quality = linkage_quality(clusters, truth).as_dict()
            quality.update(
                method=method, threshold=threshold, largest=int(clusters.value_counts().max())
            )
            scores.append(quality)
    default = linkage_quality(result.clusters, truth).as_dict()
    default.update(
        threshold=result.clustering.threshold,
        largest=int(result.clusters.value_counts().max()),
        choice=result.threshold_choice.explanation(),
    )
    return {
        "noise": noise,
        "registrations": len(registrations),
        "true_persons": int(truth.nunique()),
        "default": default,
        "seconds": round(seconds, 1),
        "timings": result.timings,
        "scores": scores,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--noise", type=float, nargs="+", default=[0.5, 1.0, 1.5, 2.0, 3.0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    args = parser.parse_args()
    worlds = [_one_world(args.persons, args.seed, n, tuple(args.methods)) for n in args.noise]
    default = next((w for w in worlds if w["noise"] == 1.0), None)
    summary = {}
    for world in worlds:
        robust = [s for s in world["scores"] if s["method"] == "robust" and s["threshold"] == 0.99]
        if robust:
            summary[str(world["noise"])] = {
                "pairwise_f1": robust[0]["pairwise_f1"],
                "bcubed_f1": robust[0]["bcubed_f1"],
            }
    print(
        json.dumps(
            {
                "persons_simulated": args.persons,
                "default_noise": default and default["registrations"],
                "sweep_robust_0.99": summary,
                "worlds": worlds,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
