"""Privacy-preserving linkage at scale: ~1,000,000 encoded registrations end to end.

Phases, each in its own process so that its peak memory (max RSS) is measured alone:
1. "world": the synthetic world's victim registrations as one partner CSV per source
   (`bench_linkage_scale`'s world);
2. "encode": every partner encodes its CSV at its own site (`encode_file`, the default
   hardening, one shared secret);
3. "ingest": `zicht ingest ENCODED.jsonl` of every encoded file into a fresh SQLite store;
4. "link": `run_encoded_linkage` (what `zicht link` runs when the store holds
   encodings): read, Dice-level model trained, scored, clustered, written back; then
   evaluated against the truth. Phases 3 and 4 are the issue's "linked end to end".

Usage: python benchmarks/bench_pprl_scale.py [--registrations 1000000] [--dir DIR]
       [--phases world encode ingest link]
With no arguments it runs all four phases at 1,000,000 registrations (about 3 GB of
disk in a fresh temporary folder). Prints JSON: per phase wall and CPU seconds, peak
RSS and the load average at its end (the link phase also its steps' seconds), and
`end_to_end` (ingest + link) against the target of 15 minutes and 12 GB.
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
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).parent))


def _world(folder: Path, registrations: int, seed: int) -> dict[str, object]:
    from bench_linkage_scale import _world as world

    return world(folder, registrations, seed)


def _encode(folder: Path, workers: int) -> dict[str, object]:
    from zicht.pprl import encode_file, new_secret, write_secret

    secret_file = folder / "linkage-secret.json"
    if not secret_file.exists():
        write_secret(new_secret(), secret_file)
    from zicht.pprl import read_secret

    secret = read_secret(secret_file)
    rows = encoded = 0
    started = time.perf_counter()
    cpu = time.process_time()
    (folder / "encoded").mkdir(exist_ok=True)
    for path in sorted(folder.glob("*.csv")):
        out = folder / "encoded" / f"{path.stem}.jsonl"
        result = encode_file(path, source=path.stem, secret=secret, out=out, workers=workers)
        rows += result.rows_read
        encoded += result.encoded
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "encoded": encoded,
        "workers": workers,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "main_process_cpu_seconds": round(time.process_time() - cpu, 1),
    }


def _ingest(folder: Path) -> dict[str, object]:
    from zicht.pprl import ingest_encoded, read_secret
    from zicht.privacy import write_key_file
    from zicht.store import make_engine, upgrade

    key = folder / "key"
    if not key.exists():
        write_key_file(key)
    engine = make_engine(f"sqlite:///{folder / 'zicht.db'}")
    upgrade(engine)
    secret = read_secret(folder / "linkage-secret.json")
    stored = 0
    for path in sorted((folder / "encoded").glob("*.jsonl")):
        stored += ingest_encoded(path, source=path.stem, engine=engine, secret=secret).stored
    engine.dispose()
    return {"stored": stored}


def _link(folder: Path, threads: int | None) -> dict[str, object]:
    from zicht.linkage import evaluate
    from zicht.pprl import read_secret, run_encoded_linkage
    from zicht.privacy._crypto import load_cipher
    from zicht.store import make_engine

    cipher = load_cipher(str(folder / "key"), None)
    engine = make_engine(f"sqlite:///{folder / 'zicht.db'}")
    secret = read_secret(folder / "linkage-secret.json")
    started = time.perf_counter()
    summary = run_encoded_linkage(engine, cipher, secret, threads=threads)
    seconds = time.perf_counter() - started
    quality = evaluate(engine, folder)
    engine.dispose()
    return {
        "seconds": round(seconds, 1),
        "registrations": summary.registrations,
        "persons": summary.persons,
        "pairs_scored": summary.pairs_scored,
        "timings": summary.timings,
        "quality": quality.as_dict(),
    }


def _phase(name: str, folder: Path, args: argparse.Namespace) -> dict[str, object]:
    """Run one phase in a child process; add its wall time and its own peak memory."""
    started = time.perf_counter()
    command = [sys.executable, __file__, "--phase", name, "--dir", str(folder)]
    command += ["--registrations", str(args.registrations), "--seed", str(args.seed)]
    command += ["--workers", str(args.workers)]
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
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 1)
    result["peak_rss_gb"] = round(usage.ru_maxrss / 1024 / 1024, 2)  # ru_maxrss is in KiB
    with open("/proc/loadavg") as handle:
        result["load_average"] = handle.read().split()[:3]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--phase", default=None)
    parser.add_argument("--phases", nargs="+", default=["world", "encode", "ingest", "link"])
    args = parser.parse_args()
    if args.phase:
        folder = args.dir
        runs = {
            "world": lambda: _world(folder, args.registrations, args.seed),
            "encode": lambda: _encode(folder, args.workers),
            "ingest": lambda: _ingest(folder),
            "link": lambda: _link(folder, args.threads),
        }
        print(json.dumps(runs[args.phase]()))
        return
    folder = args.dir or Path(tempfile.mkdtemp(prefix="zicht-pprl-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"dir": str(folder)}
    for name in args.phases:
        report[name] = _phase(name, folder, args)
        print(json.dumps(report), file=sys.stderr, flush=True)
    report["end_to_end"] = _end_to_end(report)
    print(json.dumps(report, indent=2))


TARGET_SECONDS = 15 * 60
TARGET_RSS_GB = 12.0


def _end_to_end(report: dict[str, object]) -> dict[str, object] | None:
    """The issue's figure: ingest and link together (wall and CPU seconds added, the
    larger peak memory: the phases run one after the other), against the target."""
    phases = [
        cast(dict[str, Any], report[name])
        for name in ("ingest", "link")
        if isinstance(report.get(name), dict)
    ]
    if len(phases) < 2:
        return None

    def total(key: str) -> float:
        return sum(float(phase[key]) for phase in phases)

    wall = total("wall_seconds")
    peak = max(float(phase["peak_rss_gb"]) for phase in phases)
    return {
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(total("cpu_seconds"), 1),
        "peak_rss_gb": peak,
        "target": f"under {TARGET_SECONDS} s and {TARGET_RSS_GB:g} GB",
        "met": wall < TARGET_SECONDS and peak < TARGET_RSS_GB,
    }


if __name__ == "__main__":
    main()
