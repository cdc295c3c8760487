"""Repository functions that write ingest results: batches, records, quarantine."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    CursorResult,
    Date,
    String,
    Table,
    any_,
    bindparam,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from zicht.store.errors import scrub, without_values
from zicht.store.models import RECORD_TABLES, IngestBatch, QuarantineRow, utcnow

__all__ = [
    "ExistingRecord",
    "driver_formatter",
    "existing_records",
    "finish_batch",
    "insert_quarantine",
    "insert_records",
    "open_quarantine_hashes",
    "open_quarantine_rows",
    "own_quarantine_ids",
    "record_columns",
    "refresh_statistics",
    "remember_unchanged",
    "reopen_batch",
    "resolve_quarantine",
    "seen_unchanged",
    "start_batch",
    "update_quarantine",
    "update_records",
]

ExistingRecord = tuple[int, str, int]  # (row id, content hash, batch id)
_IN_CHUNK = 500
_MAX_ID = 2**63 - 1  # the largest id either database stores
_LOCK_NOT_AVAILABLE = "55P03"
_WRITTEN_BY_STORE = ("id", "batch_id", "updated_at")


def start_batch(
    session: Session, *, source: str, record_type: str, file_name: str, file_sha256: str
) -> IngestBatch:
    """Record the start of an ingest run; flushed so that it has an id."""
    if session.connection().dialect.name == "postgresql":
        # The lookups of existing records repeat one statement thousands of times while
        # the table grows inside this transaction. After five runs PostgreSQL would keep
        # a generic plan made for the then nearly empty table; planning each run lets
        # `refresh_statistics` keep the lookups on the index.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    batch = IngestBatch(
        source=source,
        record_type=record_type,
        file_name=file_name,
        file_sha256=file_sha256,
        rows_read=0,
        rows_new=0,
        rows_updated=0,
        rows_unchanged=0,
        rows_quarantined=0,
        rows_resolved=0,
    )
    session.add(batch)
    session.flush()
    return batch


def reopen_batch(session: Session, batch_id: int, *, source: str, record_type: str) -> IngestBatch:
    """An earlier batch of `source` and `record_type`, to add corrections of its rows to.

    Raises LookupError when there is no such batch of that source and record type.
    """
    batch = session.get(IngestBatch, batch_id, with_for_update=True)
    if batch is None or batch.source != source or batch.record_type != record_type:
        raise LookupError("no delivery of this organisation and record type with that number")
    return batch


def finish_batch(session: Session, batch: IngestBatch, counts: dict[str, int]) -> None:
    """Store the final counts of a batch."""
    for name, value in counts.items():
        setattr(batch, f"rows_{name}", value)
    batch.finished_at = utcnow()
    session.flush()
    if session.info.pop(_SEEN_TABLE, False):
        session.execute(text(f"DROP TABLE IF EXISTS {_SEEN_TABLE}"))


def existing_records(
    session: Session, record_type: str, source: str, record_ids: Sequence[str]
) -> dict[str, ExistingRecord]:
    """Stored records of `source` among `record_ids`: id -> (row id, hash, batch id)."""
    table = RECORD_TABLES[record_type]
    found: dict[str, ExistingRecord] = {}
    on_postgresql = session.connection().dialect.name == "postgresql"
    for start in range(0, len(record_ids), _IN_CHUNK):
        chunk = record_ids[start : start + _IN_CHUNK]
        # PostgreSQL takes the ids as one array: an IN list of 500 parameters costs more
        # to send, parse and plan than the lookup itself.
        wanted = (
            table.source_record_id == any_(bindparam("ids", list(chunk), type_=ARRAY(String)))
            if on_postgresql
            else table.source_record_id.in_(chunk)
        )
        statement = select(
            table.source_record_id, table.id, table.content_hash, table.batch_id
        ).where(table.source == source, wanted)
        for record_id, row_id, content_hash, batch_id in session.execute(statement):
            found[record_id] = (row_id, content_hash, batch_id)
    return found


_SEEN_TABLE = "zicht_unchanged_seen"


def seen_unchanged(session: Session, record_ids: Sequence[str]) -> set[str]:
    """Which of `record_ids` this ingest met before as unchanged records (`remember_unchanged`).

    A record that an ingest leaves unchanged keeps its earlier batch, so the store
    alone cannot tell that the current file already had a row with that id.
    """
    if not record_ids or not session.info.get(_SEEN_TABLE):
        return set()
    found: set[str] = set()
    for start in range(0, len(record_ids), _IN_CHUNK):
        statement = text(f"SELECT record_id FROM {_SEEN_TABLE} WHERE record_id IN :ids")
        statement = statement.bindparams(bindparam("ids", expanding=True))
        chunk = list(record_ids[start : start + _IN_CHUNK])
        found.update(session.execute(statement, {"ids": chunk}).scalars())
    return found


def remember_unchanged(session: Session, record_ids: Sequence[str]) -> None:
    """Note ids of records this ingest found unchanged, in a temporary table of its transaction."""
    if not record_ids:
        return
    if not session.info.get(_SEEN_TABLE):
        on_postgresql = session.connection().dialect.name == "postgresql"
        ending = " ON COMMIT DROP" if on_postgresql else ""
        session.execute(
            text(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {_SEEN_TABLE} "
                f"(record_id TEXT PRIMARY KEY){ending}"
            )
        )
        session.execute(text(f"DELETE FROM {_SEEN_TABLE}"))  # SQLite keeps it per connection
        session.info[_SEEN_TABLE] = True
    session.execute(
        text(
            f"INSERT INTO {_SEEN_TABLE} (record_id) VALUES (:record_id) "
            "ON CONFLICT (record_id) DO NOTHING"
        ),
        [{"record_id": record_id} for record_id in record_ids],
    )


@cache
def record_columns(record_type: str) -> tuple[str, ...]:
    """The columns of a record table that an ingest fills, in table order.

    The row id is the database's; `batch_id` and `updated_at` are added on writing.
    """
    table = cast(Table, RECORD_TABLES[record_type].__table__)
    return tuple(c.name for c in table.columns if c.name not in _WRITTEN_BY_STORE)


def driver_formatter(record_type: str, dialect: str) -> Callable[[list[Any]], tuple[Any, ...]]:
    """Turns values in `record_columns` order into the row the database driver takes.

    SQLite keeps dates as ISO text and booleans as 0/1, as SQLAlchemy's own Date and
    Boolean types store them (and read them back); other drivers take Python values.
    The returned function needs no database, so ingest workers can apply it.
    """
    if dialect != "sqlite":
        return tuple
    table = cast(Table, RECORD_TABLES[record_type].__table__)
    names = record_columns(record_type)
    dates = [i for i, name in enumerate(names) if isinstance(table.c[name].type, Date)]
    flags = [i for i, name in enumerate(names) if isinstance(table.c[name].type, Boolean)]

    def format_row(values: list[Any]) -> tuple[Any, ...]:
        for i in dates:
            if values[i] is not None:
                values[i] = values[i].isoformat()
        for i in flags:
            if values[i] is not None:
                values[i] = int(values[i])
        return tuple(values)

    return format_row


def refresh_statistics(session: Session, record_type: str, added: int) -> None:
    """Let the query planner see how large a record table has grown (PostgreSQL only).

    A large ingest into a new table would otherwise be planned from the statistics of
    an empty table: the lookup of existing records would then scan every row stored so
    far for each chunk. ANALYZE inside the transaction also samples its own new rows.
    It runs only while the planner believes the table to hold fewer rows than this
    ingest `added`, and never waits: when another ingest is analysing the same table
    (its lock lasts until that ingest commits) this refresh is skipped.
    """
    if session.connection().dialect.name != "postgresql":
        return
    table = RECORD_TABLES[record_type].__tablename__
    believed = session.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = CAST(:table AS regclass)"),
        {"table": table},
    ).scalar()
    if believed is not None and believed >= added:
        return
    try:
        with session.begin_nested():
            session.execute(text("SET LOCAL lock_timeout = '100ms'"))
            session.execute(text(f"ANALYZE {table}"))
            session.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
            raise


def _stamp(session: Session, batch_id: int) -> tuple[str, tuple[Any, ...]]:
    """The connection's parameter marker and the (batch id, updated at) of written rows."""
    connection = session.connection()
    now: Any = utcnow()
    if connection.dialect.name == "sqlite":
        now = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DateTime format
    return ("?" if connection.dialect.paramstyle == "qmark" else "%s"), (batch_id, now)


