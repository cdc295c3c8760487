"""Repository functions that write ingest results: batches, records, quarantine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from zicht.store.models import RECORD_TABLES, IngestBatch, QuarantineRow, utcnow

__all__ = [
    "ExistingRecord",
    "existing_records",
    "finish_batch",
    "insert_quarantine",
    "insert_records",
    "open_quarantine_hashes",
    "open_quarantine_rows",
    "resolve_quarantine",
    "start_batch",
    "update_quarantine",
    "update_records",
]

ExistingRecord = tuple[int, str, int]  # (row id, content hash, batch id)
_IN_CHUNK = 500


def start_batch(
    session: Session, *, source: str, record_type: str, file_name: str, file_sha256: str
) -> IngestBatch:
    """Record the start of an ingest run; flushed so that it has an id."""
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


def finish_batch(session: Session, batch: IngestBatch, counts: dict[str, int]) -> None:
    """Store the final counts of a batch."""
    for name, value in counts.items():
        setattr(batch, f"rows_{name}", value)
    batch.finished_at = utcnow()
    session.flush()


def existing_records(
    session: Session, record_type: str, source: str, record_ids: Sequence[str]
) -> dict[str, ExistingRecord]:
    """Stored records of `source` among `record_ids`: id -> (row id, hash, batch id)."""
    table = RECORD_TABLES[record_type]
    found: dict[str, ExistingRecord] = {}
    for start in range(0, len(record_ids), _IN_CHUNK):
        chunk = record_ids[start : start + _IN_CHUNK]
        statement = select(
            table.source_record_id, table.id, table.content_hash, table.batch_id
        ).where(table.source == source, table.source_record_id.in_(chunk))
        for record_id, row_id, content_hash, batch_id in session.execute(statement):
            found[record_id] = (row_id, content_hash, batch_id)
    return found


def _driver_value(value: Any, dialect: str) -> Any:
    """A column value as the driver takes it, stored as SQLAlchemy's own types store it."""
    if dialect != "sqlite":
        return value
    # SQLAlchemy's SQLite Date/DateTime/Boolean storage formats (read back by the same types).
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def insert_records(session: Session, record_type: str, rows: list[dict[str, Any]]) -> None:
    """Insert new records (dicts of column values; every dict has the same keys).

    The rows go straight to the driver's executemany: SQLAlchemy's per-row parameter
    processing cost more than the insert itself, the largest cost left in an ingest.
    """
    if not rows:
        return
    table = cast(Table, RECORD_TABLES[record_type].__table__)
    connection = session.connection()
    dialect = connection.dialect.name
    names = [name for name in rows[0] if name in table.c]
    now = utcnow()
    if "updated_at" not in names:
        names.append("updated_at")
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})"
    )
    values = [tuple(_driver_value(row.get(name, now), dialect) for name in names) for row in rows]
    connection.exec_driver_sql(statement, values)


def update_records(session: Session, record_type: str, rows: list[dict[str, Any]]) -> None:
    """Update records by primary key (each dict has `id`)."""
    if rows:
        session.execute(update(RECORD_TABLES[record_type]), rows)


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


def resolve_quarantine(session: Session, ids: Sequence[int], batch_id: int) -> None:
    """Mark quarantine rows as resolved by a later batch."""
    if ids:
        session.execute(
            update(QuarantineRow)
            .where(QuarantineRow.id.in_(list(ids)))
            .values(status="resolved", resolved_batch_id=batch_id)
        )


def update_quarantine(session: Session, rows: list[dict[str, Any]]) -> None:
    """Replace errors and original of quarantine rows that failed again (dicts with `id`)."""
    if rows:
        session.execute(update(QuarantineRow), rows)
