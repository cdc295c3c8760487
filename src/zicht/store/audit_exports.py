"""The record ids of an audited export, kept beside the audit chain.

An export of up to 100,000 records would make one chained entry of a megabyte if it
listed them. Its entry instead carries a random export key and a SHA-256 of the ids in
the file's order (`zicht.access.AuditedTransaction.log_export`); the ids themselves go
to `audit_export_id`, one row per id, written in the transaction that appends the entry.
The table is append-only like `audit_entry` (triggers, migration 0019); `verify`
rehashes each export's ids against the digest its entry chained, so an altered, added
or removed id is found, and the search finds an export by any id it contains. The key
is the export's own, not the entry's place in the chain, so it holds however the entry
reaches the chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, String, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.models import Base

__all__ = ["EXPORT_KEY", "AuditExportIdRow", "export_ids", "exports_with", "write_export_ids"]

EXPORT_KEY = "export_key"
"""The detail of an export's audit entry that keys its ids here."""

_CHUNK = 10_000


class AuditExportIdRow(Base):
    """One record id of one audited export, at its place in the exported file."""

    __tablename__ = "audit_export_id"

    export_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    record_id: Mapped[int] = mapped_column(Integer, index=True)


def write_export_ids(connection: Connection, export_key: str, ids: Sequence[int]) -> None:
    """Store `ids` (in order) under `export_key`, in the caller's transaction."""
    if connection.dialect.name == "postgresql":  # one statement, the ids as one array
        connection.execute(
            text(
                "INSERT INTO audit_export_id (export_key, position, record_id) "
                "SELECT :key, t.ord - 1, t.id "
                "FROM unnest(CAST(:ids AS integer[])) WITH ORDINALITY AS t(id, ord)"
            ),
            {"key": export_key, "ids": [int(i) for i in ids]},
        )
        return
    for start in range(0, len(ids), _CHUNK):
        rows = [
            {"export_key": export_key, "position": start + offset, "record_id": int(i)}
            for offset, i in enumerate(ids[start : start + _CHUNK])
        ]
        connection.execute(insert(AuditExportIdRow), rows)


def export_ids(connection: Connection, export_key: str) -> list[int]:
    """The ids stored under `export_key`, in their order."""
    table = AuditExportIdRow.__table__
    rows = connection.execute(
        select(table.c.record_id).where(table.c.export_key == export_key).order_by(table.c.position)
    ).scalars()
    return [int(i) for i in rows]


def exports_with(record_id: int) -> Any:
    """A subquery of the keys of the exports that contain `record_id`."""
    table = AuditExportIdRow.__table__
    return select(table.c.export_key).where(table.c.record_id == record_id).distinct()
