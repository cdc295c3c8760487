"""Aggregate reads for the monitor: counts by GROUP BY, never a person's identity.

Every function returns plain rows of counts. Nothing here reads the `identity`
column or the encrypted original of a quarantined row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Engine, case, distinct, func, inspect, literal, select
from sqlalchemy.exc import SQLAlchemyError

from zicht.store.linkage import LinkRunRecord, PersonRegistrationRow, latest_link_run
from zicht.store.models import (
    IngestBatch,
    QuarantineRow,
    SuspectRegistrationRow,
    VictimRegistrationRow,
)

__all__ = [
    "VICTIM_DIMENSIONS",
    "capture_masks",
    "data_cutoff",
    "linkage_counts",
    "linkage_run",
    "missing_fields",
    "persons_per_organisation",
    "quarantine_counts",
    "suspect_counts",
    "victim_counts",
]

V = VictimRegistrationRow

VICTIM_DIMENSIONS: dict[str, tuple[Any, ...]] = {
    "organisation": (V.source,),
    "form": (V.forms,),
    "age": (V.minor, V.age_band),
    "gender": (V.gender,),
    "nationality": (V.nationality,),
}
"""Columns the monitor breaks registrations down by (forms are ';'-joined sets)."""

MISSING_FIELDS: dict[str, Any] = {
    "age": V.age.is_(None),
    "nationality": V.nationality.is_(None),
    "gender": V.gender == "unknown",
    "forms": V.forms == "",
    "country_of_exploitation": V.country_of_exploitation.is_(None),
}


def victim_counts(
    engine: Engine, dimension: str | None = None
) -> list[tuple[int, tuple[Any, ...], int]]:
    """Registrations per (year, values of `dimension`'s columns); `()` for the yearly total."""
    columns = VICTIM_DIMENSIONS[dimension] if dimension is not None else ()
    statement = select(V.registration_year, *columns, func.count()).group_by(
        V.registration_year, *columns
    )
    with engine.connect() as connection:
        return [
            (int(row[0]), tuple(row[1:-1]), int(row[-1])) for row in connection.execute(statement)
        ]


def persons_per_organisation(engine: Engine, run_id: int) -> dict[str, int]:
    """Distinct persons each organisation registered (all years) in a link run."""
    p = PersonRegistrationRow
    statement = (
        select(V.source, func.count(distinct(p.person_id)))
        .join(p, p.registration_id == V.id)
        .where(p.run_id == run_id)
        .group_by(V.source)
    )
    with engine.connect() as connection:
        return {str(s): int(n) for s, n in connection.execute(statement)}


def suspect_counts(engine: Engine) -> dict[str, dict[int, int]]:
    """Suspects registered per year and brought to the prosecutor per year.

    A suspect counts as brought to the prosecutor in the year of `prosecutor_date`,
    or of registration when that date is missing.
    """
    s = SuspectRegistrationRow
    prosecutor_year = func.coalesce(_year(engine, s.prosecutor_date), s.registration_year)
    with engine.connect() as connection:
        registered = connection.execute(
            select(s.registration_year, func.count()).group_by(s.registration_year)
        ).all()
        referred = connection.execute(
            select(prosecutor_year, func.count())
            .where(s.referred_to_prosecutor.is_(True))
            .group_by(prosecutor_year)
        ).all()
    return {
        "registered": {int(y): int(n) for y, n in registered},
        "prosecutor": {int(y): int(n) for y, n in referred},
    }


def _year(engine: Engine, column: Any) -> Any:
    if engine.dialect.name == "sqlite":
        return func.cast(func.strftime("%Y", column), V.registration_year.type)
    return func.cast(func.extract("year", column), V.registration_year.type)


def quarantine_counts(engine: Engine) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Quarantined rows per source, and per (source, rule); a row counts once per rule."""
    q = QuarantineRow
    rows: Counter[str] = Counter()
    rules: Counter[tuple[str, str]] = Counter()
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=20_000).execute(
            select(q.source, q.errors).order_by(q.id)
        )
        for source, errors in result:
            rows[source] += 1
            for rule in sorted({str(e.get("rule", "invalid")) for e in errors or []}):
                rules[(source, rule)] += 1
    return dict(rows), dict(rules)


def missing_fields(engine: Engine, year: int) -> dict[str, dict[str, int]]:
    """Per source: registrations of `year` and how many lack each analytic field."""
    columns = [func.count().label("registrations")] + [
        func.sum(case((condition, 1), else_=0)).label(name)
        for name, condition in MISSING_FIELDS.items()
    ]
    statement = select(V.source, *columns).where(V.registration_year == year).group_by(V.source)
    with engine.connect() as connection:
        return {
            row[0]: {key: int(value or 0) for key, value in row._mapping.items() if key != "source"}
            for row in connection.execute(statement)
        }


def data_cutoff(engine: Engine) -> dt.date | None:
    """The date of the newest finished ingest, else of the newest registration."""
    with engine.connect() as connection:
        finished = connection.execute(select(func.max(IngestBatch.finished_at))).scalar()
        if finished is not None:
            return finished.date() if isinstance(finished, dt.datetime) else _date(finished)
        newest = connection.execute(select(func.max(V.registration_date))).scalar()
    return None if newest is None else _date(newest)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def linkage_run(engine: Engine) -> LinkRunRecord | None:
    """The newest finished link run, or None (also when the linkage tables are missing)."""
    try:
        if not inspect(engine).has_table("link_run"):
            return None
        return latest_link_run(engine)
    except SQLAlchemyError:
        return None


def linkage_counts(engine: Engine, run_id: int) -> dict[int, tuple[int, int]]:
    """Per year: (registrations linked in the run, distinct persons among them)."""
    p = PersonRegistrationRow
    statement = (
        select(V.registration_year, func.count(), func.count(distinct(p.person_id)))
        .join(p, p.registration_id == V.id)
        .where(p.run_id == run_id)
        .group_by(V.registration_year)
    )
    with engine.connect() as connection:
        return {int(y): (int(r), int(n)) for y, r, n in connection.execute(statement)}


def capture_masks(
    engine: Engine,
    run_id: int,
    organisations: list[str],
    *,
    year: int | None = None,
    form: str | None = None,
) -> dict[int, dict[int, int]]:
    """Persons per capture history, per year: {year: {bitmask: persons}}.

    Bit `i` of the mask is set when organisation `organisations[i]` registered the
    person in that year (and, with `form`, for that form). Computed by the database:
    one row per (year, person) in a subquery, only counts come back.
    """
    p = PersonRegistrationRow
    bit = case(
        *[(V.source == code, 1 << i) for i, code in enumerate(organisations)],
        else_=0,
    )
    inner = (
        select(
            V.registration_year.label("year"),
            p.person_id,
            func.sum(distinct(bit)).label("mask"),
        )
        .join(p, p.registration_id == V.id)
        .where(p.run_id == run_id)
        .group_by(V.registration_year, p.person_id)
    )
    if year is not None:
        inner = inner.where(V.registration_year == year)
    if form is not None:
        inner = inner.where((literal(";") + V.forms + literal(";")).like(f"%;{form};%"))
    sub = inner.subquery()
    statement = select(sub.c.year, sub.c.mask, func.count()).group_by(sub.c.year, sub.c.mask)
    masks: dict[int, dict[int, int]] = {}
    with engine.connect() as connection:
        for y, mask, n in connection.execute(statement):
            masks.setdefault(int(y), {})[int(mask)] = int(n)
    return masks
