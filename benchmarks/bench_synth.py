"""Time and peak memory of `zicht synth` for a world of about a million registrations.

Usage: python benchmarks/bench_synth.py [--registrations 1000000] [--seed 0] [--keep DIR]
Prints one JSON object. Goal: under 90 s and under 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from zicht.synth import generate_world, simulate


def _persons_for(registrations: int, seed: int) -> int:
    """Victims needed for about `registrations` records, from a small pilot world."""
    pilot_persons = 20_000
    pilot = simulate("default", persons=pilot_persons, seed=seed + 1, identities=False)
    per_person = len(pilot.registrations) / pilot_persons
    return round(registrations / per_person)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="write the world here")
    args = parser.parse_args()

    persons = _persons_for(args.registrations, args.seed)
    out = args.keep or Path(tempfile.mkdtemp(prefix="bench_synth_"))
    start = time.perf_counter()
    cpu_start = time.process_time()
    summary = generate_world(out, persons=persons, seed=args.seed)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    if args.keep is None:
        shutil.rmtree(out)
    json.dump(
        {
            "benchmark": "synth",
            "persons": persons,
            "registrations": summary.registrations,
            "victims_registered": summary.victims_registered,
            "suspects": summary.suspects,
            "files": summary.files,
            "bytes_written": size,
            "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu_seconds, 1),  # wall time suffers on a shared machine
            "load_average_1min": round(os.getloadavg()[0], 1),
            "peak_memory_gb": round(peak_kib / 1024**2, 2),
            "goal": {"seconds": 90, "peak_memory_gb": 4},
            "within_goal": seconds < 90 and peak_kib / 1024**2 < 4,
        },
        sys.stdout,
        indent=2,
    )
    print()


if __name__ == "__main__":
    main()
