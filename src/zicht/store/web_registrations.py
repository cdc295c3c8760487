"""What the registrations pages and the API read: one page of records, one record, identities.

Plain SQLAlchemy Core over the record tables; rows come back as frozen dataclasses
(`RegistrationRow` for lists, `StoredRegistration` for one record). The list is built
for speed: one cached statement per shape of query.
Identity values leave encrypted (`identity_tokens`); `zicht.access` decrypts and audits them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import Engine, String, bindparam, func, or_, select

from zicht.store.database import read_rows
from zicht.store.models import RECORD_TABLES
from zicht.store.reading import identity_context

__all__ = [
    "PAGE_SIZE",
    "RegistrationQuery",
    "RegistrationRow",
    "StoredRegistration",
    "count_registrations",
    "get_registration",
    "identity_tokens",
    "iter_registrations",
    "list_registrations",
    "registration_page",
    "years",
]

PAGE_SIZE = 50


@dataclass(frozen=True)
class RegistrationQuery:
    """Filters, search, order and page of a registrations list.

    `search` matches part of the source's own reference (`source_record_id`, any case)
    or, when it is a whole number, the registration's number; `batch` is a delivery.
    """

    record_type: str = "victim_registration"
    organisation: str | None = None
    year: int | None = None
    form: str | None = None
    sort: str = "id"
    page: int = 1
    page_size: int = PAGE_SIZE
    search: str | None = None
    gender: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    batch: int | None = None


@dataclass(frozen=True)
class RegistrationRow:
    """One row of a registrations list: the columns every record type has, then those of
    some types (None where the type has no such column)."""

    id: int
    source: str
    source_record_id: str
    registration_date: dt.date
    registration_year: int
    forms: str
    batch_id: int
    gender: str | None = None
    age: int | None = None
    nationality: str | None = None
    role: str | None = None
    channel: str | None = None
    reporter_kind: str | None = None
    municipality: str | None = None

    def value(self, name: str) -> Any:
        """The value of column `name` (a KeyError for a column no list row has)."""
        if name not in _ROW_FIELDS:
            raise KeyError(name)
        return getattr(self, name)


_ROW_FIELDS = tuple(f.name for f in fields(RegistrationRow))


@dataclass(frozen=True)
class StoredRegistration:
    """One stored record without its identity: the common columns and, in `fields`, every
    analytic column of its type by name (read-only)."""

    id: int
    record_type: str
    source: str
    source_record_id: str
    registration_year: int
    fields: Mapping[str, Any]


def _row_columns(record_type: str) -> tuple[str, ...]:
    table = RECORD_TABLES[record_type].__table__
    return tuple(name for name in _ROW_FIELDS if name in table.c)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_condition(table: Any, text: Any, number: Any) -> Any:
    condition = table.c.source_record_id.ilike(text, escape="\\")
    return condition if number is None else or_(condition, table.c.id == number)


def _search_number(search: str) -> int | None:
    return int(search) if search.isdigit() and len(search) < 10 else None


def _conditions(table: Any, query: RegistrationQuery, bound: bool) -> list[Any]:
    # The same conditions as bound parameters (the cached page statement) or values.
    def value(name: str, given: Any, type_: Any = None) -> Any:
        return bindparam(name, type_=type_) if bound else given

    conditions: list[Any] = []
    if query.organisation:
        conditions.append(table.c.source == value("organisation", query.organisation))
    if query.year:
        conditions.append(table.c.registration_year == value("year", query.year))
    if query.form:
        code: Any = value("form", query.form, String)
        conditions.append(
            or_(
                table.c.forms == code,
                table.c.forms.like(code + ";%"),
                table.c.forms.like("%;" + code),
                table.c.forms.like("%;" + code + ";%"),
            )
        )
    if query.search:
        pattern = f"%{_escaped(query.search)}%"
        number = _search_number(query.search)
        conditions.append(
            _search_condition(
                table,
                value("search", pattern, String),
                None if number is None else value("search_id", number),
            )
        )
    if query.gender and "gender" in table.c:
        conditions.append(table.c.gender == value("gender", query.gender))
    if query.since:
        conditions.append(table.c.registration_date >= value("since", query.since))
    if query.until:
        conditions.append(table.c.registration_date <= value("until", query.until))
    if query.batch:
        conditions.append(table.c.batch_id == value("batch", query.batch))
    return conditions


def _shape(query: RegistrationQuery) -> tuple[Any, ...]:
    search_number = _search_number(query.search) if query.search else None
    return (
        query.record_type,
        query.sort,
        bool(query.organisation),
        bool(query.year),
        bool(query.form),
        bool(query.search),
        search_number is not None,
        bool(query.gender),
        bool(query.since),
        bool(query.until),
        bool(query.batch),
    )


@lru_cache(maxsize=512)
def _page_statement(shape: tuple[Any, ...]) -> Any:
    # One statement per shape of query, with the values as parameters: building it
    # anew costs more than running it on every list page.
    record_type, sort, organisation, year, form, search, number, gender, since, until, batch = shape
    table = RECORD_TABLES[record_type].__table__
    # A query standing in for the shape: only which filters are set matters here.
    stand_in = RegistrationQuery(
        record_type=record_type,
        organisation="x" if organisation else None,
        year=1 if year else None,
        form="x" if form else None,
        search=("1" if number else "x") if search else None,
        gender="x" if gender else None,
        since=dt.date.min if since else None,
        until=dt.date.min if until else None,
        batch=1 if batch else None,
    )
    column = table.c[sort.lstrip("-")]
    order = [column.desc() if sort.startswith("-") else column.asc(), table.c.id.asc()]
    return (
        select(*(table.c[name] for name in _row_columns(record_type)))
        .where(*_conditions(table, stand_in, bound=True))
        .order_by(*order)
    )


def _parameters(query: RegistrationQuery) -> dict[str, Any]:
    return {
        "organisation": query.organisation,
        "year": query.year,
        "form": query.form,
        "search": f"%{_escaped(query.search)}%" if query.search else None,
        "search_id": _search_number(query.search) if query.search else None,
        "gender": query.gender,
        "since": query.since,
        "until": query.until,
        "batch": query.batch,
    }


def _rows(result: Any, record_type: str) -> Iterator[RegistrationRow]:
    names = _row_columns(record_type)
    if names == _ROW_FIELDS[: len(names)]:
        # The columns are the row's first fields, in order (victims, suspects): by position,
        # without a dictionary per row (a list page makes 50 of them on every view).
        for row in result:
            yield RegistrationRow(*row)
        return
    for row in result:
        yield RegistrationRow(**dict(zip(names, row, strict=True)))


@lru_cache(maxsize=512)
def _paged_statement(shape: tuple[Any, ...]) -> Any:
    # Kept whole, limit and offset included: a statement built anew per request would
    # cost its construction and its cache key on every list page.
    return _page_statement(shape).limit(bindparam("limit")).offset(bindparam("offset"))


def registration_page(engine: Engine, query: RegistrationQuery) -> list[RegistrationRow]:
    """One page of records matching `query`."""
    statement = _paged_statement(_shape(query))
    parameters = {
        **_parameters(query),
        "limit": query.page_size,
        "offset": (query.page - 1) * query.page_size,
    }
    return list(_rows(read_rows(engine, statement, parameters), query.record_type))


def iter_registrations(
    engine: Engine, query: RegistrationQuery, limit: int
) -> Iterator[RegistrationRow]:
    """Every record matching `query` in its order (pages ignored), at most `limit`."""
    statement = _page_statement(_shape(query)).limit(bindparam("limit"))
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=1000).execute(
            statement, {**_parameters(query), "limit": limit}
        )
        yield from _rows(result, query.record_type)


def count_registrations(engine: Engine, query: RegistrationQuery) -> int:
    """How many records match the filters of `query` (all pages)."""
    table = RECORD_TABLES[query.record_type].__table__
    with engine.connect() as connection:
        total = connection.execute(
            select(func.count()).select_from(table).where(*_conditions(table, query, bound=False))
        ).scalar_one()
    return int(total)


def list_registrations(
    engine: Engine, query: RegistrationQuery
) -> tuple[list[RegistrationRow], int]:
    """One page of records and the number matching in all."""
    return registration_page(engine, query), count_registrations(engine, query)


def get_registration(engine: Engine, record_type: str, record_id: int) -> StoredRegistration | None:
    """The analytic fields of one record (no identity), or None."""
    table = RECORD_TABLES[record_type].__table__
    columns = [c for c in table.c if c.name not in ("identity", "content_hash", "flagged_original")]
    with engine.connect() as connection:
        row = connection.execute(select(*columns).where(table.c.id == record_id)).first()
    if row is None:
        return None
    values = dict(row._mapping)
    return StoredRegistration(
        id=int(values["id"]),
        record_type=record_type,
        source=values["source"],
        source_record_id=values["source_record_id"],
        registration_year=int(values["registration_year"]),
        fields=MappingProxyType(values),
    )


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
