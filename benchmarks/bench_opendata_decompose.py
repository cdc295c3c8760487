"""Where the synthetic data's two-way error comes from (issue 22), on synthetic worlds.

For each world (``--persons`` victims, world seeds ``--seeds``; each made, ingested and
linked as in `bench_opendata.py`) and each of the 15 two-way marginals of the linked
persons in the synthetic domain, the mean total-variation distance (TVD) against the
true data of:

- ``floor``: a plain resample of the true data of the same size (sampling alone);
- ``model``: the synthesiser with no noise at all (epsilon -> infinity: every count
  exact, the tree chosen by exact maximum): the error of the tree model itself;
- ``oracle_tree_eps``: noisy measurements but the tree chosen exactly (selection's
  noise removed), so ``eps - oracle_tree_eps`` is what private selection costs;
- ``eps``: MST's spanning tree (``forest=False``) as released, at epsilon 0.5, 1 and 4;
- ``forest``: the default forest (edges by gain minus noise cost, stop allowed).

Per epsilon, ``noise`` = ``eps - model`` (what the noise adds), split into pairs that
were a tree edge in the release (all their error is noise) and the others; per
variable, the mean TVD of the five pairs it is in, to show which attributes carry the
error. ``--single-year Y`` adds tree against forest on year Y alone (each world's
persons registered that year, epsilon 1 and 3). ``--sizes`` adds TVD against the
number of persons: subsamples (without replacement) of the largest world's persons, so
the distribution stays fixed while the size changes.

The noise is OpenDP's (not seedable): ``--repeats`` releases per world and epsilon.
The linked persons of each world are cached in ``--cache`` (synthetic data only; no
database URL is accepted, so nothing real is written out).

Run: ``nice -n 5 .venv/bin/python benchmarks/bench_opendata_decompose.py --seeds 1 2 3
--cache /tmp/od-cache``. Prints JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

import zicht.opendata._synthetic as synthetic
from zicht.opendata import coarsen, ctdc_frame, linked_persons, synthetic_domain, utility

EPSILONS = (0.5, 1.0, 4.0)
FIRST, LAST = 2016, 2023


def _world(persons: int, seed: int, cache: Path) -> pd.DataFrame:
    """The linked persons of a synthetic world in the synthetic domain (cached)."""
    target = cache / f"world-{persons}-{seed}.csv"
    if target.exists():
        return pd.read_csv(target, dtype=str, keep_default_na=False)
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_opendata import _linked_world  # type: ignore[import-not-found]

    from zicht.store import make_engine
    from zicht.store.opendata import linked_victim_fields

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(_linked_world(Path(folder), persons, seed))
        _, registrations = linked_victim_fields(engine, FIRST, LAST)
        engine.dispose()
    true = coarsen(ctdc_frame(linked_persons(registrations)))
    cache.mkdir(parents=True, exist_ok=True)
    true.to_csv(target, index=False)
    return true


@contextlib.contextmanager
def _exact(measure: bool, select: bool) -> Iterator[None]:
    """Counts without noise (`measure`) and/or the tree by exact maximum (`select`)."""
    laplace, noisy_max = synthetic._laplace, synthetic._noisy_max
    if measure:
        synthetic._laplace = lambda counts, epsilon: (counts.astype(float), epsilon)  # type: ignore[assignment]
    if select:
        synthetic._noisy_max = lambda scores, epsilon: (int(np.argmax(scores)), epsilon)  # type: ignore[assignment]
    try:
        yield
    finally:
        synthetic._laplace, synthetic._noisy_max = laplace, noisy_max  # type: ignore[assignment]


def _pairs(true: pd.DataFrame) -> list[str]:
    return [f"{a}|{b}" for a, b in itertools.combinations(true.columns, 2)]


def _release(
    true: pd.DataFrame,
    domain: dict[str, tuple[str, ...]],
    epsilon: float,
    r: int,
    forest: bool = False,
) -> tuple[dict[str, float], set[str]]:
    release = synthetic.synthesise(true, domain, epsilon, np.random.default_rng(r), forest=forest)
    edges = {f"{a}|{b}" for a, b in release.edges} | {f"{b}|{a}" for a, b in release.edges}
    return utility(true, release.frame, 11).two_way, edges


def _independence(true: pd.DataFrame, pairs: list[str]) -> dict[str, float]:
    """TVD of each true pair from the product of its two true one-way marginals."""
    out = {}
    for pair in pairs:
        a, b = pair.split("|")
        joint = pd.crosstab(true[a], true[b], normalize=True)
        product = np.outer(joint.sum(axis=1), joint.sum(axis=0))
        out[pair] = round(float(np.abs(joint.to_numpy() - product).sum() / 2), 4)
    return out


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: float(np.mean([row[k] for row in rows])) for k in rows[0]}


def decompose(
    true: pd.DataFrame, domain: dict[str, tuple[str, ...]], repeats: int
) -> dict[str, object]:
    pairs = _pairs(true)
    floor = _mean(
        [
            utility(true, true.sample(len(true), replace=True, random_state=s), 11).two_way
            for s in range(repeats)
        ]
    )
    with _exact(measure=True, select=True):
        model, model_edges = _release(true, domain, 1.0, 0)
    per_eps: dict[str, object] = {}
    for epsilon in EPSILONS:
        runs, in_tree = [], []
        for r in range(repeats):
            tvd, edges = _release(true, domain, epsilon, r)
            runs.append(tvd)
            in_tree.append(edges)
        with _exact(measure=False, select=True):
            oracle = _mean([_release(true, domain, epsilon, r)[0] for r in range(repeats)])
        mean = _mean(runs)
        forest_runs = [_release(true, domain, epsilon, r, forest=True) for r in range(repeats)]
        forest = _mean([tvd for tvd, _ in forest_runs])
        edge_err = [
            run[p] for run, edges in zip(runs, in_tree, strict=True) for p in pairs if p in edges
        ]
        other_err = [
            run[p] - model[p]
            for run, edges in zip(runs, in_tree, strict=True)
            for p in pairs
            if p not in edges
        ]
        per_eps[str(epsilon)] = {
            "mean_two_way_tvd": round(float(np.mean(list(mean.values()))), 4),
            "sd_over_releases": round(float(np.std([np.mean(list(r.values())) for r in runs])), 4),
            "oracle_tree_mean_two_way_tvd": round(float(np.mean(list(oracle.values()))), 4),
            "forest_mean_two_way_tvd": round(float(np.mean(list(forest.values()))), 4),
            "forest_sd_over_releases": round(
                float(np.std([np.mean(list(t.values())) for t, _ in forest_runs])), 4
            ),
            "forest_mean_edges": round(float(np.mean([len(e) / 2 for _, e in forest_runs])), 2),
            "forest_per_pair": {p: round(forest[p], 4) for p in pairs},
            "noise_added_mean": round(float(np.mean([mean[p] - model[p] for p in pairs])), 4),
            "tree_edges_mean_tvd_all_noise": round(float(np.mean(edge_err)), 4),
            "other_pairs_mean_noise_added": round(float(np.mean(other_err)), 4),
            "per_pair": {p: round(mean[p], 4) for p in pairs},
            "per_variable": {
                c: round(float(np.mean([mean[p] for p in pairs if c in p.split("|")])), 4)
                for c in true.columns
            },
            "edge_frequency": {p: round(sum(p in e for e in in_tree) / repeats, 2) for p in pairs},
        }
    return {
        "persons": len(true),
        "floor_mean_two_way_tvd": round(float(np.mean(list(floor.values()))), 4),
        "model_mean_two_way_tvd": round(float(np.mean(list(model.values()))), 4),
        "model_tree": sorted(p for p in model_edges if p in pairs),
        "floor_per_pair": {p: round(floor[p], 4) for p in pairs},
        "model_per_pair": {p: round(model[p], 4) for p in pairs},
        "independence_per_pair": _independence(true, pairs),
        "model_per_variable": {
            c: round(float(np.mean([model[p] for p in pairs if c in p.split("|")])), 4)
            for c in true.columns
        },
        "occupied_categories": {c: int(true[c].nunique()) for c in true.columns},
        "domain_categories": {c: len(v) for c, v in domain.items()},
        "epsilon": per_eps,
    }


def by_size(
    true: pd.DataFrame, domain: dict[str, tuple[str, ...]], sizes: list[int], repeats: int
) -> list[dict[str, object]]:
    """Mean two-way TVD of subsamples of `true` of each size (tree, forest, no noise)."""
    rows = []
    for size in sizes:
        if size > len(true):
            continue
        parts = [
            true.sample(size, replace=False, random_state=r).reset_index(drop=True)
            for r in range(repeats)
        ]

        def mean(epsilon: float, forest: bool, parts: list[pd.DataFrame] = parts) -> float:
            runs = [_release(part, domain, epsilon, r, forest)[0] for r, part in enumerate(parts)]
            return round(float(np.mean([np.mean(list(run.values())) for run in runs])), 4)

        figures: dict[str, object] = {"persons": size}
        for epsilon in EPSILONS:
            figures[str(epsilon)] = mean(epsilon, False)
            figures[f"forest_{epsilon}"] = mean(epsilon, True)
        with _exact(measure=True, select=True):
            figures["model"] = mean(1.0, False)
        rows.append(figures)
    return rows


def single_year(worlds: list[pd.DataFrame], year: int, repeats: int) -> dict[str, object]:
    """Tree and forest on one registration year of each world (what the web offers)."""
    domain = synthetic_domain(year, year)
    figures: dict[str, object] = {"year": year}
    parts = [w[w["yearOfRegistration"] == str(year)].reset_index(drop=True) for w in worlds]
    figures["persons"] = [len(part) for part in parts]
    for epsilon in (1.0, 3.0):
        for name, forest in (("tree", False), ("forest", True)):
            means = [
                float(
                    np.mean(
                        [
                            np.mean(list(_release(part, domain, epsilon, r, forest)[0].values()))
                            for r in range(repeats)
                        ]
                    )
                )
                for part in parts
            ]
            figures[f"{name} {epsilon}"] = [round(m, 4) for m in means] + [
                round(float(np.mean(means)), 4)
            ]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=4000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "od-cache")
    parser.add_argument("--size-world", type=int, help="victims of the world for --sizes")
    parser.add_argument("--sizes", type=int, nargs="*", default=[])
    parser.add_argument("--single-year", type=int, help="also tree vs forest on this year")
    args = parser.parse_args()
    domain = synthetic_domain(FIRST, LAST)
    start, cpu = time.perf_counter(), time.process_time()
    worlds = {
        f"{args.persons}-{seed}": decompose(
            _world(args.persons, seed, args.cache), domain, args.repeats
        )
        for seed in args.seeds
    }
    result: dict[str, object] = {"benchmark": "opendata_decompose", "worlds": worlds}
    summary: dict[str, object] = {}
    for key in ("floor_mean_two_way_tvd", "model_mean_two_way_tvd"):
        summary[key] = round(float(np.mean([w[key] for w in worlds.values()])), 4)  # type: ignore[index]
    for epsilon in EPSILONS:
        rows = [w["epsilon"][str(epsilon)] for w in worlds.values()]  # type: ignore[index]
        summary[str(epsilon)] = {
            k: round(float(np.mean([row[k] for row in rows])), 4)
            for k in (
                "mean_two_way_tvd",
                "oracle_tree_mean_two_way_tvd",
                "noise_added_mean",
                "tree_edges_mean_tvd_all_noise",
                "other_pairs_mean_noise_added",
                "forest_mean_two_way_tvd",
                "forest_mean_edges",
            )
        }
    result["mean_over_worlds"] = summary
    if args.sizes:
        big = _world(args.size_world or args.persons, args.seeds[0], args.cache)
        result["by_size"] = by_size(big, domain, args.sizes, args.repeats)
    if args.single_year:
        chosen = [_world(args.persons, seed, args.cache) for seed in args.seeds]
        result["single_year"] = single_year(chosen, args.single_year, args.repeats)
    result["seconds"] = round(time.perf_counter() - start, 1)
    result["cpu_seconds"] = round(time.process_time() - cpu, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
