"""Linked persons and estimates for the pages and the API (latest finished link run)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from zicht.i18n import Translator
from zicht.store.linkage import (
    LinkRunRecord,
    latest_link_run,
    linked_registrations,
    read_linked_persons,
    read_person_registrations,
)
from zicht.web.explained import weight_rows

__all__ = [
    "explanation",
    "latest_run",
    "person_members",
    "persons_of_run",
    "run_estimates",
]

if TYPE_CHECKING:
    from zicht.estimate import Estimate

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
    engine: Engine, run_id: int, person_id: int, t: Translator
) -> tuple[list[dict[str, Any]], list[str]]:
    """Why the registrations of a person were linked, in `t`'s language: per pair, the
    comparisons with their levels and weights; and notes (pairs that were not scored)."""
    from zicht.linkage import ExplainError, explain_person

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
            "weight": t.number(link.match_weight, 2),
            "probability": t.number(100 * link.match_probability, 2),
            "bars": weight_rows(
                t,
                [
                    {"comparison": b.comparison, "level": b.level, "weight": b.match_weight}
                    for b in link.bars
                ],
            ),
        }
        for link in explained.links
    ]
    size = len(explained.registrations)
    pairs = size * (size - 1) // 2
    notes = []
    if size > 1 and len(links) < pairs:
        notes.append(
            t(
                "%(unscored)s of the %(pairs)s pairs were not scored (not compared, or too "
                "unlike to keep); the person holds together through the links shown.",
                unscored=t.number(pairs - len(links)),
                pairs=t.number(pairs),
            )
        )
    return links, notes


def run_estimates(engine: Engine, run_id: int) -> list[Estimate]:
    """The published estimates of a run: all victims, then per year (the one policy)."""
    from zicht.estimate import DEFAULT_POLICY, estimate_linked

    frame = linked_registrations(engine, run_id)
    return [
        *estimate_linked(frame, DEFAULT_POLICY),
        *estimate_linked(frame, DEFAULT_POLICY, by=("year",)),
    ]