def insert_records(
    session: Session, record_type: str, rows: list[tuple[Any, ...]], *, batch_id: int
) -> None:
    """Insert new records: driver-ready values in `record_columns` order.

    The rows go straight to the driver (COPY on PostgreSQL, executemany elsewhere):
    SQLAlchemy's per-row parameter processing cost more than the insert itself.
    """
    if not rows:
        return
    table = RECORD_TABLES[record_type].__tablename__
    names = (*record_columns(record_type), *_WRITTEN_BY_STORE[1:])
    marker, stamp = _stamp(session, batch_id)
    connection = session.connection()
    if connection.dialect.driver == "psycopg":
        # COPY streams the rows in one command instead of one INSERT per row.
        import psycopg  # the driver of this dialect

        statement = f"COPY {table} ({', '.join(names)}) FROM STDIN"
        driver: Any = connection.connection.driver_connection
        try:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row + stamp)
        except psycopg.Error as exc:
            # Raw driver use bypasses SQLAlchemy: scrub (a failed line would be in the
            # message) and raise what SQLAlchemy would have raised.
            scrub(exc)
            raise DBAPIError.instance(
                statement, None, without_values(exc), psycopg.Error, hide_parameters=True
            ) from None
        return
    statement = (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})"
    )
    connection.exec_driver_sql(statement, [row + stamp for row in rows])


