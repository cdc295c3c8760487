"""What the web pages and the API read and record: registrations, quarantine, uploads, counts.

Plain SQLAlchemy Core over the store's models; results are plain dicts. Identity
values leave encrypted (`identity_tokens`); `zicht.access` decrypts and audits them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Engine, String, bindparam, func, insert, or_, select

from zicht.store.accounts import UploadRow
from zicht.store.linkage import LinkRunRow
from zicht.store.models import RECORD_TABLES, IngestBatch, QuarantineRow
from zicht.store.reading import identity_context

__all__ = [
    "PAGE_SIZE",
    "RegistrationQuery",
    "count_registrations",
    "data_version",
    "get_batch",
    "get_registration",
    "identity_tokens",
    "list_registrations",
    "open_quarantine",
    "quarantine_entry",
    "recent_uploads",
    "record_counts",
    "record_upload",
    "registration_page",
    "upload_mapping",
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


def data_version(engine: Engine) -> tuple[Any, ...]:
    """A value that changes whenever the stored records, quarantine or linked persons do.

    Records and quarantine rows change only within an ingest batch, which commits with
    its batch row (one transaction per file), and persons only with a finished link
    run; so the number of batches and runs and their latest finish times say whether
    anything figures are computed from has changed. Cheap: two small tables.
    """
    with engine.connect() as connection:
        return tuple(connection.execute(_data_version_statement()).one())


@cache
def _data_version_statement() -> Any:
    batches = IngestBatch.__table__
    runs = LinkRunRow.__table__
    return select(
        select(func.count()).select_from(batches).scalar_subquery(),
        select(func.max(batches.c.finished_at)).scalar_subquery(),
        select(func.count()).select_from(runs).scalar_subquery(),
        select(func.max(runs.c.finished_at)).scalar_subquery(),
    )


def get_registration(engine: Engine, record_type: str, record_id: int) -> dict[str, Any] | None:
    """The analytic fields of one record (no identity), or None."""
    table = RECORD_TABLES[record_type].__table__
    columns = [c for c in table.c if c.name not in ("identity", "flagged_original", "content_hash")]
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


def open_quarantine(engine: Engine, organisation: str | None) -> list[dict[str, Any]]:
    """Open quarantine entries (errors, not the original rows) of one or all organisations."""
    table = QuarantineRow.__table__
    columns = [c for c in table.c if c.name != "original"]
    statement = select(*columns).where(table.c.status == "open").order_by(table.c.id)
    if organisation is not None:
        statement = statement.where(table.c.source == organisation)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(statement.limit(1000))]


def quarantine_entry(engine: Engine, entry_id: int) -> dict[str, Any] | None:
    """One quarantine entry with its encrypted original row, or None."""
    table = QuarantineRow.__table__
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == entry_id)).first()
    return dict(row._mapping) if row is not None else None


def get_batch(engine: Engine, batch_id: int) -> dict[str, Any] | None:
    """An ingest batch with the quarantine entries it made (errors only)."""
    table = IngestBatch.__table__
    quarantine = QuarantineRow.__table__
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == batch_id)).first()
        if row is None:
            return None
        problems = connection.execute(
            select(
                quarantine.c.id,
                quarantine.c.row_number,
                quarantine.c.errors,
                quarantine.c.status,
            )
            .where(quarantine.c.batch_id == batch_id)
            .order_by(quarantine.c.row_number)
        ).all()
    batch = dict(row._mapping)
    batch["problems"] = [dict(p._mapping) for p in problems]
    return batch


def record_upload(
    engine: Engine, batch_id: int, organisation: str, uploaded_by: str, mapping_yaml: str
) -> None:
    """Remember which mapping an upload used (for fix-and-resubmit)."""
    with engine.begin() as connection:
        connection.execute(
            insert(UploadRow),
            [
                {
                    "batch_id": batch_id,
                    "organisation": organisation,
                    "uploaded_by": uploaded_by,
                    "mapping": mapping_yaml,
                }
            ],
        )


def upload_mapping(engine: Engine, batch_id: int) -> str | None:
    """The mapping YAML an upload used, or None for files ingested outside the web app."""
    with engine.connect() as connection:
        value: str | None = connection.execute(
            select(UploadRow.mapping).where(UploadRow.batch_id == batch_id)
        ).scalar_one_or_none()
    return value


def recent_uploads(engine: Engine, organisation: str, limit: int = 10) -> list[dict[str, Any]]:
    """The latest uploads of an organisation through the web app."""
    statement = (
        select(
            UploadRow.batch_id, UploadRow.uploaded_by, UploadRow.uploaded_at, IngestBatch.file_name
        )
        .join(IngestBatch, IngestBatch.id == UploadRow.batch_id)
        .where(UploadRow.organisation == organisation)
        .order_by(UploadRow.batch_id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(statement)]


def record_counts(engine: Engine) -> dict[str, Any]:
    """Stored records per record type, open quarantine rows, and victim registrations by
    year, by organisation and by form (a multi-form record counts once for each form)."""
    victims = RECORD_TABLES["victim_registration"]
    counts: dict[str, Any] = {}
    with engine.connect() as connection:
        for record_type, table in RECORD_TABLES.items():
            counts[record_type] = connection.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
        counts["quarantine"] = connection.execute(
            select(func.count()).select_from(QuarantineRow).where(QuarantineRow.status == "open")
        ).scalar_one()
        counts["by_year"] = sorted(
            (int(year), int(count))
            for year, count in connection.execute(
                select(victims.registration_year, func.count()).group_by(victims.registration_year)
            )
        )
        counts["by_organisation"] = dict(
            connection.execute(select(victims.source, func.count()).group_by(victims.source)).all()
        )
        forms: Counter[str] = Counter()
        for joined, count in connection.execute(
            select(victims.forms, func.count()).group_by(victims.forms)
        ):
            for code in str(joined).split(";"):
                if code:
                    forms[code] += count
        counts["by_form"] = dict(forms)
    return counts
