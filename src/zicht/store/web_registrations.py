"""What the registrations pages and the API read: one page of records, one record, identities.

Plain SQLAlchemy Core over the record tables; rows come back as plain dicts of the
columns asked for (the list is built for speed: one cached statement per shape).
Identity values leave encrypted (`identity_tokens`); `zicht.access` decrypts and audits them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, String, bindparam, func, or_, select

from zicht.store.models import RECORD_TABLES
from zicht.store.reading import identity_context

__all__ = [
    "PAGE_SIZE",
    "RegistrationQuery",
    "count_registrations",
    "get_registration",
    "identity_tokens",
    "list_registrations",
    "registration_page",
    "years",
]

PAGE_SIZE = 50


@dataclass(frozen=True)
class RegistrationQuery:
    """Filters, order and page of a registrations list."""

    record_type: str = "victim_registration"
    organisation: str | None = None
    year: int | None = None
    form: str | None = None
    sort: str = "id"
    page: int = 1
    page_size: int = PAGE_SIZE


def _code_in(column: Any, code: str) -> Any:
    # Multi-valued codes are stored ';'-joined: match the whole code only.
    return or_(
        column == code,
        column.like(f"{code};%"),
        column.like(f"%;{code}"),
        column.like(f"%;{code};%"),
    )


def _conditions(table: Any, query: RegistrationQuery) -> list[Any]:
    conditions: list[Any] = []
    if query.organisation:
        conditions.append(table.c.source == query.organisation)
    if query.year:
        conditions.append(table.c.registration_year == query.year)
    if query.form:
        conditions.append(_code_in(table.c.forms, query.form))
    return conditions


@lru_cache(maxsize=256)
def _page_statement(
    record_type: str,
    sort: str,
    columns: tuple[str, ...],
    organisation: bool,
    year: bool,
    form: bool,
) -> Any:
    # One statement per shape of query, with the values as parameters: building it
    # anew costs more than running it on every list page.
    table = RECORD_TABLES[record_type].__table__
    conditions: list[Any] = []
    if organisation:
        conditions.append(table.c.source == bindparam("organisation"))
    if year:
        conditions.append(table.c.registration_year == bindparam("year"))
    if form:
        code: Any = bindparam("form", type_=String)
        conditions.append(
            or_(
                table.c.forms == code,
                table.c.forms.like(code + ";%"),
                table.c.forms.like("%;" + code),
                table.c.forms.like("%;" + code + ";%"),
            )
        )
    column = table.c[sort.lstrip("-")]
    order = [column.desc() if sort.startswith("-") else column.asc(), table.c.id.asc()]
    return (
        select(table.c.id, *(table.c[name] for name in columns))
        .where(*conditions)
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def registration_page(
    engine: Engine, query: RegistrationQuery, columns: Sequence[str]
) -> list[dict[str, Any]]:
    """One page of records: the id and the analytic `columns`."""
    statement = _page_statement(
        query.record_type,
        query.sort,
        tuple(columns),
        bool(query.organisation),
        bool(query.year),
        bool(query.form),
    )
    parameters = {
        "organisation": query.organisation,
        "year": query.year,
        "form": query.form,
        "limit": query.page_size,
        "offset": (query.page - 1) * query.page_size,
    }
    with engine.connect() as connection:
        result = connection.execute(statement, parameters)
        keys = list(result.keys())
        return [dict(zip(keys, row, strict=True)) for row in result]


def count_registrations(engine: Engine, query: RegistrationQuery) -> int:
    """How many records match the filters of `query` (all pages)."""
    table = RECORD_TABLES[query.record_type].__table__
    with engine.connect() as connection:
        total = connection.execute(
            select(func.count()).select_from(table).where(*_conditions(table, query))
        ).scalar_one()
    return int(total)


def list_registrations(
    engine: Engine, query: RegistrationQuery, columns: Sequence[str]
) -> tuple[list[dict[str, Any]], int]:
    """One page of records (the id and the analytic `columns`) and the number matching in all."""
    return registration_page(engine, query, columns), count_registrations(engine, query)


def get_registration(engine: Engine, record_type: str, record_id: int) -> dict[str, Any] | None:
    """The analytic fields of one record (no identity), or None."""
    table = RECORD_TABLES[record_type].__table__
    columns = [c for c in table.c if c.name not in ("identity", "content_hash")]
    with engine.connect() as connection:
        row = connection.execute(select(*columns).where(table.c.id == record_id)).first()
    return dict(row._mapping) if row is not None else None


def identity_tokens(
    engine: Engine, record_type: str, ids: Sequence[int]
) -> list[tuple[int, str, bytes | None]]:
    """(id, context, encrypted identity) of the records `ids`; decrypted by `zicht.access`."""
    if not ids:
        return []
    table = RECORD_TABLES[record_type].__table__
    statement = select(table.c.id, table.c.source, table.c.source_record_id, table.c.identity)
    with engine.connect() as connection:
        rows = connection.execute(statement.where(table.c.id.in_(list(ids)))).all()
    return [
        (int(row.id), identity_context(record_type, row.source, row.source_record_id), row.identity)
        for row in rows
    ]


def years(engine: Engine, record_type: str) -> list[int]:
    """Registration years present, newest first."""
    table = RECORD_TABLES[record_type].__table__
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.registration_year).distinct().order_by(table.c.registration_year.desc())
        ).scalars()
        return [int(year) for year in rows]
