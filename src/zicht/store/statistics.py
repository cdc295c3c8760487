"""Aggregate reads for the monitor: counts by GROUP BY, never a person's identity.

Every function returns plain rows of counts. Nothing here reads the `identity`
column or the encrypted original of a quarantined row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Literal

from sqlalchemy import Engine, and_, case, distinct, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from zicht.store.linkage import LinkRunRecord, PersonRegistrationRow, latest_link_run
from zicht.store.models import (
    IngestBatch,
    QuarantineRow,
    ReportRow,
    SuspectRegistrationRow,
    VictimRegistrationRow,
)

__all__ = [
    "VICTIM_COLUMNS",
    "capture_masks",
    "data_cutoff",
    "form_masks",
    "forms_by_source",
    "linkage_run",
    "missing_fields",
    "quarantine_counts",
    "suspect_counts",
    "victim_counts",
]

V = VictimRegistrationRow

VICTIM_COLUMNS: tuple[Any, ...] = (
    V.source,
    V.forms,
    V.minor,
    V.age_band,
    V.gender,
    V.nationality,
)
"""Columns the monitor breaks registrations down by (forms are ';'-joined sets)."""

MISSING_FIELDS: dict[str, Any] = {
    # Encoded registrations (format 3) carry the age band only: not missing.
    "age": and_(V.age.is_(None), V.age_band.is_(None)),
    "nationality": V.nationality.is_(None),
    "gender": V.gender == "unknown",
    "forms": V.forms == "",
    "country_of_exploitation": V.country_of_exploitation.is_(None),
    # Stored with an identity value left out for breaking a rule (docs/ingest.md).
    "identity_flagged": V.quality_flags.is_not(None),
}


def victim_counts(engine: Engine) -> list[tuple[Any, ...]]:
    """Registrations per combination of year and every breakdown column, in one scan.

    Rows are (registration_year, source, forms, minor, age_band, gender, nationality,
    count). One GROUP BY over all columns reads the table once; the monitor sums the
    breakdowns it needs from these (far fewer) rows.
    """
    columns = (V.registration_year, *VICTIM_COLUMNS)
    statement = select(*columns, func.count()).group_by(*columns)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(statement)]


def forms_by_source(
    engine: Engine, record_type: Literal["report", "victim_registration"], year: int
) -> list[tuple[str, str, int]]:
    """Records of `record_type` ("report" or "victim_registration") registered in `year`,
    counted per (source, forms): rows (source, ';'-joined forms, count)."""
    table: type[ReportRow] | type[VictimRegistrationRow] = (
        ReportRow if record_type == "report" else VictimRegistrationRow
    )
    statement = (
        select(table.source, table.forms, func.count())
        .where(table.registration_year == year)
        .group_by(table.source, table.forms)
    )
    with engine.connect() as connection:
        return [(str(s), str(f or ""), int(n)) for s, f, n in connection.execute(statement)]


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


def _bit(organisations: list[str]) -> Any:
    return case(*[(V.source == code, 1 << i) for i, code in enumerate(organisations)], else_=0)


def capture_masks(
    engine: Engine, run_id: int, organisations: list[str]
) -> dict[int, dict[int, tuple[int, int]]]:
    """Per year, per capture history: (persons, their registrations).

    The capture history is a bitmask: bit `i` is set when `organisations[i]` registered
    the person in that year. The database groups by (year, person) and then by
    (year, mask): only counts come back.
    """
    p = PersonRegistrationRow
    inner = (
        select(
            V.registration_year.label("year"),
            func.sum(distinct(_bit(organisations))).label("mask"),
            func.count().label("registrations"),
        )
        .join(p, p.registration_id == V.id)
        .where(p.run_id == run_id)
        .group_by(V.registration_year, p.person_id)
        .subquery()
    )
    statement = select(
        inner.c.year, inner.c.mask, func.count(), func.sum(inner.c.registrations)
    ).group_by(inner.c.year, inner.c.mask)
    masks: dict[int, dict[int, tuple[int, int]]] = {}
    with engine.connect() as connection:
        for y, mask, persons, registrations in connection.execute(statement):
            masks.setdefault(int(y), {})[int(mask)] = (int(persons), int(registrations))
    return masks


def form_masks(
    engine: Engine, run_id: int, organisations: list[str], year: int
) -> dict[str, dict[int, int]]:
    """Per form, persons per capture history in `year` (bitmasks as in `capture_masks`).

    A person is in a form's stratum when any of their registrations of the year has
    that form; their history there is the organisations that registered that form.
    """
    p = PersonRegistrationRow
    statement = (
        select(p.person_id, V.forms, func.sum(distinct(_bit(organisations))))
        .join(p, p.registration_id == V.id)
        .where(p.run_id == run_id, V.registration_year == year)
        .group_by(p.person_id, V.forms)
    )
    per_person: dict[str, dict[int, int]] = {}
    with engine.connect() as connection:
        for person, forms, mask in connection.execute(statement):
            for form in str(forms or "").split(";"):
                if form:
                    masks = per_person.setdefault(form, {})
                    masks[person] = masks.get(person, 0) | int(mask)
    counts: dict[str, dict[int, int]] = {}
    for form, masks in per_person.items():
        counts[form] = dict(Counter(masks.values()))
    return counts
