"""Operators, licence flags and throughput of `ads screen` on the synthetic ad world.

Pairwise F1 of operator clusters against the true poster, with contacts and with every
phone and e-mail removed from fields and text; precision and recall of the licence
flags; the hand-written ads of tests/platforms/data as a check that nothing is tuned to
the synthetic world; ads/s and peak memory of screening and of a new day added.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_platforms.py [--independents N]
[--networks N] [--days D] [--day-ads N] [--workers N]``; prints JSON. With workers,
the CPU seconds of the main process and of the workers are given apart.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from zicht.platforms._grouping import Node, group_ads
from zicht.platforms._register import import_licences
from zicht.platforms._screen import screen_file
from zicht.platforms._templates import Vocabulary, band_keys, minhash_signatures
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.synth._ads import AdWorld, simulate_ads, write_ad_world

HAND_ADS = Path(__file__).parents[1] / "tests" / "platforms" / "data" / "hand_ads.jsonl"
LICENCE_FLAGS = {
    "licence_missing", "licence_malformed", "licence_check_digit", "licence_unknown",
    "licence_not_active", "licence_shared",
}  # fmt: skip


def pairwise(truth: Sequence[str], predicted: Sequence[object]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against true labels."""

    def pairs(labels: Sequence[object]) -> Counter[object]:
        return Counter(labels)

    true_pairs = sum(n * (n - 1) // 2 for n in pairs(truth).values())
    found_pairs = sum(n * (n - 1) // 2 for n in pairs(predicted).values())
    both = sum(n * (n - 1) // 2 for n in Counter(zip(truth, predicted, strict=True)).values())
    precision = both / found_pairs if found_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _read_csv(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _children_cpu() -> float:
    """CPU seconds of the worker processes that ended (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def evaluate(truth: Sequence[dict[str, str]], out: Path) -> dict[str, object]:
    """Operator pairs and licence flags of the ads of `truth` (the world's truth rows)
    as `ads screen` wrote them to the folder `out` (clusters.csv, screening.csv)."""
    clusters = {r["ad_id"]: r["cluster_id"] for r in _read_csv(out / "clusters.csv")}
    flags = {r["ad_id"]: set(r["flags"].split(";")) for r in _read_csv(out / "screening.csv")}
    scores = pairwise([t["operator"] for t in truth], [clusters[t["ad_id"]] for t in truth])
    # A problem: no licence of the poster's own that is valid and used by her alone.
    problem = {t["ad_id"]: t["licence_case"] != "own" for t in truth}
    flagged = {ad: bool(flags[ad] & LICENCE_FLAGS) for ad in problem}
    tp = sum(problem[a] and flagged[a] for a in problem)
    fp = sum(flagged[a] and not problem[a] for a in problem)
    fn = sum(problem[a] and not flagged[a] for a in problem)
    by_case = {
        case: round(sum(flagged[t["ad_id"]] for t in truth if t["licence_case"] == case)
                    / max(1, sum(t["licence_case"] == case for t in truth)), 4)
        for case in sorted({t["licence_case"] for t in truth})
    }  # fmt: skip
    return {
        "operators": len({t["operator"] for t in truth}),
        "operator_pairs": scores,
        "licence_flags": {
            "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
            "share_flagged_by_case": by_case,
        },
    }


def _run(
    world: AdWorld, folder: Path, cipher: Cipher, label: str, workers: int
) -> dict[str, object]:
    write_ad_world(world, folder)
    engine = make_engine(f"sqlite:///{folder / 'zicht.db'}")
    upgrade(engine)
    for path in sorted((folder / "ads" / "licences").glob("*.csv")):
        import_licences(path, municipality=path.stem, engine=engine, cipher=cipher)
    feed = folder / "ads" / "synthplatform.jsonl"
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    result = screen_file(feed, platform="synthplatform", engine=engine, cipher=cipher,
                         out=folder / "out", workers=workers)  # fmt: skip
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    children = _children_cpu() - children
    engine.dispose()
    return {
        "label": label,
        "ads": result.stored,
        **evaluate(world.truth, folder / "out"),
        "clusters": result.clusters,
        "screen_seconds": round(seconds, 2),
        "ads_per_second": round(result.stored / seconds, 1),
        # The machine is shared: CPU time of this process says what the code costs.
        "screen_cpu_seconds": round(cpu, 2),
        "ads_per_cpu_second": round(result.stored / cpu, 1),
        "workers": workers,
        "worker_cpu_seconds": round(children, 2),
        "ads_per_cpu_second_all_processes": round(result.stored / (cpu + children), 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def _hand_ads() -> dict[str, object]:
    ads = [json.loads(line) for line in HAND_ADS.read_text(encoding="utf-8").splitlines()]
    vocabulary = Vocabulary()
    words = [vocabulary.words(str(ad["text"])) for ad in ads]
    bands = band_keys(minhash_signatures(words))
    nodes = [Node(i + 1, None, (), w, b, tuple(ad["image_hashes"]))
             for i, (ad, w, b) in enumerate(zip(ads, words, bands, strict=True))]  # fmt: skip
    clusters, _ = group_ads(nodes)
    return {"ads": len(ads), **pairwise([str(ad["operator"]) for ad in ads], clusters)}


def _incremental(cipher: Cipher, folder: Path, args: argparse.Namespace) -> dict[str, object]:
    """Screen the first days, then time one more day of `day_ads` ads added to them."""
    world = simulate_ads(7, independents=args.independents, networks=args.networks,
                         days=args.days + 1)  # fmt: skip
    last_day = max(ad["posted_at"][:10] for ad in world.ads)
    before = AdWorld([a for a in world.ads if a["posted_at"][:10] < last_day], world.licences)
    day = AdWorld([a for a in world.ads if a["posted_at"][:10] == last_day], world.licences)
    day.ads = day.ads[: args.day_ads]
    write_ad_world(before, folder / "before")
    write_ad_world(day, folder / "day")
    engine = make_engine(f"sqlite:///{folder / 'zicht.db'}")
    upgrade(engine)
    screen_file(folder / "before" / "ads" / "synthplatform.jsonl", platform="synthplatform",
                engine=engine, cipher=cipher, out=folder / "o1", workers=args.workers)  # fmt: skip
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    result = screen_file(folder / "day" / "ads" / "synthplatform.jsonl", platform="synthplatform",
                         engine=engine, cipher=cipher, out=folder / "o2",
                         workers=args.workers)  # fmt: skip
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    return {"stored_before": len(before.ads), "day_ads": result.stored,
            "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "worker_cpu_seconds": round(_children_cpu() - children, 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--independents", type=int, default=300)
    parser.add_argument("--networks", type=int, default=30)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--day-ads", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes that prepare the ads (screen_file's workers)",
    )
    args = parser.parse_args()
    cipher = Cipher(generate_key())
    report: dict[str, object] = {"parameters": vars(args)}
    with tempfile.TemporaryDirectory() as tmp:
        for label, contacts in (("with_contacts", True), ("without_contacts", False)):
            world = simulate_ads(
                args.seed, independents=args.independents, networks=args.networks,
                days=args.days, contacts=contacts,
            )  # fmt: skip
            report[label] = _run(world, Path(tmp) / label, cipher, label, args.workers)
        report["hand_written_ads"] = _hand_ads()
        report["incremental_day"] = _incremental(cipher, Path(tmp) / "incremental", args)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
