"""Does a day's screening cost grow with the store? One synthetic world delivered day by
day (one `screen_file` per day into one store), with the CPU seconds per ad of each day
against the number of ads stored before it; then the whole world again as one delivery
in a fresh store with a small chunk size, for the peak memory of a large delivery.

Each step runs in its own process so that its peak memory is its own: `world` writes
one feed per day and the licence files; `days` screens them in order; `whole` screens
all the days as one file.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_platforms_days.py --folder DIR
[--independents 3000] [--networks 300] [--days 20] [--chunk 5000]``; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _world(folder: Path, args: argparse.Namespace) -> dict[str, object]:
    from zicht.synth._ads import AdWorld, simulate_ads, write_ad_world

    world = simulate_ads(args.seed, independents=args.independents, networks=args.networks,
                         days=args.days)  # fmt: skip
    days = sorted({ad["posted_at"][:10] for ad in world.ads})
    for number, day in enumerate(days):
        ads = [a for a in world.ads if a["posted_at"][:10] == day]
        write_ad_world(AdWorld(ads, world.licences), folder / f"day{number:03d}")
    write_ad_world(world, folder / "whole")
    return {"ads": len(world.ads), "days": len(days)}


def _screen(folder: Path, step: str, chunk: int) -> dict[str, object]:
    from zicht.platforms._register import import_licences
    from zicht.platforms._screen import screen_file
    from zicht.privacy import Cipher
    from zicht.store import make_engine, upgrade

    cipher = Cipher(bytes.fromhex((folder / "key.hex").read_text()))
    database = folder / f"{step}.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    for path in sorted((folder / "whole" / "ads" / "licences").glob("*.csv")):
        import_licences(path, municipality=path.stem, engine=engine, cipher=cipher)
    feeds = (
        sorted(folder.glob("day*/ads/synthplatform.jsonl")) if step == "days"
        else [folder / "whole" / "ads" / "synthplatform.jsonl"]
    )  # fmt: skip
    stored, runs = 0, []
    for feed in feeds:
        started, cpu = time.perf_counter(), time.process_time()
        result = screen_file(feed, platform="synthplatform", engine=engine, cipher=cipher,
                             out=folder / "out", chunk_size=chunk)  # fmt: skip
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        runs.append({"stored_before": stored, "ads": result.stored, "seconds": round(seconds, 2),
                     "cpu_seconds": round(cpu, 2),
                     "cpu_ms_per_ad": round(1000 * cpu / max(1, result.stored), 3)})  # fmt: skip
        stored += result.stored
    engine.dispose()
    return {"deliveries": runs, "database_mb": round(os.path.getsize(database) / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--independents", type=int, default=3000)
    parser.add_argument("--networks", type=int, default=300)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--step", default="all")
    args = parser.parse_args()
    folder: Path = args.folder
    if args.step != "all":
        out = (
            _world(folder, args) if args.step == "world" else _screen(folder, args.step, args.chunk)
        )
        out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(out))
        return
    from zicht.privacy import generate_key

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "key.hex").write_text(generate_key().hex())
    report: dict[str, object] = {"parameters": {k: str(v) for k, v in vars(args).items()}}
    for step in ("world", "days", "whole"):
        command = [sys.executable, __file__, "--folder", str(folder), "--step", step,
                   "--independents", str(args.independents), "--networks", str(args.networks),
                   "--days", str(args.days), "--seed", str(args.seed),
                   "--chunk", str(args.chunk)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            report[step] = {"failed": done.stderr[-2000:]}
            break
        report[step] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{time.strftime('%H:%M:%S')} {step} done", file=sys.stderr, flush=True)
    report["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
