"""Linkage at scale: ~1,000,000 victim registrations end to end on DuckDB.

Three phases, each in its own process so that its peak memory (max RSS) is measured
alone:
1. "world": simulate a chain world with zicht.synth (default scenario) large enough
   for the requested number of registrations and write the victim registrations as
   one partner CSV in the standard's own columns (one file per source);
2. "ingest": ingest the files into a fresh SQLite store with `zicht.ingest`
   (identity fields encrypted);
3. "link": `zicht.linkage.run_linkage` - read and decrypt from the store, normalise,
   train (u by random sampling, m by EM), score, cluster, write persons, mapping and
   scored pairs back; then evaluate against the truth.
The figure of merit is phase 3 (the issue's "linked end to end"): wall time and
peak memory. Prints JSON.

Usage: python benchmarks/bench_linkage_scale.py [--registrations 1000000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# A first guess of registered victims per simulated person in the default scenario.
REGISTRATIONS_PER_PERSON = 0.45


def _world(folder: Path, registrations: int, seed: int) -> dict[str, object]:
    from zicht.standard import RECORD_TYPES
    from zicht.synth._world import simulate

    # How many victims get registered varies with the world; grow it until enough.
    persons = int(registrations / REGISTRATIONS_PER_PERSON)
    while True:
        world = simulate("default", persons=persons, seed=seed)
        registered = world.registrations["record_type"] == "victim_registration"
        if registered.sum() >= registrations:
            break
        persons = int(persons * registrations / registered.sum() * 1.02) + 1
        del world
    rows = world.registrations[registered].iloc[:registrations]
    fields = list(RECORD_TYPES["victim_registration"].fields)
    rows = rows.assign(birth_year=rows["birth_year"].astype("Int64"))
    truth = rows[["source", "source_record_id", "person_id"]].assign(
        record_type="victim_registration"
    )
    (folder / "truth").mkdir(parents=True, exist_ok=True)
    truth.to_csv(folder / "truth" / "registrations.csv", index=False)
    files = []
    for source, part in rows.groupby("source"):
        path = folder / f"{source}.csv"
        part[[f for f in fields if f in part.columns]].to_csv(
            path, index=False, date_format="%Y-%m-%d"
        )
        files.append(str(path))
    del world
    return {"persons_simulated": persons, "registrations": len(rows), "files": files}


def _ingest(folder: Path) -> dict[str, object]:
    from zicht.ingest import default_mapping, ingest_file
    from zicht.privacy import write_key_file
    from zicht.privacy._crypto import load_cipher
    from zicht.store import make_engine, upgrade

    key = folder / "key"
    if not key.exists():
        write_key_file(key)
    cipher = load_cipher(str(key), None)
    engine = make_engine(f"sqlite:///{folder / 'zicht.db'}")
    upgrade(engine)
    stored = quarantined = 0
    for path in sorted(folder.glob("*.csv")):
        result = ingest_file(
            path, source=path.stem, engine=engine, cipher=cipher, mapping=default_mapping()
        )
        stored += result.stored
        quarantined += result.quarantined
    engine.dispose()
    return {"stored": stored, "quarantined": quarantined}


def _link(folder: Path, threads: int | None) -> dict[str, object]:
    from zicht.linkage import evaluate, run_linkage
    from zicht.privacy._crypto import load_cipher
    from zicht.store import make_engine

    cipher = load_cipher(str(folder / "key"), None)
    engine = make_engine(f"sqlite:///{folder / 'zicht.db'}")
    started = time.perf_counter()
    summary = run_linkage(engine, cipher, threads=threads)
    seconds = time.perf_counter() - started
    quality = evaluate(engine, folder)
    engine.dispose()
    return {
        "seconds": round(seconds, 1),
        "registrations": summary.registrations,
        "persons": summary.persons,
        "pairs_scored": summary.pairs_scored,
        "timings": summary.timings,
        "cluster_sizes": {str(k): v for k, v in summary.cluster_sizes.items()},
        "suspicious_clusters": len(summary.suspicious),
        "quality": quality.as_dict(),
    }


def _phase(name: str, folder: Path, args: argparse.Namespace) -> dict[str, object]:
    """Run one phase in a child process; add its wall time and its own peak memory."""
    started = time.perf_counter()
    command = [sys.executable, __file__, "--phase", name, "--dir", str(folder)]
    command += ["--registrations", str(args.registrations), "--seed", str(args.seed)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    out = folder / f"{name}.out"
    with out.open("w") as handle:
        child = subprocess.Popen(command, stdout=handle)
        _pid, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"phase {name} failed with status {status}")
    result: dict[str, object] = json.loads(out.read_text().strip().splitlines()[-1])
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    result["peak_rss_gb"] = round(usage.ru_maxrss / 1024 / 1024, 2)  # ru_maxrss is in KiB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--phase", choices=["world", "ingest", "link"], default=None)
    args = parser.parse_args()
    if args.phase is not None:
        phases = {
            "world": lambda: _world(args.dir, args.registrations, args.seed),
            "ingest": lambda: _ingest(args.dir),
            "link": lambda: _link(args.dir, args.threads),
        }
        print(json.dumps(phases[args.phase]()))
        return
    folder = args.dir or Path(tempfile.mkdtemp(prefix="zicht-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"dir": str(folder), "cpus": os.cpu_count()}
    for name in ("world", "ingest", "link"):
        report[name] = _phase(name, folder, args)
        print(json.dumps({name: report[name]}), file=sys.stderr)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
