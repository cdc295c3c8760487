"""Linkage results in the application database: runs, persons, memberships, scored pairs.

A link run is versioned: its parameters, the trained Splink model (JSON), timings and
metrics are kept with it. Person ids live in their own table so that an id, once
handed out, is never reused; each run maps every victim registration to a person.
`zicht.linkage` computes in DuckDB or Spark and hands plain tables to the functions
here; only this module writes linkage results with SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store._run_rows import fail_run, finish_run
from zicht.store.models import Base, VictimRegistrationRow, utcnow

__all__ = [
    "LinkRunRecord",
    "LinkRunRow",
    "LinkedPersonRow",
    "PersonRegistrationRow",
    "PersonRow",
    "ScoredPairRow",
    "allocate_person_ids",
    "fail_link_run",
    "finish_link_run",
    "latest_link_run",
    "linked_registrations",
    "read_link_run",
    "read_linked_persons",
    "read_person_registrations",
    "read_scored_pairs",
    "start_link_run",
    "unlinked_registrations_by_year",
    "write_linked_persons",
    "write_person_registrations",
    "write_scored_pairs",
]

_BATCH = 20_000


class LinkRunRow(Base):
    """One run of `zicht link`: how it was done and what it found."""

    __tablename__ = "link_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mode: Mapped[str] = mapped_column(String(20))
    backend: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    model_run_id: Mapped[int | None] = mapped_column(ForeignKey("link_run.id"), nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    model: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    timings: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    registrations: Mapped[int] = mapped_column(Integer, default=0)
    persons: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(400), nullable=True)


class PersonRow(Base):
    """A person id: handed out once, kept while its registrations stay together."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_run_id: Mapped[int] = mapped_column(ForeignKey("link_run.id"), index=True)