def update_records(
    session: Session, record_type: str, rows: list[tuple[Any, ...]], *, batch_id: int
) -> None:
    """Replace stored records: driver-ready values in `record_columns` order, then the row id."""
    if not rows:
        return
    table = RECORD_TABLES[record_type].__tablename__
    names = (*record_columns(record_type), *_WRITTEN_BY_STORE[1:])
    marker, stamp = _stamp(session, batch_id)
    assignments = ", ".join(f"{name} = {marker}" for name in names)
    statement = f"UPDATE {table} SET {assignments} WHERE id = {marker}"
    session.connection().exec_driver_sql(statement, [row[:-1] + stamp + row[-1:] for row in rows])


def insert_quarantine(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Add quarantined rows."""
    batch = list(rows)
    if batch:
        session.connection().execute(insert(cast(Table, QuarantineRow.__table__)), batch)


def open_quarantine_rows(
    session: Session, source: str, record_type: str, ids: Sequence[int]
) -> dict[int, QuarantineRow]:
    """Open quarantine rows of `source` with the given ids."""
    if not ids:
        return {}
    statement = select(QuarantineRow).where(
        QuarantineRow.id.in_(list(ids)),
        QuarantineRow.source == source,
        QuarantineRow.record_type == record_type,
        QuarantineRow.status == "open",
    )
    return {row.id: row for row in session.scalars(statement)}


def open_quarantine_hashes(
    session: Session, source: str, record_type: str, hashes: Sequence[str]
) -> set[str]:
    """Which of `hashes` (keyed hashes of original rows) are already open in the quarantine."""
    found: set[str] = set()
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), _IN_CHUNK):
        statement = select(QuarantineRow.original_hash).where(
            QuarantineRow.source == source,
            QuarantineRow.record_type == record_type,
            QuarantineRow.status == "open",
            QuarantineRow.original_hash.in_(unique[start : start + _IN_CHUNK]),
        )
        found.update(session.scalars(statement))
    return found


def own_quarantine_ids(
    session: Session, source: str, record_type: str, ids: Sequence[int]
) -> set[int]:
    """Which of `ids` are quarantine entries of `source` and `record_type` (open or resolved).

    An id of another organisation or record type, or of no entry, is not returned:
    the caller refuses the row that names it.
    """
    found: set[int] = set()
    unique = [i for i in dict.fromkeys(ids) if 0 < i <= _MAX_ID]
    for start in range(0, len(unique), _IN_CHUNK):
        statement = select(QuarantineRow.id).where(
            QuarantineRow.id.in_(unique[start : start + _IN_CHUNK]),
            QuarantineRow.source == source,
            QuarantineRow.record_type == record_type,
        )
        found.update(session.scalars(statement))
    return found


def resolve_quarantine(
    session: Session, ids: Sequence[int], batch_id: int, *, source: str, record_type: str
) -> int:
    """Mark open quarantine rows of `source` and `record_type` as resolved by a later batch.

    Ids of other organisations or record types are never touched (the ingest refuses
    the rows naming them before it gets here; this is the second lock on the door).
    Returns how many entries were open and are now resolved.
    """
    resolved = 0
    unique = [i for i in dict.fromkeys(ids) if 0 < i <= _MAX_ID]
    for start in range(0, len(unique), _IN_CHUNK):
        result = session.execute(
            update(QuarantineRow)
            .where(
                QuarantineRow.id.in_(unique[start : start + _IN_CHUNK]),
                QuarantineRow.source == source,
                QuarantineRow.record_type == record_type,
                QuarantineRow.status == "open",
            )
            .values(status="resolved", resolved_batch_id=batch_id)
        )
        resolved += cast(CursorResult[Any], result).rowcount
    return resolved


def update_quarantine(session: Session, rows: list[dict[str, Any]]) -> None:
    """Replace errors and original of quarantine rows that failed again (dicts with `id`)."""
    if rows:
        session.execute(update(QuarantineRow), rows)
