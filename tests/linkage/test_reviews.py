"""Human reviews of persons: confirmations keep registrations together, splits keep them
apart, in the next link run (full or incremental) on SQLite and PostgreSQL with DuckDB."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from tests.linkage.conftest import febrl_slice, ingest_frame
from zicht.linkage import (
    ReviewEffect,
    apply_reviews,
    person_table,
    review_constraints,
    run_linkage,
)
from zicht.privacy import Cipher
from zicht.store.person_reviews import add_person_review


def _clusters(mapping: dict[int, int]) -> pd.Series:
    return pd.Series(mapping, dtype="int64")


def _together(clusters: pd.Series, a: int, b: int) -> bool:
    return bool(clusters[a] == clusters[b])


def test_a_split_moves_the_registration_out_and_leaves_the_rest() -> None:
    clusters = _clusters({1: 7, 2: 7, 3: 7, 4: 8})
    constraints = review_constraints([("split", 3, [1, 2])])
    result, effect = apply_reviews(clusters, constraints)
    assert _together(result, 1, 2)
    assert not _together(result, 3, 1) and not _together(result, 3, 2)
    assert result[3] not in set(clusters)  # a new cluster of its own
    assert result[4] == 8
    assert effect == ReviewEffect(joined=0, separated=1, conflicts=0)


def test_a_confirmation_joins_clusters_the_model_kept_apart() -> None:
    clusters = _clusters({1: 1, 2: 2, 3: 3})
    result, effect = apply_reviews(clusters, review_constraints([("confirm", 1, [1, 2])]))
    assert _together(result, 1, 2) and not _together(result, 1, 3)
    assert effect.joined == 1


def test_the_later_review_of_a_pair_wins() -> None:
    clusters = _clusters({1: 1, 2: 1, 3: 1})
    confirmed_then_split = review_constraints([("confirm", 1, [1, 2, 3]), ("split", 3, [1, 2])])
    assert confirmed_then_split.must == {(1, 2)}
    result, _ = apply_reviews(clusters, confirmed_then_split)
    assert _together(result, 1, 2) and not _together(result, 1, 3)
    split_then_confirmed = review_constraints([("split", 3, [1, 2]), ("confirm", 1, [1, 2, 3])])
    assert split_then_confirmed.cannot == ()
    result, _ = apply_reviews(_clusters({1: 1, 2: 1, 3: 2}), split_then_confirmed)
    assert result[1] == result[2] == result[3]


def test_a_split_against_a_chain_of_confirmations_is_a_counted_conflict() -> None:
    # 1-2 and 2-3 confirmed; 3 split from 1 only: must-links tie 3 to 1 through 2.
    constraints = review_constraints([("confirm", 1, [2]), ("confirm", 2, [3]), ("split", 3, [1])])
    result, effect = apply_reviews(_clusters({1: 1, 2: 1, 3: 1}), constraints)
    assert result[1] == result[2] == result[3]
    assert effect.conflicts == 1


def test_a_split_carries_what_is_confirmed_with_it() -> None:
    constraints = review_constraints([("confirm", 3, [4]), ("split", 3, [1, 2])])
    result, _ = apply_reviews(_clusters({1: 1, 2: 1, 3: 1, 4: 1}), constraints)
    assert _together(result, 3, 4) and _together(result, 1, 2)
    assert not _together(result, 1, 3)


def test_registrations_no_longer_stored_are_ignored() -> None:
    clusters = _clusters({1: 1, 2: 1})
    result, effect = apply_reviews(clusters, review_constraints([("split", 9, [1, 2])]))
    assert result.equals(clusters) and effect == ReviewEffect()


def _ids(table: pd.DataFrame) -> pd.Series:
    return table.set_index("source_record_id")["person_id"]


def test_the_next_link_runs_respect_reviews(
    febrl_engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    first = run_linkage(febrl_engine, cipher)
    table = person_table(febrl_engine, first.run_id)
    ids = table.set_index("source_record_id")["registration_id"]
    persons = _ids(table)
    # A duplicate the model linked to its original (FEBRL ids: rec-N-org, rec-N-dup-0).
    original, duplicate = next(
        (f"rec-{n}-org", f"rec-{n}-dup-0")
        for n in range(150)
        if f"rec-{n}-dup-0" in persons.index
        and persons[f"rec-{n}-org"] == persons[f"rec-{n}-dup-0"]
    )
    # Two originals of different people, which no run links on its own.
    stranger_a, stranger_b = "rec-1-org", "rec-2-org"
    assert persons[stranger_a] != persons[stranger_b]
    add_person_review(
        febrl_engine,
        decision="split",
        registration_id=int(ids[duplicate]),
        members=[int(ids[original])],
        person_id=int(persons[original]),
        run_id=first.run_id,
        reason="different dates of birth on the documents",
        reviewer="coordinator",
    )
    add_person_review(
        febrl_engine,
        decision="confirm",
        registration_id=int(ids[stranger_a]),
        members=[int(ids[stranger_a]), int(ids[stranger_b])],
        person_id=int(persons[stranger_a]),
        run_id=first.run_id,
        reason="the same passport number on both files",
        reviewer="coordinator",
    )
    second = run_linkage(febrl_engine, cipher)
    after = _ids(person_table(febrl_engine, second.run_id))
    assert after[original] != after[duplicate]
    assert after[stranger_a] == after[stranger_b]
    # An incremental run (new registrations, the old model and pairs) keeps them too.
    _, duplicates = febrl_slice()
    ingest_frame(duplicates.iloc[-5:], tmp_path / "late.csv", febrl_engine, cipher)
    third = run_linkage(febrl_engine, cipher, incremental=True)
    later = _ids(person_table(febrl_engine, third.run_id))
    assert later[original] != later[duplicate]
    assert later[stranger_a] == later[stranger_b]
