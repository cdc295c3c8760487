"""A small synthetic world ingested into the store, linked from its ground truth.

Linking from the truth (not Splink) keeps these tests fast and exact: the report is
what is tested here, the linkage has its own tests.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from zicht.ingest import ingest_file, load_mapping, read_manifest
from zicht.privacy import Cipher
from zicht.store import linkage as link_store
from zicht.store import read_records

PERSONS = 1500


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic world folder (world/ and truth/)."""
    from zicht.synth import generate_world

    out = tmp_path_factory.mktemp("world")
    generate_world(out, persons=PERSONS, seed=7, years=(2018, 2021))
    return out


def ingest_world(engine: Engine, cipher: Cipher, world: Path) -> None:
    """Ingest every file of the world's manifest."""
    for entry in read_manifest(world / "world" / "manifest.json"):
        ingest_file(
            entry.file,
            source=entry.source,
            engine=engine,
            cipher=cipher,
            mapping=load_mapping(entry.mapping),
        )


def link_from_truth(engine: Engine, world: Path) -> int:
    """Store a finished link run whose persons are the world's true persons."""
    truth = pd.read_csv(world / "truth" / "registrations.csv", dtype=str)
    records = read_records(engine, "victim_registration")
    merged = records[["registration_id", "source", "source_record_id"]].merge(
        truth[["source", "source_record_id", "person_id"]],
        on=["source", "source_record_id"],
        how="left",
    )
    merged["person_id"] = merged["person_id"].fillna("unknown")
    run = link_store.start_link_run(
        engine, mode="full", backend="truth", parameters={"threshold": 0.99, "method": "truth"}
    )
    keys = sorted(merged["person_id"].unique())
    ids = dict(zip(keys, link_store.allocate_person_ids(engine, run, len(keys)), strict=True))
    merged["person_id"] = merged["person_id"].map(ids)
    link_store.write_person_registrations(engine, run, merged[["registration_id", "person_id"]])
    link_store.finish_link_run(
        engine,
        run,
        model={},
        timings={},
        metrics={},
        registrations=len(merged),
        persons=int(merged["person_id"].nunique()),
    )
    return run


@pytest.fixture
def filled_engine(engine: Engine, cipher: Cipher, world: Path) -> Engine:
    """The engine (SQLite and PostgreSQL) holding the world, linked."""
    ingest_world(engine, cipher, world)
    link_from_truth(engine, world)
    return engine
