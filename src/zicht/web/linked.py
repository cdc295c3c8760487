"""Linked persons and estimates for the pages and the API (latest finished link run)."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from zicht.store.linkage import (
    LinkRunRecord,
    latest_link_run,
    linked_registrations,
    read_linked_persons,
    read_person_registrations,
)

__all__ = [
    "EstimateRow",
    "estimate_rows",
    "explanation",
    "latest_run",
    "person_members",
    "persons_of_run",
]

log = logging.getLogger(__name__)


def latest_run(engine: Engine) -> LinkRunRecord | None:
    """The newest finished link run, or None."""
    return latest_link_run(engine)


def persons_of_run(engine: Engine, run_id: int, suspicious_only: bool) -> list[dict[str, Any]]:
    """Persons of a run: person_id, registrations, suspicious, reasons."""
    frame = read_linked_persons(engine, run_id, suspicious_only=suspicious_only)
    return [
        {
            "person_id": int(row.person_id),
            "registrations": int(row.registrations),
            "suspicious": bool(row.suspicious),
            "reasons": row.reasons if isinstance(row.reasons, str) else None,
        }
        for row in frame.itertuples()
    ]


def person_members(engine: Engine, run_id: int, person_id: int) -> list[tuple[int, str]]:
    """(registration_id, source) of the registrations of one person in a run."""
    frame = read_person_registrations(engine, run_id)
    members = frame[frame["person_id"] == person_id]
    return [(int(r.registration_id), str(r.source)) for r in members.itertuples()]


def explanation(
    engine: Engine, run_id: int, person_id: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """Why the registrations of a person were linked: per pair, the field weights."""
    try:
        from zicht.linkage import ExplainError, explain_person
    except ImportError:  # pragma: no cover - linkage ships with Zicht
        return [], []
    try:
        explained = explain_person(engine, person_id, run_id)
    except ExplainError:
        return [], []
    except Exception:  # an explanation that cannot be built must not hide the person
        log.exception("cannot explain person %s of run %s", person_id, run_id)
        return [], []
    links = [
        {
            "left": link.registration_l,
            "right": link.registration_r,
            "weight": round(link.match_weight, 2),
            "probability": round(link.match_probability, 4),
            "bars": [
                {"comparison": b.comparison, "level": b.level, "weight": round(b.match_weight, 2)}
                for b in link.bars
            ],
        }
        for link in explained.links
    ]
    return links, list(explained.notes)


@dataclass(frozen=True)
class EstimateRow:
    """One estimate: a stratum, the persons observed, the estimate and its interval."""

    stratum: str
    observed: int
    estimate: float | None
    lower: float | None
    upper: float | None
    model: str | None
    problem: str | None = None


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def estimate_rows(engine: Engine, run_id: int) -> list[EstimateRow]:
    """Stepwise log-linear MSE (normal log interval) for all victims and per year."""
    from zicht.estimate import (
        EstimationError,
        capture_histories_from_registrations,
        normal_log_interval,
        select_model,
    )

    frame = linked_registrations(engine, run_id)
    if frame.empty:
        return []
    frame = frame.assign(
        forms=frame["forms"].fillna("").str.replace(";", ","),
        dutch=frame["nationality"] == "NL",
        minor=frame["minor"].fillna(False).astype(bool),
    )
    rows: list[EstimateRow] = []
    for by in ((), ("year",)):
        try:
            tables = capture_histories_from_registrations(frame, by=list(by))
        except EstimationError as exc:
            rows.append(EstimateRow("", 0, None, None, None, None, str(exc)))
            continue
        for key, table in sorted(tables.items(), key=lambda item: str(item[0])):
            label = "" if not key else str(key[0])
            try:
                selection = select_model(table, "stepwise", 0.02)
                interval = normal_log_interval(selection.fit, 0.95)
                rows.append(
                    EstimateRow(
                        label,
                        table.n_observed,
                        _finite(selection.fit.estimate),
                        _finite(interval.lower),
                        _finite(interval.upper),
                        selection.fit.label(),
                    )
                )
            except (EstimationError, ValueError, ArithmeticError) as exc:
                rows.append(EstimateRow(label, table.n_observed, None, None, None, None, str(exc)))
    return rows
