"""Link runs over the store on DuckDB, on SQLite and PostgreSQL: versioning, stable ids,
incremental runs, explanations, export and the estimation frame."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from sqlalchemy import Engine

from tests.linkage.conftest import febrl_slice, ingest_frame, truth_of
from zicht.linkage import (
    ExplainError,
    LinkageError,
    explain_pair,
    explain_person,
    export_persons,
    linkage_quality,
    person_table,
    run_linkage,
)
from zicht.linkage._explain import _settings, field_weights
from zicht.linkage._results import linked_registrations_frame
from zicht.linkage._threshold import choose_threshold
from zicht.linkage._train import _level_sql
from zicht.privacy import Cipher
from zicht.store import linkage as store


def test_full_run_is_versioned_and_accurate(febrl_engine: Engine, cipher: Cipher) -> None:
    summary = run_linkage(febrl_engine, cipher)
    run = store.read_link_run(febrl_engine, summary.run_id)
    assert run is not None
    assert run.status == "done"
    assert run.mode == "full"
    assert run.model is not None
    assert run.model["comparisons"]
    assert run.timings is not None
    assert "predict" in run.timings
    assert run.parameters["threshold"] is None  # chosen from the data
    assert run.metrics is not None
    assert run.metrics["cluster_sizes"]
    # The chosen threshold is the one that maximises expected F1 over the stored pairs.
    pairs = store.read_scored_pairs(febrl_engine, summary.run_id)
    assert run.metrics["threshold"] == choose_threshold(pairs["match_probability"]).threshold
    assert summary.threshold == run.metrics["threshold"] >= 0.5
    assert "maximises the expected pairwise F1" in summary.threshold_choice["explanation"]
    assert summary.registrations == run.registrations
    assert summary.persons == run.persons
    assert sum(k * v for k, v in summary.cluster_sizes.items()) == summary.registrations
    found = person_table(febrl_engine).set_index("source_record_id")["person_id"]
    quality = linkage_quality(found, truth_of(found.index))
    assert quality.pairwise_f1 >= 0.95


def test_incremental_run_keeps_ids_and_links_the_new_batch(
    febrl_engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    first = run_linkage(febrl_engine, cipher)
    before = person_table(febrl_engine, first.run_id)
    _originals, duplicates = febrl_slice()
    stored = ingest_frame(duplicates.iloc[-5:], tmp_path / "late.csv", febrl_engine, cipher)
    second = run_linkage(febrl_engine, cipher, incremental=True)
    assert second.mode == "incremental"
    assert second.new_registrations == stored >= 3
    run = store.read_link_run(febrl_engine, second.run_id)
    assert run is not None
    assert run.model_run_id == first.run_id
    assert run.model == store.read_link_run(febrl_engine, first.run_id).model  # type: ignore[union-attr]
    after = person_table(febrl_engine, second.run_id)
    assert len(after) == len(before) + stored
    # Persons the new batch did not touch keep their ids.
    new_records = set(duplicates.index[-5:])
    touched = set(after[after["source_record_id"].isin(new_records)]["person_id"])
    merged = after.merge(before, on="registration_id", suffixes=("", "_before"))
    untouched = merged[~merged["person_id"].isin(touched)]
    assert (untouched["person_id"] == untouched["person_id_before"]).all()
    assert len(untouched) >= len(before) - 10
    # The new duplicates joined their originals.
    found = after.set_index("source_record_id")["person_id"]
    joined = [found[r.replace("dup-0", "org")] == found[r] for r in new_records if r in found.index]
    assert sum(joined) >= stored - 1
    # A full run over unchanged data keeps every person id.
    third = run_linkage(febrl_engine, cipher)
    again = person_table(febrl_engine, third.run_id)
    unchanged = after.merge(again, on="registration_id", suffixes=("", "_again"))
    same_clusters = unchanged.groupby("person_id")["person_id_again"].nunique().eq(1)
    assert same_clusters.mean() > 0.97
    assert third.persons_kept >= 0.97 * third.persons


def test_incremental_needs_an_earlier_run(febrl_engine: Engine, cipher: Cipher) -> None:
    with pytest.raises(LinkageError, match="no earlier link run"):
        run_linkage(febrl_engine, cipher, incremental=True)


def test_an_empty_store_is_an_error(engine: Engine, cipher: Cipher) -> None:
    with pytest.raises(LinkageError, match="no victim registrations"):
        run_linkage(engine, cipher)


def test_explanations_add_up(febrl_engine: Engine, cipher: Cipher) -> None:
    summary = run_linkage(febrl_engine, cipher)
    pairs = store.read_scored_pairs(febrl_engine, summary.run_id)
    best = pairs.sort_values("match_weight").iloc[-1]
    explained = explain_pair(febrl_engine, int(best.unique_id_r), int(best.unique_id_l))
    assert explained.same_person is True
    assert explained.bars[0].comparison == "prior"
    assert explained.bars[-1].match_weight == pytest.approx(best.match_weight, abs=1e-3)
    parts = sum(bar.match_weight for bar in explained.bars[:-1])
    assert parts == pytest.approx(explained.bars[-1].match_weight, abs=0.01)
    assert {bar.comparison for bar in explained.bars} >= {"given_name", "date_of_birth"}
    persons = person_table(febrl_engine, summary.run_id)
    person_id = int(persons.set_index("registration_id").loc[int(best.unique_id_l), "person_id"])
    person = explain_person(febrl_engine, person_id)
    assert int(best.unique_id_l) in set(person.registrations["registration_id"])
    assert person.links
    with pytest.raises(ExplainError):
        explain_person(febrl_engine, 10**9)


def test_every_explained_pair_has_finite_bars_that_add_up(
    febrl_engine: Engine, cipher: Cipher
) -> None:
    summary = run_linkage(febrl_engine, cipher)
    pairs = store.read_scored_pairs(febrl_engine, summary.run_id)
    for pair in pairs.sort_values("match_weight").itertuples():
        explained = explain_pair(febrl_engine, int(pair.unique_id_l), int(pair.unique_id_r))
        weights = [bar.match_weight for bar in explained.bars]
        assert all(math.isfinite(w) for w in weights), explained.bars
        assert sum(weights[:-1]) == pytest.approx(weights[-1], abs=0.01)


def test_export_and_estimation_frame(
    febrl_engine: Engine, cipher: Cipher, tmp_path: Path, database_url: str
) -> None:
    summary = run_linkage(febrl_engine, cipher)
    rows = export_persons(febrl_engine, tmp_path / "persons.csv")
    exported = pd.read_csv(tmp_path / "persons.csv")
    assert rows == summary.registrations == len(exported)
    assert list(exported.columns[:3]) == ["organisation", "source_record_id", "person_id"]
    frame = linked_registrations_frame(database_url)
    assert list(frame.columns) == [
        "person_id",
        "organisation",
        "year",
        "forms",
        "minor",
        "gender",
        "dutch",
    ]
    assert len(frame) == summary.registrations
    assert frame["person_id"].nunique() == summary.persons
    assert (frame["year"] == 2024).all()
    assert frame["dutch"].dtype == bool


def test_explained_levels_come_from_the_stored_level_not_the_weight(
    febrl_engine: Engine, cipher: Cipher
) -> None:
    # A level whose weight rounds to 0 looks like "unknown on one side" by its weight
    # alone; the stored level (Splink's comparison vector value) decides.
    summary = run_linkage(febrl_engine, cipher)
    run = store.read_link_run(febrl_engine, summary.run_id)
    assert run is not None and run.model is not None
    pairs = store.read_scored_pairs(febrl_engine, summary.run_id)
    stored = [p.split("/") for p in str(pairs["field_weights"].iloc[0]).split(",")]
    assert all(len(part) == 3 for part in stored), pairs["field_weights"].iloc[0]
    first = run.model["comparisons"][0]
    levels = [lv for lv in first["comparison_levels"] if not lv.get("is_null_level")]
    labels = [str(lv["label_for_charts"]) for lv in levels]
    top = len(levels) - 1  # Splink numbers the non-null levels from the last (0) up
    rest = ",".join("/".join(part) for part in stored[1:])
    unknown = field_weights(run.model, f"0.0/0/-1,{rest}", 0.0)[1]
    assert (unknown.comparison, unknown.level) == (
        first["output_column_name"],
        "Unknown on one side",
    )
    for gamma, label in zip(range(top, -1, -1), labels, strict=True):
        bar = field_weights(run.model, f"0.0/0/{gamma},{rest}", 0.0)[1]
        assert bar.level == label
    # Levels that share a weight are all named: a level seen in no training pair has
    # m = u (weight 0), as the unknown level.
    shared = field_weights(run.model, f"0.0/0/-1|{top},{rest}", 0.0)[1]
    assert shared.level == f"Unknown on one side or {labels[0]}"
    assert shared.m_probability is None
    model = copy.deepcopy(run.model)
    level = next(lv for lv in model["comparisons"][0]["comparison_levels"] if "m_probability" in lv)
    level["m_probability"] = level["u_probability"] = 0.01
    comparison = _settings(model).comparisons[0]
    mw = f"mw_{comparison.output_column_name}"
    sql = f"select {_level_sql(comparison)} from (select 0.0::double as {mw})"
    assert duckdb.sql(sql).fetchall() == [(f"-1|{top}",)]
    # Pairs stored before the level was kept: the level is read off the weight.
    old = ",".join("/".join(part[:2]) for part in stored)
    bars = field_weights(run.model, old, float(pairs["match_weight"].iloc[0]))
    assert [b.level for b in bars[1 : len(stored) + 1]] == [
        b.level
        for b in field_weights(run.model, str(pairs["field_weights"].iloc[0]), 0.0)[
            1 : len(stored) + 1
        ]
    ]
