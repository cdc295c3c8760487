"""Why two registrations were judged the same person: per-field match weights.

An explanation follows Splink's waterfall chart: the prior match weight, then for
each comparison the level the pair fell in and its weight log2(m/u) with its
term-frequency adjustment, and the final match weight (the sum of the bars). It is
read from the stored scored pair (Splink's per-comparison weights, kept with each
pair) and the run's model, so it needs no identity values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from splink import SettingsCreator
from sqlalchemy import Engine

from zicht.linkage._settings import trained_settings
from zicht.store import linkage as store

__all__ = [
    "ExplainError",
    "FieldWeight",
    "PairExplanation",
    "PersonExplanation",
    "explain_pair",
    "explain_person",
    "field_weights",
    "threshold_explanation",
]


@dataclass(frozen=True)
class FieldWeight:
    """One bar of the waterfall: a comparison, its level, and its match weight."""

    comparison: str
    level: str
    match_weight: float
    m_probability: float | None = None
    u_probability: float | None = None


@dataclass(frozen=True)
class PairExplanation:
    """The waterfall of one scored pair."""

    run_id: int
    registration_l: int
    registration_r: int
    match_weight: float
    match_probability: float
    bars: tuple[FieldWeight, ...]
    same_person: bool | None = None
    threshold: str | None = None


@dataclass(frozen=True)
class PersonExplanation:
    """A person of a run: its registrations and the links inside it."""

    run_id: int
    person_id: int
    registrations: pd.DataFrame
    links: tuple[PairExplanation, ...]
    suspicious: bool = False
    reasons: str | None = None
    notes: list[str] = field(default_factory=list)
    threshold: str | None = None


class ExplainError(LookupError):
    """What to explain is not in the run."""


def _settings(model: dict[str, Any]) -> Any:
    try:
        settings = trained_settings(model, "duckdb")
    except ValueError:
        # A model not made of plain linkage's comparisons (linkage on encodings,
        # zicht.pprl) is read as stored: its levels and weights are its own.
        settings = model
    return SettingsCreator.from_path_or_dict(settings).get_settings("duckdb")


_UNKNOWN = "Unknown on one side"


def _level_of(comparison: Any, weight: float) -> Any:
    """The level of `comparison` whose match weight is `weight` (None: the null level),
    for pairs stored before the level was kept (a level whose weight rounds to 0 is then
    taken for the null level)."""
    best, distance = None, 0.01
    for level in comparison.comparison_levels:
        if level.is_null_level:
            continue
        gap = abs(float(level._log2_bayes_factor) - weight)
        if gap < distance:
            best, distance = level, gap
    return best


def _bar_level(
    comparison: Any, weight: float, stored: str | None
) -> tuple[str, float | None, float | None]:
    """A bar's level label, m and u: from the stored level (Splink's comparison vector
    value; several joined by '|' when levels share the pair's weight, and then all are
    named, with no m and u), else read off the weight (`_level_of`)."""
    if stored:
        values = {int(v) for v in stored.split("|")}
        levels = [lv for lv in comparison.comparison_levels if lv.comparison_vector_value in values]
        if len(levels) == 1:
            level = levels[0]
            if level.is_null_level:
                return _UNKNOWN, None, None
            return str(level.label_for_charts), level.m_probability, level.u_probability
        if levels:
            labels = [_UNKNOWN if lv.is_null_level else str(lv.label_for_charts) for lv in levels]
            return " or ".join(labels), None, None
    level = _level_of(comparison, weight)
    if level is None:
        return _UNKNOWN, None, None
    return str(level.label_for_charts), level.m_probability, level.u_probability


def field_weights(
    model: dict[str, Any], weights: str, match_weight: float
) -> tuple[FieldWeight, ...]:
    """The waterfall bars of a pair from its stored per-field weights and final weight.

    Args:
        model: the run's Splink model.
        weights: "weight/tf adjustment/level" per comparison, comma-separated (as
            stored; levels sharing the weight joined by '|'; pairs stored before the
            level was kept have no "/level").
        match_weight: the pair's final match weight.
    """
    settings = _settings(model)
    prior = settings._probability_two_random_records_match
    bars = [
        FieldWeight(
            "prior", "Starting match weight (prior)", round(math.log2(prior / (1 - prior)), 3)
        )
    ]
    parts = [p.split("/") for p in weights.split(",")] if weights else []
    for comparison, (weight_text, tf_text, *level_text) in zip(
        settings.comparisons, parts, strict=False
    ):
        weight, tf = float(weight_text), float(tf_text)
        # A null on one side has no term frequency: Splink stores NaN, which is no
        # adjustment (0), not a number to print or to put in JSON.
        tf = tf if math.isfinite(tf) else 0.0
        weight = weight if math.isfinite(weight) else 0.0
        label, m, u = _bar_level(comparison, weight, level_text[0] if level_text else None)
        bars.append(
            FieldWeight(
                comparison=comparison.output_column_name,
                level=label,
                match_weight=weight,
                m_probability=m,
                u_probability=u,
            )
        )
        if tf != 0:
            bars.append(
                FieldWeight(
                    f"tf_{comparison.output_column_name}",
                    "Term-frequency adjustment (rare or common value)",
                    tf,
                )
            )
    bars.append(FieldWeight("final", "Final match weight", round(match_weight, 3)))
    return tuple(bars)


def _threshold_note(run: store.LinkRunRecord) -> str | None:
    metrics = run.metrics or {}
    choice = metrics.get("threshold_choice")
    if isinstance(choice, dict) and isinstance(choice.get("explanation"), str):
        note = str(choice["explanation"])
        strong = metrics.get("strong")
        if isinstance(strong, float):
            note += f"; a link weaker than {strong:.6g} may not hold a person together alone"
        return note
    threshold = (run.parameters or {}).get("threshold")
    return None if threshold is None else f"threshold {threshold:g} set by hand"


def threshold_explanation(engine: Engine, run_id: int | None = None) -> str | None:
    """Why a run (default: the latest) links at its threshold, in one sentence."""
    return _threshold_note(_run(engine, run_id))


def _run(engine: Engine, run_id: int | None) -> store.LinkRunRecord:
    run = store.latest_link_run(engine) if run_id is None else store.read_link_run(engine, run_id)
    if run is None or run.model is None:
        raise ExplainError("no finished link run; run `zicht link` first")
    return run


def explain_pair(
    engine: Engine, registration_l: int, registration_r: int, run_id: int | None = None
) -> PairExplanation:
    """Explain the score of two registrations in a run (default: the latest)."""
    run = _run(engine, run_id)
    assert run.model is not None
    low, high = sorted((int(registration_l), int(registration_r)))
    pairs = store.read_scored_pairs(engine, run.id, [low, high])
    pairs = pairs[(pairs["unique_id_l"] == low) & (pairs["unique_id_r"] == high)]
    if pairs.empty:
        raise ExplainError(
            f"registrations {low} and {high} were not scored together in run {run.id} "
            "(not blocked together, or below the pair floor)"
        )
    pair = pairs.iloc[0]
    members = store.read_person_registrations(engine, run.id)
    person = members.set_index("registration_id")["person_id"]
    same = bool(person.get(low) == person.get(high)) if low in person and high in person else None
    return PairExplanation(
        run_id=run.id,
        registration_l=low,
        registration_r=high,
        match_weight=float(pair["match_weight"]),
        match_probability=float(pair["match_probability"]),
        bars=field_weights(run.model, str(pair["field_weights"]), float(pair["match_weight"])),
        same_person=same,
        threshold=_threshold_note(run),
    )


def explain_person(engine: Engine, person_id: int, run_id: int | None = None) -> PersonExplanation:
    """Explain a person: its registrations and the scored links between them."""
    run = _run(engine, run_id)
    assert run.model is not None
    members = store.read_person_registrations(engine, run.id)
    members = members[members["person_id"] == int(person_id)]
    if members.empty:
        raise ExplainError(f"person {person_id} is not in run {run.id}")
    ids = members["registration_id"].tolist()
    pairs = store.read_scored_pairs(engine, run.id, ids)
    links = tuple(
        PairExplanation(
            run_id=run.id,
            registration_l=int(row.unique_id_l),
            registration_r=int(row.unique_id_r),
            match_weight=float(row.match_weight),
            match_probability=float(row.match_probability),
            bars=field_weights(run.model, str(row.field_weights), float(row.match_weight)),
            same_person=True,
        )
        for row in pairs.sort_values("match_weight", ascending=False).itertuples()
    )
    persons = store.read_linked_persons(engine, run.id)
    row = persons[persons["person_id"] == int(person_id)]
    suspicious = bool(row["suspicious"].iloc[0]) if not row.empty else False
    reasons = row["reasons"].iloc[0] if not row.empty else None
    notes = []
    size = len(ids)
    if size > 1 and len(pairs) < size * (size - 1) // 2:
        notes.append(
            f"{size * (size - 1) // 2 - len(pairs)} of the {size * (size - 1) // 2} pairs "
            "were not scored (not blocked together or below the pair floor); the person "
            "holds together through the links shown"
        )
    return PersonExplanation(
        run_id=run.id,
        person_id=int(person_id),
        registrations=members.reset_index(drop=True),
        links=links,
        suspicious=suspicious,
        reasons=reasons if isinstance(reasons, str) else None,
        notes=notes,
        threshold=_threshold_note(run),
    )
