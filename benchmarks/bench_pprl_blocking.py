"""Where linkage on encodings loses pairs: blocking or scoring (synthetic world).

Links the same registrations plain (`link_table`) and on encodings (`link_encoded`),
and counts the true pairs each side's blocking rules reach (`blocking_recall`), the
true pairs plain linkage finds and the encodings miss (`lost_true_pairs`) and how many
of those no encoded blocking rule reached (`lost_unblocked`). The lost pairs are broken
down by how their dates of birth relate (the same date, so the same salt; the same year
otherwise; years one apart, further apart; known on one side only, on neither) and
whether both names are equal after normalising (`lost_by_year`).

`--secret-seed N` derives the linkage secret from N (SHA-256), so that two versions of
the code can be compared on the same encodings; without it a new random secret is used.

Usage: python benchmarks/bench_pprl_blocking.py [--persons 20000] [--seed 3] [--salt none]
       [--secret-seed N]
Prints JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_pprl import _identities, _quality
from synth_data import synth_registrations

from zicht.linkage import link_table, linkage_table
from zicht.linkage._frame import name_key
from zicht.linkage._settings import model_spec
from zicht.pprl import (
    Encoder,
    Hardening,
    LinkageSecret,
    encode_identities,
    encoded_table,
    link_encoded,
    new_secret,
)
from zicht.pprl._fields import identity_values
from zicht.pprl._model import encoded_spec

Pairs = set[tuple[int, int]]


def _blocked(table: pd.DataFrame, rules: tuple[tuple[str, ...], ...]) -> Pairs:
    out: Pairs = set()
    for rule in rules:
        keys = table[["unique_id", *rule]].dropna()
        for column in rule:
            if column.startswith("lsh_"):
                keys = keys.explode(column)
        joined = keys.merge(keys, on=list(rule))
        joined = joined[joined.unique_id_x < joined.unique_id_y]
        out |= set(zip(joined.unique_id_x, joined.unique_id_y, strict=True))
    return out


def _pairs(clusters: pd.Series) -> Pairs:
    out: Pairs = set()
    for _, group in clusters.groupby(clusters):
        out |= set(itertools.combinations(sorted(group.index), 2))
    return out


def secret_of(seed: int | None) -> LinkageSecret:
    """A secret derived from `seed` (for pairs of runs), or a new random one."""
    if seed is None:
        return new_secret()
    return LinkageSecret(hashlib.sha256(f"bench-secret-{seed}".encode()).digest())


def _date_relation(a: str | None, b: str | None) -> str:
    """How two dates of birth (as the date field encodes them) relate: the same date
    (the same salt), the same year otherwise (a day, month or year-only difference),
    years one apart or further, missing on one side or both."""
    if a is None and b is None:
        return "missing_both"
    if a is None or b is None:
        return "missing_one"
    if a == b:
        return "same"
    return {0: "same_year", 1: "one_apart"}.get(abs(int(a[:4]) - int(b[:4])), "further")


def lost_by_year(lost: Pairs, identities: dict[int, dict[str, object]]) -> dict[str, int]:
    """Lost pairs per date-of-birth relation and whether both names are equal."""
    out: dict[str, int] = {}

    def names(identity: dict[str, object]) -> tuple[str | None, ...]:
        return tuple(
            name_key(str(identity[k])) if identity.get(k) else None
            for k in ("given_names", "family_name")
        )

    for a, b in lost:
        left, right = identities[a], identities[b]
        relation = _date_relation(
            identity_values(left)["date_of_birth"], identity_values(right)["date_of_birth"]
        )
        equal = "names_equal" if names(left) == names(right) else "names_differ"
        key = f"{relation}/{equal}"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--salt", choices=["date_of_birth", "none"], default="date_of_birth")
    parser.add_argument("--secret-seed", type=int, default=None)
    args = parser.parse_args()
    frame = synth_registrations(args.persons, seed=args.seed)
    truth = pd.Series(frame["truth"].to_numpy(), index=frame["registration_id"].to_numpy())
    true_pairs = _pairs(truth)
    started = time.process_time()
    plain_table = linkage_table(frame)
    plain_blocked = _blocked(plain_table, model_spec(plain_table).prediction_rules)
    plain = link_table(plain_table)
    plain_cpu = time.process_time() - started
    hardening = Hardening(salt=None if args.salt == "none" else "date_of_birth")
    started = time.process_time()
    identities = _identities(frame)
    encodings = encode_identities(Encoder(secret_of(args.secret_seed), hardening), identities)
    table = encoded_table(
        frame["registration_id"].tolist(), frame["source"].tolist(), encodings, hardening
    )
    encoded_blocked = _blocked(table, encoded_spec(table).prediction_rules)
    encoded = link_encoded(table, hardening)
    encoded_cpu = time.process_time() - started
    lost = (_pairs(plain.clusters) & true_pairs) - _pairs(encoded.clusters)
    plain_q, encoded_q = _quality(plain.clusters, truth), _quality(encoded.clusters, truth)
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    print(
        json.dumps(
            {
                "registrations": len(frame),
                "true_pairs": len(true_pairs),
                "salt": args.salt,
                "plain": {
                    "candidate_pairs": len(plain_blocked),
                    "blocking_recall": round(len(plain_blocked & true_pairs) / len(true_pairs), 4),
                    "quality": plain_q,
                    "cpu_seconds": round(plain_cpu, 1),
                },
                "encoded": {
                    "candidate_pairs": len(encoded_blocked),
                    "blocking_recall": round(
                        len(encoded_blocked & true_pairs) / len(true_pairs), 4
                    ),
                    "quality": encoded_q,
                    "cpu_seconds": round(encoded_cpu, 1),
                },
                "gap": {
                    k: round(plain_q[k] - encoded_q[k], 4) for k in ("pairwise_f1", "bcubed_f1")
                },
                "lost_true_pairs": len(lost),
                "lost_unblocked": len(lost - encoded_blocked),
                "lost_by_year": lost_by_year(
                    lost, dict(zip(frame["registration_id"].tolist(), identities, strict=True))
                ),
                "found_only_encoded": len(
                    (_pairs(encoded.clusters) & true_pairs) - _pairs(plain.clusters)
                ),
                "load_average": load,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
