"""Training the Fellegi-Sunter model without labels and scoring blocked pairs.

u probabilities come from random sampling (pairs of random registrations are almost
all different people), m probabilities from expectation maximisation, once per
training blocking rule, so that each comparison is estimated from at least one rule
that does not block on it (Splink's usual recipe; Fellegi & Sunter 1969; Winkler 1988).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from splink import Linker, block_on
from splink.internals.exceptions import SplinkException

from zicht.linkage._engine import query_frame, register_table
from zicht.linkage._settings import (
    ModelSpec,
    model_spec,
    settings_creator,
    trained_settings,
    with_trained_parameters,
)

__all__ = [
    "PAIR_FLOOR",
    "Timings",
    "TrainingOptions",
    "load_model",
    "predict_new_pairs",
    "predict_pairs",
    "train_model",
]

logger = logging.getLogger(__name__)

PAIR_FLOOR = 0.01
"""Scored pairs below this match probability are not kept."""


@dataclass(frozen=True)
class TrainingOptions:
    """Knobs of unsupervised training."""

    u_max_pairs: float = 5e6
    u_chunks: int = 10
    em_max_pairs: float | None = 2e6
    deterministic_recall: float = 0.7
    seed: int = 42


@dataclass
class Timings:
    """Seconds spent per step, in order."""

    steps: dict[str, float] = field(default_factory=dict)

    def record(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.steps[name] = round(now - started, 3)
        return now


def _table_name(role: str) -> str:
    # Unique per call: a Spark session (and its temporary views) outlives a linker.
    return f"__zicht_{role}_{uuid.uuid4().hex[:12]}"


def _quiet_splink() -> None:
    # Splink logs progress at INFO and, at WARNING, levels that training data never
    # showed (they keep Splink's default m and u); Zicht reports its own progress and
    # the run's model (with every m and u) is stored for inspection.
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _linker(api: Any, table: pd.DataFrame, settings: Any) -> Linker:
    _quiet_splink()
    frame = register_table(api, table, _table_name("registrations"))
    return Linker(frame, settings, log_level=None)


def _attempt(step: str, run: Callable[[], object]) -> None:
    """Run a training step that small or duplicate-free data can make impossible.

    With too few matches Splink cannot estimate the prior (no deterministic match) or
    run EM on a rule (no blocked pair); the step then keeps its starting values, which
    is logged, rather than failing the run.
    """
    try:
        run()
    except (ValueError, ZeroDivisionError, ArithmeticError, SplinkException) as exc:
        logger.warning("training step %s skipped: %s", step, type(exc).__name__)


def _em_step(
    linker: Linker, rule: tuple[str, ...], options: TrainingOptions
) -> Callable[[], object]:
    def run() -> object:
        return linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*rule),
            estimate_without_term_frequencies=True,
            max_pairs=options.em_max_pairs,
        )

    return run


def train_model(
    api: Any,
    table: pd.DataFrame,
    spec: ModelSpec,
    options: TrainingOptions | None = None,
    timings: Timings | None = None,
    settings: Any = None,
) -> tuple[Linker, dict[str, Any]]:
    """Train on `table` (a linkage table) and return the linker and the model as a dict.

    `settings` replaces the plain model's comparisons (`settings_creator(spec)`), e.g.
    with the Dice levels on encodings of `zicht.pprl`; the recipe stays the same.
    """
    options = options or TrainingOptions()
    timings = timings if timings is not None else Timings()
    started = time.perf_counter()
    linker = _linker(api, table, settings if settings is not None else settings_creator(spec))
    if spec.deterministic_rules:
        _attempt(
            "prior",
            lambda: linker.training.estimate_probability_two_random_records_match(
                [block_on(*rule) for rule in spec.deterministic_rules],
                recall=options.deterministic_recall,
            ),
        )
    started = timings.record("prior", started)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=options.u_max_pairs, seed=options.seed, num_chunks=options.u_chunks
    )
    started = timings.record("u_random_sampling", started)
    for rule in spec.training_rules:
        _attempt(f"EM on {'+'.join(rule)}", _em_step(linker, rule, options))
    timings.record("m_expectation_maximisation", started)
    return linker, linker.misc.save_model_to_json()


def load_model(
    api: Any, table: pd.DataFrame, model: dict[str, Any], settings: Any = None
) -> Linker:
    """A linker over `table` with a trained model (no retraining), on any engine.

    `settings` are the model's untrained settings when they are not the plain model's
    (as in `train_model`, e.g. the Dice levels of `zicht.pprl`): rebuilt in the
    engine's dialect and given the model's trained parameters.
    """
    dialect = api.sql_dialect.sql_dialect_str
    if settings is None:
        return _linker(api, table, trained_settings(model, dialect, model_spec(table)))
    rebuilt = with_trained_parameters(settings.create_settings_dict(dialect), model, same_sql=True)
    return _linker(api, table, rebuilt)


def _level_sql(comparison: Any) -> str:
    """SQL: the comparison level of a scored pair (Splink's comparison vector value, -1
    unknown on a side; '' if none matches), read off its unrounded match weight: Splink
    writes each level's weight into the prediction as the same literal, and predictions
    keep no gamma columns unless they keep the compared values too. Levels that share a
    weight (a level seen in no training pair has m = u, weight 0, as the unknown level)
    cannot be told apart: all of them are written, joined by '|'."""
    name = comparison.output_column_name
    shared: dict[float, list[str]] = {}
    for level in comparison.comparison_levels:
        if level._match_weight is not None:
            shared.setdefault(level._match_weight, []).append(str(level.comparison_vector_value))
    cases = [
        f"when mw_{name} = cast({weight!r} as double) then '{'|'.join(values)}'"
        for weight, values in shared.items()
    ]
    return f"coalesce(case {' '.join(cases)} end, '')" if cases else "''"


def _weights_sql(linker: Linker, columns: set[str]) -> str:
    """SQL for the compact per-field weights: "mw/tf_adj/level" per comparison,
    comma-separated; the level (`_level_sql`) spares an explanation guessing it from a
    rounded weight (a level whose weight rounds to 0 looked unknown on a side)."""
    parts = []
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        weight = f"cast(round(coalesce(mw_{name}, 0), 3) as string)"
        tf = (
            f"cast(round(coalesce(mw_tf_adj_{name}, 0), 3) as string)"
            if f"mw_tf_adj_{name}" in columns
            else "'0'"
        )
        parts.append(f"concat({weight}, '/', {tf}, '/', {_level_sql(comparison)})")
    return "concat_ws(',', " + ", ".join(parts) + ")" if parts else "''"


def _pairs_frame(linker: Linker, predictions: Any) -> pd.DataFrame:
    """Scored pairs as a pandas table (ids ordered l < r), with compact field weights."""
    columns = {c.unquote().name for c in predictions.columns}
    sql = (
        "select unique_id_l, unique_id_r, match_weight, match_probability, "
        f"{_weights_sql(linker, columns)} as field_weights from {predictions.physical_name}"
    )
    pairs = query_frame(linker._db_api, sql)
    predictions.drop_table_from_database_and_remove_from_cache()
    low = pairs["unique_id_l"] > pairs["unique_id_r"]
    pairs.loc[low, ["unique_id_l", "unique_id_r"]] = pairs.loc[
        low, ["unique_id_r", "unique_id_l"]
    ].to_numpy()
    return pairs.astype(
        {
            "unique_id_l": "int64",
            "unique_id_r": "int64",
            "match_weight": "float64",
            "match_probability": "float64",
            "field_weights": object,
        }
    ).reset_index(drop=True)


def predict_pairs(
    linker: Linker, floor: float = PAIR_FLOOR, timings: Timings | None = None
) -> pd.DataFrame:
    """Blocked pairs scored by the model, at or above `floor`.

    Returns columns `unique_id_l`, `unique_id_r` (registration ids, l < r),
    `match_weight`, `match_probability` and `field_weights` (per comparison in
    the model's order "weight/term-frequency adjustment/level", comma-separated;
    see `_level_sql`).
    """
    started = time.perf_counter()
    pairs = _pairs_frame(linker, linker.inference.predict(threshold_match_probability=floor))
    if timings is not None:
        timings.record("predict", started)
    return pairs


def predict_new_pairs(
    linker: Linker,
    api: Any,
    table: pd.DataFrame,
    new_ids: set[int],
    floor: float = PAIR_FLOOR,
    timings: Timings | None = None,
) -> pd.DataFrame:
    """Pairs that involve at least one new registration (existing x new, new x new).

    Term frequencies come from the whole table (`linker` is built over it), so a
    new registration is weighed exactly as in a full run with the same model.
    """
    started = time.perf_counter()
    for column in linker._settings_obj._term_frequency_columns:
        linker.table_management.compute_tf_table(column.unquote().name)
    is_new = table["unique_id"].isin(new_ids)
    new = register_table(api, table[is_new], _table_name("new"))
    parts = [
        _pairs_frame(
            linker, linker.inference.predict_within(new, threshold_match_probability=floor)
        )
    ]
    if (~is_new).any():
        existing = register_table(api, table[~is_new], _table_name("existing"))
        parts.append(
            _pairs_frame(
                linker,
                linker.inference.predict_between(existing, new, threshold_match_probability=floor),
            )
        )
    pairs = pd.concat(parts, ignore_index=True)
    if timings is not None:
        timings.record("predict_new", started)
    return pairs
