"""Linked persons and estimates for the pages and the API (latest finished link run)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine

from zicht.store.linkage import (
    LinkRunRecord,
    latest_link_run,
    linked_registrations,
    read_linked_persons,
    read_person_registrations,
)
from zicht.store.web_uploads import latest_delivery_at

__all__ = [
    "Staleness",
    "explanation",
    "latest_run",
    "linkage_staleness",
    "person_members",
    "person_registrations_frame",
    "persons_of_run",
    "run_estimates",
    "search_persons",
]

if TYPE_CHECKING:
    from zicht.estimate import Estimate

log = logging.getLogger(__name__)


def latest_run(engine: Engine) -> LinkRunRecord | None:
    """The newest finished link run, or None."""
    return latest_link_run(engine)


@dataclass(frozen=True)
class Staleness:
    """The latest link run began before the latest delivery finished: linked figures lag."""

    run_id: int
    run_started: dt.datetime
    delivery_finished: dt.datetime


def linkage_staleness(engine: Engine) -> Staleness | None:
    """Whether the linked figures miss deliveries: the latest finished run started before
    the latest delivery finished (None when they do not, or when no run exists)."""
    run = latest_link_run(engine)
    delivered = latest_delivery_at(engine)
    if run is None or delivered is None or delivered <= run.started_at:
        return None
    return Staleness(run.id, run.started_at, delivered)


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


def person_registrations_frame(engine: Engine, run_id: int) -> pd.DataFrame:
    """Every registration of a run with its person, analytic fields and the source's own
    reference: person_id, registration_id, organisation, year, forms, minor,
    source_record_id (no identity values)."""
    frame = linked_registrations(engine, run_id)
    references = read_person_registrations(engine, run_id)[["registration_id", "source_record_id"]]
    return frame.merge(references, on="registration_id", how="left")


def search_persons(
    frame: pd.DataFrame,
    persons: list[dict[str, Any]],
    *,
    text: str = "",
    organisation: str | None = None,
    year: int | None = None,
    minor: bool | None = None,
    form: str | None = None,
) -> list[dict[str, Any]]:
    """Persons with a registration that meets every filter, with all their organisations
    and years; `text` is a person id, a registration id or a source's own reference."""
    rows = frame
    text = text.strip()
    if text:
        match = rows["source_record_id"].astype(str) == text
        if text.isdigit() and len(text) < 12:
            number = int(text)
            match |= (rows["person_id"] == number) | (rows["registration_id"] == number)
        rows = rows[match]
    if organisation:
        rows = rows[rows["organisation"] == organisation]
    if year is not None:
        rows = rows[rows["year"] == year]
    if minor is not None:
        rows = rows[rows["minor"].fillna(not minor).astype(bool) == minor]
    if form:
        codes = rows["forms"].fillna("").astype(str).str.split(r"[;,]", regex=True)
        rows = rows[codes.map(lambda found: form in found)]
    wanted = set(rows["person_id"].astype(int))
    of_person = frame[frame["person_id"].isin(wanted)].groupby("person_id")
    organisations = of_person["organisation"].agg(lambda v: sorted(set(v)))
    years = of_person["year"].agg(lambda v: sorted({int(y) for y in v if pd.notna(y)}))
    return [
        {**p, "organisations": organisations[p["person_id"]], "years": years[p["person_id"]]}
        for p in persons
        if p["person_id"] in wanted
    ]


def explanation(
    engine: Engine, run_id: int, person_id: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """Why the registrations of a person were linked: per pair, the field weights."""
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


def run_estimates(engine: Engine, run_id: int) -> list[Estimate]:
    """The published estimates of a run: all victims, then per year (the one policy)."""
    from zicht.estimate import DEFAULT_POLICY, estimate_linked

    frame = linked_registrations(engine, run_id)
    return [
        *estimate_linked(frame, DEFAULT_POLICY),
        *estimate_linked(frame, DEFAULT_POLICY, by=("year",)),
    ]
