"""Open statistics on the synthetic world's linked persons: DP utility, k-anonymity, speed.

Target (issue 22): synthetic data at epsilon = 1 with a mean total-variation distance
of all two-way marginals <= 0.05; figures for epsilon = 0.5, 1 and 4. The noise is
OpenDP's (not seedable), so each epsilon is run `--repeats` times and the mean and
spread are shown. `bootstrap_floor` is the mean TVD of a plain resample of the true
data of the same size: what sampling alone costs at this number of persons.

Run: ``.venv/bin/python benchmarks/bench_opendata.py [--database-url URL]`` (a linked
database, e.g. the demo's); without one a world of `--persons` victims (seed 1,
2016-2023, as the demo) is made, ingested and linked with Splink in a temporary
folder. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from zicht.opendata import (
    anonymise,
    coarsen,
    ctdc_frame,
    dimensions,
    linked_persons,
    synthesise,
    synthetic_domain,
    utility,
)
from zicht.store import make_engine
from zicht.store.opendata import linked_victim_fields

QUASI = ["yearOfRegistration", "gender", "ageBroad", "majorityStatus", "citizenship"]
QUASI += ["CountryOfExploitation"]


def _linked_world(folder: Path, persons: int, seed: int = 1) -> str:
    from zicht.ingest import ingest_file, load_mapping, read_manifest
    from zicht.linkage import run_linkage
    from zicht.privacy import Cipher, generate_key
    from zicht.store import upgrade
    from zicht.synth import generate_world

    generate_world(folder, persons=persons, seed=seed, years=(2016, 2023))
    url = f"sqlite:///{folder / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    cipher = Cipher(generate_key())
    for entry in read_manifest(folder / "world" / "manifest.json"):
        ingest_file(
            entry.file,
            source=entry.source,
            engine=engine,
            cipher=cipher,
            mapping=load_mapping(entry.mapping),
        )
    run_linkage(engine, cipher)
    engine.dispose()
    return url


def _ctdc(engine: object, first: int, last: int, k: int) -> dict[str, object]:
    start = time.perf_counter()
    _, registrations = linked_victim_fields(engine, first, last)  # type: ignore[arg-type]
    published, risk = anonymise(
        ctdc_frame(linked_persons(registrations)), dimensions(first, last), k
    )
    seconds = time.perf_counter() - start
    smallest = int(published.groupby(QUASI).size().min()) if len(published) else None
    return {
        "period": f"{first}-{last}",
        "seconds": round(seconds, 2),
        "persons": risk.records_in,
        "k": k,
        "k_reached_independent_check": smallest,
        "records_suppressed": risk.records_suppressed,
        "records_with_values_suppressed": risk.records_with_values_suppressed,
        "levels": risk.levels,
        "information_loss": round(risk.information_loss, 4),
        "l_diversity": risk.l_diversity,
        "homogeneous_classes": risk.homogeneous_classes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--persons", type=int, default=4000)
    parser.add_argument("--first", type=int, default=2016)
    parser.add_argument("--last", type=int, default=2023)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        url = args.database_url or _linked_world(Path(folder), args.persons)
        prepare_seconds = time.perf_counter() - start
        engine = make_engine(url)
        _, registrations = linked_victim_fields(engine, args.first, args.last)
        true = coarsen(ctdc_frame(linked_persons(registrations)))
        domain = synthetic_domain(args.first, args.last)
        floor = [
            utility(true, true.sample(len(true), replace=True, random_state=s), 11).mean_two_way
            for s in range(args.repeats)
        ]
        synthetic = {}
        for epsilon in (0.5, 1.0, 4.0):
            runs, seconds = [], []
            for repeat in range(args.repeats):
                begin = time.perf_counter()
                release = synthesise(true, domain, epsilon, np.random.default_rng(repeat))
                seconds.append(time.perf_counter() - begin)
                runs.append(utility(true, release.frame, 11))
            means = [u.mean_two_way for u in runs]
            synthetic[str(epsilon)] = {
                "delta": release.delta,
                "mean_two_way_tvd": round(float(np.mean(means)), 4),
                "sd_two_way_tvd": round(float(np.std(means)), 4),
                "worst_run_mean_two_way_tvd": round(float(np.max(means)), 4),
                "mean_max_two_way_tvd": round(float(np.mean([u.max_two_way for u in runs])), 4),
                "mean_one_way_tvd": round(
                    float(np.mean([np.mean(list(u.one_way.values())) for u in runs])), 4
                ),
                "rare_kept_out": round(float(np.mean([u.rare_kept_out or 0.0 for u in runs])), 4),
                "seconds_per_release": round(float(np.mean(seconds)), 3),
            }
        result = {
            "benchmark": "opendata",
            "database": "given" if args.database_url else f"world of {args.persons} victims",
            "prepare_seconds": round(prepare_seconds, 1),
            "linked_persons": len(true),
            "variables": list(true.columns),
            "bootstrap_floor_mean_two_way_tvd": round(float(np.mean(floor)), 4),
            "synthetic": synthetic,
            "target_epsilon_1_mean_two_way_tvd_le_0.05": synthetic["1.0"]["mean_two_way_tvd"]
            <= 0.05,
            "ctdc": [
                _ctdc(engine, args.first, args.last, 11),
                _ctdc(engine, args.last, args.last, 11),
            ],
        }
        engine.dispose()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
