"""Encoding at the source: `encode_file` on one large synthetic partner CSV.

The partner file is the victim registrations of a synthetic world (`zicht.synth`,
default scenario), every one distinct, in the standard's own columns (the default
mapping, as `zicht pprl encode FILE --source police` reads it without `--mapping`).
Each run is a fresh child process (`encode_file` with the default hardening and the
given worker count), so that its CPU seconds are its own and those of its worker
processes (`os.wait4` of the child counts its reaped workers). On a shared machine
wall-clock rows/s measure the load as much as the code: compare CPU seconds, and take
pairs (old vs new source tree, `--src`) back to back.

Usage: python benchmarks/bench_pprl_encode.py [--rows 120000] [--workers 1 2]
       [--dir DIR] [--src SRC_DIR ...] [--repeat 1]
Prints JSON: per source tree and worker count, rows, wall s, CPU s (all processes and
the main process), rows/s, rows per CPU-second, the load average before and after.
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
from typing import Any

_CHILD = """
import json, sys, time
from pathlib import Path
from zicht.pprl import encode_file
from zicht.pprl._secret import LinkageSecret
path, out, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
secret = LinkageSecret(bytes(range(32)))
started, cpu = time.perf_counter(), time.process_time()
result = encode_file(path, source="police", secret=secret, out=out, workers=workers)
print(json.dumps({
    "rows": result.rows_read, "encoded": result.encoded, "refused": len(result.refusals),
    "wall": time.perf_counter() - started, "main_cpu": time.process_time() - cpu,
}))
"""


def write_partner_file(path: Path, rows: int, seed: int) -> dict[str, Any]:
    """The first `rows` victim registrations of a world grown until it has that many."""
    from zicht.standard import RECORD_TYPES
    from zicht.synth._world import simulate

    persons = rows
    while True:
        world = simulate("default", persons=persons, seed=seed)
        victims = world.registrations[world.registrations["record_type"] == "victim_registration"]
        if len(victims) >= rows:
            break
        persons = int(persons * rows / max(1, len(victims)) * 1.05) + 1
    part = victims.iloc[:rows].copy()
    part["source_record_id"] = [f"R{number:07d}" for number in range(len(part))]
    part = part.assign(birth_year=part["birth_year"].astype("Int64"))
    fields = [f for f in RECORD_TYPES["victim_registration"].fields if f in part.columns]
    part[[f for f in fields if f != "source"]].to_csv(path, index=False, date_format="%Y-%m-%d")
    return {"persons_simulated": persons, "rows": len(part), "bytes": path.stat().st_size}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def run_once(src: Path, path: Path, workers: int, folder: Path) -> dict[str, Any]:
    """One `encode_file` in a fresh child process with `src` first on its path."""
    out = folder / f"out-{workers}.jsonl"
    env = {**os.environ, "PYTHONPATH": str(src)}
    load_before = _load()
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), str(out), str(workers)],
        env=env,
        stdout=subprocess.PIPE,
    )
    assert child.stdout is not None
    text = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"encode_file failed ({child.returncode})")
    report = json.loads(text)
    cpu = usage.ru_utime + usage.ru_stime
    digest = subprocess.run(
        ["sha256sum", str(out)], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    out.unlink()
    return {
        "src": str(src),
        "workers": workers,
        "rows": report["rows"],
        "encoded": report["encoded"],
        "refused": report["refused"],
        "wall_seconds": round(report["wall"], 2),
        "cpu_seconds": round(cpu, 2),
        "main_cpu_seconds": round(report["main_cpu"], 2),
        "rows_per_second": round(report["rows"] / report["wall"]),
        "rows_per_cpu_second": round(report["rows"] / cpu),
        "process_seconds": round(time.perf_counter() - started, 2),
        "load_before": load_before,
        "load_after": _load(),
        "output_sha256": digest[:16],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=120_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dir", type=Path, default=None, help="Keep the partner file here.")
    parser.add_argument("--src", type=Path, nargs="+", default=[Path(__file__).parents[1] / "src"])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"partner-{args.rows}-{args.seed}.csv"
        made: dict[str, Any] = {"rows": args.rows, "bytes": None}
        if not path.exists():
            made = write_partner_file(path, args.rows, args.seed)
        made["bytes"] = path.stat().st_size
        runs = []
        for _ in range(args.repeat):
            for workers in args.workers:
                for src in args.src:  # pairs: every tree back to back at one worker count
                    runs.append(run_once(src.resolve(), path, workers, Path(scratch)))
                    print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    print(json.dumps({"file": made, "cpus": os.cpu_count(), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
