"""The linkage pipeline on plain tables: train (or load) a model, score pairs, cluster.

No application database here: `runs.py` reads the store and writes the results;
benchmarks call `link_table` directly on FEBRL or synthetic tables.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from zicht.linkage._cluster import ClusterOptions, cluster_pairs, resolve_options
from zicht.linkage._engine import Backend, database_api
from zicht.linkage._settings import model_spec
from zicht.linkage._threshold import ThresholdChoice
from zicht.linkage._train import (
    PAIR_FLOOR,
    Timings,
    TrainingOptions,
    load_model,
    predict_pairs,
    train_model,
)

__all__ = ["EngineOptions", "LinkResult", "link_table"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineOptions:
    """Which engine runs Splink, and how."""

    backend: Backend = "duckdb"
    spark_master: str | None = None
    threads: int | None = None
    memory_limit: str | None = None
    spark_driver_memory: str = "2g"


@dataclass
class LinkResult:
    """What one linkage of a table produced."""

    model: dict[str, Any]
    pairs: pd.DataFrame
    clusters: pd.Series
    clustering: ClusterOptions
    threshold_choice: ThresholdChoice
    timings: dict[str, float] = field(default_factory=dict)


def link_table(
    table: pd.DataFrame,
    *,
    engine: EngineOptions | None = None,
    clustering: ClusterOptions | None = None,
    training: TrainingOptions | None = None,
    model: dict[str, Any] | None = None,
    floor: float = PAIR_FLOOR,
) -> LinkResult:
    """Link the registrations of a linkage table (see `frame.linkage_table`).

    Args:
        table: the linkage table.
        engine: the analytics engine.
        clustering: how pairs become persons (threshold and strong, when not set,
            are chosen from the scored pairs; the result holds them filled in).
        training: knobs of unsupervised training.
        model: a trained Splink model to use as is (no training), e.g. for
            incremental runs.
        floor: pairs below this match probability are dropped.
    """
    engine = engine or EngineOptions()
    clustering = clustering or ClusterOptions()
    training = training or TrainingOptions()
    timings = Timings()
    started = time.perf_counter()
    api = database_api(
        engine.backend,
        spark_master=engine.spark_master,
        threads=engine.threads,
        memory_limit=engine.memory_limit,
        spark_driver_memory=engine.spark_driver_memory,
    )
    timings.record("engine_start", started)
    if model is None:
        linker, model = train_model(api, table, model_spec(table), training, timings)
    else:
        linker = load_model(api, table, model)
    pairs = predict_pairs(linker, floor, timings)
    started = time.perf_counter()
    clustering, choice = resolve_options(clustering, pairs["match_probability"].to_numpy())
    logger.info("%s", choice.explanation())
    clusters = cluster_pairs(table["unique_id"].to_numpy(), pairs, clustering)
    timings.record("cluster", started)
    logger.info("linked %d registrations into %d persons", len(table), clusters.nunique())
    return LinkResult(
        model=model,
        pairs=pairs,
        clusters=clusters,
        clustering=clustering,
        threshold_choice=choice,
        timings=timings.steps,
    )
