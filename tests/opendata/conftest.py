"""A small synthetic world in the store, linked from its ground truth (as tests/monitor)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.monitor.conftest import ingest_world, link_from_truth
from zicht.privacy import Cipher

YEARS = (2018, 2021)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic world folder (world/ and truth/)."""
    from zicht.synth import generate_world

    out = tmp_path_factory.mktemp("world")
    generate_world(out, persons=1500, seed=7, years=YEARS)
    return out


@pytest.fixture
def filled_engine(engine: Engine, cipher: Cipher, world: Path) -> Engine:
    """The engine (SQLite and PostgreSQL) holding the world, linked."""
    ingest_world(engine, cipher, world)
    link_from_truth(engine, world)
    return engine
