"""The audit trail table: append-only, each entry chained to the one before by SHA-256.

`entry_hash` is SHA-256 over the canonical JSON of the entry's fields together with
`previous_hash`; `seq` numbers the entries without gaps and `previous_hash` is unique,
so the chain can neither fork nor lose an entry in the middle unnoticed. The app
never updates or deletes a row; on both engines a trigger refuses it as well
(migration 0003). The service (`zicht.web.audit`) computes the hashes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, Integer, String, Text, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.models import Base

__all__ = ["GENESIS_HASH", "AuditEntryRow", "append_entry", "head_entry", "iter_entries"]

GENESIS_HASH = "0" * 64


class AuditEntryRow(Base):
    """One audit entry: who did what to which record, when, from where, for what purpose."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80), index=True)
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_organisation: Mapped[str | None] = mapped_column(String(40), nullable=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(60), nullable=True)
    object_ids: Mapped[str | None] = mapped_column(Text, nullable=True)
    purpose: Mapped[str | None] = mapped_column(String(400), nullable=True)
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    previous_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


def head_entry(connection: Connection) -> tuple[int, str]:
    """The (seq, entry_hash) of the newest entry; (0, GENESIS_HASH) for an empty log."""
    row = connection.execute(
        select(AuditEntryRow.seq, AuditEntryRow.entry_hash)
        .order_by(AuditEntryRow.seq.desc())
        .limit(1)
    ).first()
    return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))


def append_entry(connection: Connection, values: dict[str, Any]) -> None:
    """Insert one fully computed entry (seq and both hashes included)."""
    connection.execute(insert(AuditEntryRow), [values])


def iter_entries(engine: Engine, chunk_size: int = 5000) -> Generator[dict[str, Any], None, None]:
    """Every entry as a dict, in chain order."""
    table = AuditEntryRow.__table__
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=chunk_size).execute(
            select(table).order_by(table.c.seq)
        )
        try:
            for row in result:
                yield dict(row._mapping)
        finally:
            result.close()