class LinkedPersonRow(Base):
    """A person as found by one run: its size and whether it looks suspicious."""

    __tablename__ = "linked_person"

    run_id: Mapped[int] = mapped_column(ForeignKey("link_run.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    registrations: Mapped[int] = mapped_column(Integer)
    suspicious: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[str | None] = mapped_column(String(400), nullable=True)


class PersonRegistrationRow(Base):
    """Registration -> person, per run."""

    __tablename__ = "person_registration"

    run_id: Mapped[int] = mapped_column(ForeignKey("link_run.id"), primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("victim_registration.id"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)


class ScoredPairRow(Base):
    """A scored pair of registrations (l < r) of one run, with its per-field weights.

    `field_weights` holds, per comparison of the run's model in order, the match
    weight, the term-frequency adjustment and the comparison level (Splink's comparison
    vector value, -1 for unknown; levels sharing the weight joined by '|') as
    "weight/adjustment/level", comma-separated (runs stored before the level was kept:
    "weight/adjustment").
    """

    __tablename__ = "scored_pair"

    run_id: Mapped[int] = mapped_column(ForeignKey("link_run.id"), primary_key=True)
    registration_id_l: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id_r: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    match_weight: Mapped[float] = mapped_column(Float)
    match_probability: Mapped[float] = mapped_column(Float)
    field_weights: Mapped[str] = mapped_column(String(400))


@dataclass(frozen=True)
class LinkRunRecord:
    """A link run as read back (no SQLAlchemy object leaves the store)."""

    id: int
    mode: str
    backend: str
    status: str
    model_run_id: int | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    parameters: dict[str, Any]
    model: dict[str, Any] | None
    timings: dict[str, Any] | None
    metrics: dict[str, Any] | None
    registrations: int
    persons: int


def _record(mapping: Any) -> LinkRunRecord:
    return LinkRunRecord(**{name: mapping[name] for name in LinkRunRecord.__dataclass_fields__})


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), _BATCH):
        yield rows[start : start + _BATCH]


def start_link_run(
    engine: Engine,
    *,
    mode: str,
    backend: str,
    parameters: dict[str, Any],
    model_run_id: int | None = None,
) -> int:
    """Record the start of a run; returns its id."""
    with engine.begin() as connection:
        result = connection.execute(
            insert(LinkRunRow).values(
                mode=mode,
                backend=backend,
                status="running",
                model_run_id=model_run_id,
                started_at=utcnow(),
                parameters=parameters,
                registrations=0,
                persons=0,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def finish_link_run(
    engine: Engine,
    run_id: int,
    *,
    model: dict[str, Any],
    timings: dict[str, Any],
    metrics: dict[str, Any],
    registrations: int,
    persons: int,
) -> None:
    """Mark a run done with its model, timings and metrics."""
    finish_run(
        engine,
        LinkRunRow,
        run_id,
        model=model,
        timings=timings,
        metrics=metrics,
        registrations=registrations,
        persons=persons,
    )


def fail_link_run(engine: Engine, run_id: int, error: str) -> None:
    """Mark a run failed (the message must not hold personal data)."""
    fail_run(engine, LinkRunRow, run_id, error)


def read_link_run(engine: Engine, run_id: int) -> LinkRunRecord | None:
    """One run, or None."""
    with engine.connect() as connection:
        row = connection.execute(select(LinkRunRow).where(LinkRunRow.id == run_id)).first()
    return None if row is None else _record(row._mapping)


def latest_link_run(engine: Engine) -> LinkRunRecord | None:
    """The newest finished run, or None."""
    with engine.connect() as connection:
        row = connection.execute(
            select(LinkRunRow)
            .where(LinkRunRow.status == "done")
            .order_by(LinkRunRow.id.desc())
            .limit(1)
        ).first()
    return None if row is None else _record(row._mapping)


def allocate_person_ids(engine: Engine, run_id: int, count: int) -> list[int]:
    """Hand out `count` new person ids, created by `run_id`."""
    if count == 0:
        return []
    with engine.begin() as connection:
        highest = connection.execute(select(func.max(PersonRow.id))).scalar() or 0
        ids = list(range(highest + 1, highest + 1 + count))
        rows = [{"id": i, "created_run_id": run_id} for i in ids]
        for batch in _batches(rows):
            connection.execute(insert(PersonRow), batch)
    return ids


def write_person_registrations(engine: Engine, run_id: int, assignments: pd.DataFrame) -> None:
    """Store `registration_id` -> `person_id` of one run."""
    rows = [
        {"run_id": run_id, "registration_id": r, "person_id": p}
        for r, p in zip(
            assignments["registration_id"].tolist(), assignments["person_id"].tolist(), strict=True
        )
    ]
    with engine.begin() as connection:
        for batch in _batches(rows):
            connection.execute(insert(PersonRegistrationRow), batch)


def write_linked_persons(engine: Engine, run_id: int, persons: pd.DataFrame) -> None:
    """Store the persons of one run (`person_id`, `registrations`, `suspicious`, `reasons`)."""
    rows = [
        {
            "run_id": run_id,
            "person_id": int(p),
            "registrations": int(n),
            "suspicious": bool(s),
            "reasons": r if isinstance(r, str) and r else None,
        }
        for p, n, s, r in zip(
            persons["person_id"].tolist(),
            persons["registrations"].tolist(),
            persons["suspicious"].tolist(),
            persons["reasons"].tolist(),
            strict=True,
        )
    ]
    with engine.begin() as connection:
        for batch in _batches(rows):
            connection.execute(insert(LinkedPersonRow), batch)


def write_scored_pairs(engine: Engine, run_id: int, pairs: pd.DataFrame) -> None:
    """Store scored pairs (`unique_id_l`, `unique_id_r`, weights, `field_weights`) of one run."""
    rows = [
        {
            "run_id": run_id,
            "registration_id_l": int(left),
            "registration_id_r": int(right),
            "match_weight": float(weight),
            "match_probability": float(probability),
            "field_weights": field_weights,
        }
        for left, right, weight, probability, field_weights in zip(
            pairs["unique_id_l"].tolist(),
            pairs["unique_id_r"].tolist(),
            pairs["match_weight"].tolist(),
            pairs["match_probability"].tolist(),
            pairs["field_weights"].tolist(),
            strict=True,
        )
    ]
    with engine.begin() as connection:
        for batch in _batches(rows):
            connection.execute(insert(ScoredPairRow), batch)


def read_person_registrations(engine: Engine, run_id: int) -> pd.DataFrame:
    """`registration_id`, `person_id`, `source`, `source_record_id` of one run."""
    statement = (
        select(
            PersonRegistrationRow.registration_id,
            PersonRegistrationRow.person_id,
            VictimRegistrationRow.source,
            VictimRegistrationRow.source_record_id,
        )
        .join(
            VictimRegistrationRow,
            VictimRegistrationRow.id == PersonRegistrationRow.registration_id,
        )
        .where(PersonRegistrationRow.run_id == run_id)
        .order_by(PersonRegistrationRow.registration_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return pd.DataFrame(
        [tuple(r) for r in rows],
        columns=["registration_id", "person_id", "source", "source_record_id"],
    )


def read_linked_persons(
    engine: Engine, run_id: int, *, suspicious_only: bool = False
) -> pd.DataFrame:
    """The persons of one run with size and suspicion."""
    statement = select(
        LinkedPersonRow.person_id,
        LinkedPersonRow.registrations,
        LinkedPersonRow.suspicious,
        LinkedPersonRow.reasons,
    ).where(LinkedPersonRow.run_id == run_id)
    if suspicious_only:
        statement = statement.where(LinkedPersonRow.suspicious.is_(True))
    with engine.connect() as connection:
        rows = connection.execute(statement.order_by(LinkedPersonRow.person_id)).all()
    return pd.DataFrame(
        [tuple(r) for r in rows], columns=["person_id", "registrations", "suspicious", "reasons"]
    )


def read_scored_pairs(
    engine: Engine, run_id: int, registration_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Scored pairs of one run, optionally only those among `registration_ids`."""
    statement = select(
        ScoredPairRow.registration_id_l,
        ScoredPairRow.registration_id_r,
        ScoredPairRow.match_weight,
        ScoredPairRow.match_probability,
        ScoredPairRow.field_weights,
    ).where(ScoredPairRow.run_id == run_id)
    if registration_ids is not None:
        ids = [int(i) for i in registration_ids]
        statement = statement.where(
            ScoredPairRow.registration_id_l.in_(ids), ScoredPairRow.registration_id_r.in_(ids)
        )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return pd.DataFrame(
        [tuple(r) for r in rows],
        columns=[
            "unique_id_l",
            "unique_id_r",
            "match_weight",
            "match_probability",
            "field_weights",
        ],
    )


def linked_registrations(engine: Engine, run_id: int | None = None) -> pd.DataFrame:
    """Analytic fields of every registration with its person in a run (default: latest).

    Columns: person_id, registration_id, organisation, year, forms, minor, gender,
    nationality. Empty when no run is finished.
    """
    if run_id is None:
        latest = latest_link_run(engine)
        run_id = None if latest is None else latest.id
    columns = [
        "person_id",
        "registration_id",
        "organisation",
        "year",
        "forms",
        "minor",
        "gender",
        "nationality",
    ]
    if run_id is None:
        return pd.DataFrame(columns=columns)
    v = VictimRegistrationRow
    statement = (
        select(
            PersonRegistrationRow.person_id,
            v.id,
            v.source,
            v.registration_year,
            v.forms,
            v.minor,
            v.gender,
            v.nationality,
        )
        .join(v, v.id == PersonRegistrationRow.registration_id)
        .where(PersonRegistrationRow.run_id == run_id)
        .order_by(v.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def unlinked_registrations_by_year(engine: Engine, run_id: int | None = None) -> dict[int, int]:
    """Victim registrations per registration year that a run (default: the latest) does
    not hold: those stored after it. Empty when every registration is in the run; every
    registration's year when no run is finished."""
    if run_id is None:
        latest = latest_link_run(engine)
        run_id = None if latest is None else latest.id
    v = VictimRegistrationRow
    in_run = (
        select(PersonRegistrationRow.registration_id)
        .where(PersonRegistrationRow.run_id == run_id)
        .where(PersonRegistrationRow.registration_id == v.id)
    )
    statement = (
        select(v.registration_year, func.count())
        .where(~in_run.exists())
        .group_by(v.registration_year)
        .order_by(v.registration_year)
    )
    with engine.connect() as connection:
        return {int(year): int(n) for year, n in connection.execute(statement)}
