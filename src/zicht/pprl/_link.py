"""Linking encoded registrations: the plain pipeline's training, scoring and clustering
on the encoded table and its model (`zicht.linkage._pipeline.link_table`'s twin)."""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd

from zicht.linkage import (
    PAIR_FLOOR,
    ClusterOptions,
    EngineOptions,
    LinkResult,
    Timings,
    TrainingOptions,
    cluster_pairs,
    database_api,
    load_model,
    predict_pairs,
    resolve_options,
    train_model,
)
from zicht.pprl._bloom import Hardening
from zicht.pprl._model import encoded_settings, encoded_spec, has_marks

__all__ = ["link_encoded"]

logger = logging.getLogger(__name__)


def link_encoded(
    table: pd.DataFrame,
    hardening: Hardening,
    *,
    engine: EngineOptions | None = None,
    clustering: ClusterOptions | None = None,
    training: TrainingOptions | None = None,
    model: dict[str, Any] | None = None,
    floor: float = PAIR_FLOOR,
) -> LinkResult:
    """Link the registrations of an encoded table (see `encoded_table`) into persons.

    The same training recipe, threshold choice and clustering as plain linkage; the
    result's pairs carry per-field weights (similarity levels), never values. `model`:
    a model trained on encodings (`LinkResult.model`, on any engine) to score with as
    is, no training; its comparisons must be those of this table and hardening.
    """
    engine = engine or EngineOptions()
    clustering = clustering or ClusterOptions()
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
    spec = encoded_spec(table)
    settings = encoded_settings(spec, hardening, marks=has_marks(table))
    if model is None:
        linker, model = train_model(
            api, table, spec, training or TrainingOptions(), timings, settings
        )
    else:
        linker = load_model(api, table, model, settings)
    pairs = predict_pairs(linker, floor, timings)
    started = time.perf_counter()
    clustering, choice = resolve_options(clustering, pairs["match_probability"].to_numpy())
    logger.info("%s", choice.explanation())
    clusters = cluster_pairs(table["unique_id"].to_numpy(), pairs, clustering)
    timings.record("cluster", started)
    return LinkResult(
        model=model,
        pairs=pairs,
        clusters=clusters,
        clustering=clustering,
        threshold_choice=choice,
        timings=timings.steps,
    )
