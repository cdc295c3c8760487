"""The same model on DuckDB and on Spark (local mode) gives the same persons.

Spark tests are few: a JVM start costs seconds. When CI=true they must run.
"""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from tests.linkage.conftest import febrl_slice
from zicht.linkage import (
    EngineOptions,
    TrainingOptions,
    link_table,
    linkage_quality,
    linkage_table,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


def _registrations() -> pd.DataFrame:
    originals, duplicates = febrl_slice()
    frame = pd.concat([originals, duplicates])
    dob = pd.to_datetime(frame["date_of_birth"], format="%Y%m%d", errors="coerce")
    return pd.DataFrame(
        {
            "registration_id": range(1, len(frame) + 1),
            "source": ["police"] * len(originals) + ["other"] * len(duplicates),
            "given_names": frame["given_name"].to_numpy(),
            "family_name": frame["surname"].to_numpy(),
            "date_of_birth": dob.dt.date.astype(object).where(dob.notna(), None).to_numpy(),
            "address": frame["address_1"].to_numpy(),
            "postcode": frame["postcode"].to_numpy(),
            "city": frame["suburb"].to_numpy(),
            # FEBRL's social security number is a national identification number.
            "national_id_number": frame["soc_sec_id"].to_numpy(),
            "national_id_country": "AU",
            "place_of_birth": frame["state"].to_numpy(),
            "truth": [r.split("-")[1] for r in frame.index],
        }
    )


def _spark_or_skip() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if IN_CI:
            pytest.fail("CI=true but pyspark is not installed")
        pytest.skip("pyspark is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if IN_CI:
            pytest.fail("CI=true but Java is not installed")
        pytest.skip("Java is not installed")


def test_duckdb_links_the_slice() -> None:
    registrations = _registrations()
    result = link_table(linkage_table(registrations))
    truth = pd.Series(registrations["truth"].to_numpy(), index=registrations["registration_id"])
    assert linkage_quality(result.clusters, truth).pairwise_f1 >= 0.95
    compared = [c["output_column_name"] for c in result.model["comparisons"]]
    assert {"national_id", "place_of_birth", "address"} <= set(compared)
    assert not {"nationality", "gender"} & set(compared)
    # The threshold was chosen from the scored pairs, not set.
    assert result.threshold_choice.method == "expected_f1"
    assert result.clustering.threshold == result.threshold_choice.threshold >= 0.5


@pytest.mark.spark
@pytest.mark.slow
def test_spark_and_duckdb_agree() -> None:
    _spark_or_skip()
    registrations = _registrations()
    table = linkage_table(registrations)
    truth = pd.Series(registrations["truth"].to_numpy(), index=registrations["registration_id"])
    duck = link_table(table)
    # The trained DuckDB model scored on Spark: the same pairs and weights.
    spark = link_table(
        table, engine=EngineOptions(backend="spark", spark_master="local[1]"), model=duck.model
    )
    assert (spark.clusters.sort_index() == duck.clusters.sort_index()).all()
    assert spark.clustering.threshold == pytest.approx(duck.clustering.threshold, abs=1e-9)
    merged = duck.pairs.merge(spark.pairs, on=["unique_id_l", "unique_id_r"])
    assert len(merged) == len(duck.pairs) == len(spark.pairs)
    assert (merged["match_weight_x"] - merged["match_weight_y"]).abs().max() < 1e-6
    assert (merged["field_weights_x"] == merged["field_weights_y"]).all()
    # Training on Spark works too and links as well.
    trained = link_table(
        table,
        engine=EngineOptions(backend="spark", spark_master="local[1]"),
        training=TrainingOptions(u_max_pairs=2e4, u_chunks=1, em_max_pairs=None),
    )
    assert linkage_quality(trained.clusters, truth).pairwise_f1 >= 0.95


def test_tiny_or_match_free_data_links_without_failing() -> None:
    registrations = pd.DataFrame(
        {
            "registration_id": [1, 2, 3, 4],
            "source": ["police", "shelter", "police", "fairwork"],
            "given_names": ["Anna", "Piet", "Olena", "Kees"],
            "family_name": ["Bakker", "Jansen", "Kowalska", "Visser"],
        }
    )
    result = link_table(linkage_table(registrations))
    assert result.clusters.tolist() == [1, 2, 3, 4]
    assert result.model["comparisons"]
