"""The scale runs of issue 15: about 1,000,000 synthetic ads screened and clustered end
to end (one delivery), then one day of about 50,000 new ads added incrementally.

Each step runs in its own process so that its peak memory is its own: `world` writes
the ad world (the feed of the first days, the feed of the last day, the licence files),
`screen` imports the licences and screens one feed into the store (time, CPU time, peak
RSS) and evaluates what it wrote against the world's truth (operator pairs, licence
flags: `bench_platforms.evaluate`). Steps log to stderr as they go, so a run cut short
says how far it got.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_platforms_scale.py --folder DIR
[--independents 78000] [--networks 7800] [--days 21] [--workers 2]``; prints JSON
(CPU seconds of the main process and of the worker processes apart) ending in a
`summary`: ads/s of the large delivery, peak RSS, the new day's seconds, and the
targets. The defaults are the full run of the target: about 975,000 ads before the
last day and about 48,000 on it (a twentieth: ``--independents 3900 --networks 390``).
`peak_rss_mb` of a step is its own process; `peak_rss_screen_mb` adds each worker
process at its own peak (an upper bound of the memory of the delivery).
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
from typing import Any


def _log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _world(folder: Path, args: argparse.Namespace) -> dict[str, object]:
    from zicht.synth._ads import AdWorld, simulate_ads, write_ad_world

    world = simulate_ads(args.seed, independents=args.independents, networks=args.networks,
                         days=args.days)  # fmt: skip
    last = max(ad["posted_at"][:10] for ad in world.ads)
    truth = {t["ad_id"]: t for t in world.truth}

    def part(ads: list[dict[str, Any]]) -> AdWorld:
        return AdWorld(ads, world.licences, [truth[a["ad_id"]] for a in ads])

    before = part([a for a in world.ads if a["posted_at"][:10] < last])
    day = part([a for a in world.ads if a["posted_at"][:10] == last])
    write_ad_world(before, folder / "before")
    write_ad_world(day, folder / "day")
    return {"ads_before": len(before.ads), "ads_day": len(day.ads),
            "licence_files": len(world.licences)}  # fmt: skip


def _children_peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _screen(folder: Path, feed: str, step: str, workers: int) -> dict[str, object]:
    import csv

    from bench_platforms import evaluate  # this folder: the evaluation of bench_platforms

    from zicht.platforms._register import import_licences
    from zicht.platforms._screen import screen_file
    from zicht.privacy import Cipher
    from zicht.store import make_engine, upgrade

    cipher = Cipher(bytes.fromhex((folder / "key.hex").read_text()))
    engine = make_engine(f"sqlite:///{folder / 'zicht.db'}")
    upgrade(engine)
    report: dict[str, object] = {}
    if step == "screen-before":
        started = time.perf_counter()
        for path in sorted((folder / "before" / "ads" / "licences").glob("*.csv")):
            import_licences(path, municipality=path.stem, engine=engine, cipher=cipher)
        report["licence_import_seconds"] = round(time.perf_counter() - started, 1)
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    result = screen_file(folder / feed, platform="synthplatform", engine=engine, cipher=cipher,
                         out=folder / f"out-{step}", workers=workers)  # fmt: skip
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    children = _children_cpu() - children
    engine.dispose()
    report.update({
        "ads": result.stored, "quarantined": result.quarantined, "clusters": result.clusters,
        "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
        "ads_per_second": round(result.stored / seconds, 1),
        "ads_per_cpu_second": round(result.stored / cpu, 1),
        "workers": workers, "worker_cpu_seconds": round(children, 1),
        "worker_peak_rss_mb": round(_children_peak_kb() / 1024, 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        # Read before the evaluation below, whose own memory is not the screening's.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    })  # fmt: skip
    # The delivery's ads against the world's truth (the day's: pairs among its own ads).
    with (folder / Path(feed).parents[1] / "truth" / "ads.csv").open(encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    report.update(evaluate(truth, folder / f"out-{step}"))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--independents", type=int, default=78_000)
    parser.add_argument("--networks", type=int, default=7_800)
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--step", default="all")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes that prepare the ads (screen_file's workers)",
    )
    args = parser.parse_args()
    folder: Path = args.folder
    if args.step != "all":
        if args.step == "world":
            out = _world(folder, args)
        else:
            feed = "before/ads/synthplatform.jsonl" if args.step == "screen-before" else (
                "day/ads/synthplatform.jsonl")  # fmt: skip
            out = _screen(folder, feed, args.step, args.workers)
        out.setdefault(
            "peak_rss_mb", round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        )
        print(json.dumps(out))
        return
    from zicht.privacy import generate_key

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "key.hex").write_text(generate_key().hex())
    report: dict[str, object] = {"parameters": {k: str(v) for k, v in vars(args).items()}}
    for step in ("world", "screen-before", "screen-day"):
        _log(f"step {step} starts")
        command = [sys.executable, __file__, "--folder", str(folder), "--step", step,
                   "--independents", str(args.independents), "--networks", str(args.networks),
                   "--days", str(args.days), "--seed", str(args.seed),
                   "--workers", str(args.workers)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            report[step] = {"failed": done.stderr[-2000:]}
            _log(f"step {step} failed")
            break
        report[step] = json.loads(done.stdout.strip().splitlines()[-1])
        _log(f"step {step}: {report[step]}")
    report["summary"] = _summary(report)
    print(json.dumps(report, indent=2))


def _screen_peak(step: dict[str, Any] | None) -> float | None:
    """The main process and each worker process at its own peak, as if at once."""
    if step is None:
        return None
    return round(
        float(step["peak_rss_mb"]) + int(step["workers"]) * float(step["worker_peak_rss_mb"]), 1
    )


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    """The figures of the targets: ads/s of the large delivery, peak memory, the time of
    the new day (None where a step did not finish)."""

    def step(name: str) -> dict[str, Any] | None:
        found = report.get(name)
        return found if isinstance(found, dict) and "failed" not in found else None

    before, day = step("screen-before"), step("screen-day")
    done = [s for s in (step("world"), before, day) if s is not None]
    return {
        "ads": before["ads"] if before else None,
        "ads_per_second": before["ads_per_second"] if before else None,
        "target_ads_per_second": 2000,
        "peak_rss_mb": max((float(s["peak_rss_mb"]) for s in done), default=None),
        "peak_rss_screen_mb": _screen_peak(before),
        "target_peak_rss_mb": 4096,
        "day_ads": day["ads"] if day else None,
        "day_seconds": day["seconds"] if day else None,
        "target_day_seconds": 60,
        "operator_pairs": before["operator_pairs"] if before else None,
        "licence_flags": (
            {k: before["licence_flags"][k] for k in ("precision", "recall")} if before else None
        ),
    }


if __name__ == "__main__":
    main()
