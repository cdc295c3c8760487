"""Private-PGM (the `mbi` library) on the synthetic world, beside `zicht.opendata`'s tree.

Issue 22 asked whether a richer model than the tree reaches a mean two-way TVD of 0.05
at epsilon = 1 on the default world. This script measures two Private-PGM variants on
the same linked persons: all 15 two-way marginals (epsilon / 15 each), and the tree's
measurements (one-way marginals 10 %, the five edges of the maximum-mutual-information
tree 90 %; the tree is chosen from the true data, so this one is optimistic). Both are
fitted by mirror descent (L2 loss) and rounded to records with mbi's randomized rounding.

`mbi` needs jax, which Zicht does not depend on, so the script has two steps:

1. ``.venv/bin/python benchmarks/bench_opendata_pgm.py prepare --out codes.npy``
   makes the default synthetic world (as `bench_opendata.py`), links it and writes its
   linked persons' codes in the synthetic domain (synthetic data only; no database URL
   is accepted, so no real data can be written out);
2. ``VENV/bin/python benchmarks/bench_opendata_pgm.py fit --codes codes.npy`` in a
   separate virtual environment with ``pip install mbi==2.0.0`` prints JSON.

The noise in step 2 is numpy's continuous Laplace of the same scale as OpenDP's discrete
one: this is a utility comparison, not a release.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def prepare(out: Path, persons: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_opendata import _linked_world  # type: ignore[import-not-found]

    from zicht.opendata import coarsen, ctdc_frame, linked_persons, synthetic_domain
    from zicht.store import make_engine
    from zicht.store.opendata import linked_victim_fields

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(_linked_world(Path(folder), persons))
        _, registrations = linked_victim_fields(engine, 2016, 2023)
        engine.dispose()
    true = coarsen(ctdc_frame(linked_persons(registrations)))
    domain = synthetic_domain(2016, 2023)
    codes = np.stack(
        [true[c].map({v: j for j, v in enumerate(domain[c])}).to_numpy() for c in domain], axis=1
    )
    np.save(out, codes)
    out.with_suffix(".json").write_text(json.dumps({c: len(v) for c, v in domain.items()}))


def fit(codes_file: Path, repeats: int, iterations: int) -> dict[str, object]:
    import jax
    import networkx as nx

    jax.config.update("jax_enable_x64", True)
    from mbi import Dataset, Domain, LinearMeasurement, estimation, marginal_loss

    codes = np.load(codes_file)
    sizes = json.loads(codes_file.with_suffix(".json").read_text())
    columns, n = list(sizes), len(codes)
    domain = Domain(columns, [sizes[c] for c in columns])
    data = Dataset({c: codes[:, i] for i, c in enumerate(columns)}, domain)
    pairs = list(itertools.combinations(columns, 2))

    def mean_two_way(synthetic: np.ndarray) -> float:
        errors = []
        for a, b in itertools.combinations(range(len(columns)), 2):
            true = np.zeros((sizes[columns[a]], sizes[columns[b]]))
            made = true.copy()
            np.add.at(true, (codes[:, a], codes[:, b]), 1)
            np.add.at(made, (synthetic[:, a], synthetic[:, b]), 1)
            errors.append(0.5 * np.abs(true / true.sum() - made / made.sum()).sum())
        return float(np.mean(errors))

    def information(a: str, b: str) -> float:
        table = np.asarray(data.project((a, b)).datavector(), float)
        table = table.reshape(sizes[a], sizes[b]) / n
        outer = table.sum(1, keepdims=True) * table.sum(0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.nansum(table * np.log(table / outer)))

    graph = nx.Graph()
    for a, b in pairs:
        graph.add_edge(a, b, weight=information(a, b))
    tree = [tuple(edge) for edge in nx.maximum_spanning_tree(graph).edges()]
    variants = {
        "all_pairs": [(clique, 1 / len(pairs)) for clique in pairs],
        "tree_true_selection": [((c,), 0.1 / len(columns)) for c in columns]
        + [(edge, 0.9 / len(tree)) for edge in tree],
    }
    rng = np.random.default_rng(0)
    result: dict[str, object] = {"benchmark": "opendata_pgm", "persons": n, "tree": tree}
    for name, cliques in variants.items():
        for epsilon in (0.5, 1.0, 4.0):
            scores, start = [], time.process_time()
            for _ in range(repeats):
                measured = []
                for clique, share in cliques:
                    true = np.asarray(data.project(clique).datavector(), dtype=float)
                    scale = 1 / (share * epsilon)
                    noisy = true + rng.laplace(0, scale, true.shape)
                    measured.append(LinearMeasurement(noisy, clique, stddev=np.sqrt(2) * scale))
                loss = marginal_loss.from_linear_measurements(measured, domain, norm="l2")
                total = max(1.0, float(np.mean([m.noisy_measurement.sum() for m in measured])))
                model = estimation.MirrorDescent().estimate(
                    domain, loss, known_total=total, iters=iterations
                )
                synthetic = model.synthetic_data(rows=round(total))
                scores.append(
                    mean_two_way(np.stack([np.asarray(synthetic.data[c]) for c in columns], 1))
                )
            result[f"{name} epsilon={epsilon}"] = {
                "mean_two_way_tvd": round(float(np.mean(scores)), 4),
                "sd": round(float(np.std(scores)), 4),
                "cpu_seconds_per_release": round((time.process_time() - start) / repeats, 1),
            }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    steps = parser.add_subparsers(dest="step", required=True)
    make = steps.add_parser("prepare")
    make.add_argument("--out", type=Path, required=True)
    make.add_argument("--persons", type=int, default=4000)
    run = steps.add_parser("fit")
    run.add_argument("--codes", type=Path, required=True)
    run.add_argument("--repeats", type=int, default=5)
    run.add_argument("--iterations", type=int, default=500)
    args = parser.parse_args()
    if args.step == "prepare":
        prepare(args.out, args.persons)
    else:
        print(json.dumps(fit(args.codes, args.repeats, args.iterations), indent=2))


if __name__ == "__main__":
    main()
