"""Reading stored registrations back as tables, identities decrypted on request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select

from zicht.privacy import Cipher
from zicht.standard import RECORD_TYPES
from zicht.store.models import RECORD_TABLES, QuarantineRow

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "StoredQuarantine",
    "identity_context",
    "read_flagged",
    "read_quarantine",
    "read_records",
]


def identity_context(record_type: str, source: str, source_record_id: str) -> str:
    """The associated data that binds an identity token to its record."""
    return f"{record_type}/{source}/{source_record_id}"


def read_records(
    engine: Engine,
    record_type: str = "victim_registration",
    *,
    cipher: Cipher | None = None,
    chunk_size: int = 50_000,
) -> pd.DataFrame:
    """All stored records of `record_type` as a DataFrame, ordered by id.

    Columns: `registration_id` (the row id), the analytic columns of the table, and,
    when `cipher` is given, one column per identity field of the standard (decrypted;
    missing values are None). Without a cipher no identity column is returned.
    """
    import pandas as pd  # here, so that importing the store stays cheap for the CLI

    table = RECORD_TABLES[record_type]
    identity_fields = RECORD_TYPES[record_type].identity_fields
    columns = [
        c
        for c in table.__table__.columns
        if c.name not in ("identity", "flagged_original", "content_hash")
    ]
    rows: list[dict[str, Any]] = []
    statement = select(*columns, table.identity).order_by(table.id)
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=chunk_size).execute(statement)
        for row in result:
            record = dict(row._mapping)
            token = record.pop("identity")
            if cipher is not None:
                identity: dict[str, Any] = {}
                if token is not None:
                    context = identity_context(
                        record_type, record["source"], record["source_record_id"]
                    )
                    identity = cipher.decrypt_json(token, context)
                for name in identity_fields:
                    record[name] = identity.get(name)
            rows.append(record)
    frame = pd.DataFrame(
        rows,
        columns=[c.name for c in columns] + (list(identity_fields) if cipher is not None else []),
    )
    return frame.rename(columns={"id": "registration_id"})


@dataclass(frozen=True)
class StoredQuarantine:
    """A quarantined row as stored: its problems in the clear, the original encrypted."""

    id: int
    batch_id: int
    source: str
    record_type: str
    file_name: str
    row_number: int
    errors: list[dict[str, Any]]
    original: bytes
    original_hash: str
    status: str
    resolved_batch_id: int | None
    created_at: dt.datetime


def read_quarantine(
    engine: Engine, *, source: str | None = None, status: str | None = "open"
) -> list[StoredQuarantine]:
    """Quarantine entries (original rows still encrypted), oldest first."""
    table = QuarantineRow.__table__
    statement = select(table).order_by(table.c.id)
    if source is not None:
        statement = statement.where(table.c.source == source)
    if status is not None:
        statement = statement.where(table.c.status == status)
    with engine.connect() as connection:
        return [StoredQuarantine(**row._mapping) for row in connection.execute(statement)]


def read_flagged(engine: Engine, source: str) -> list[tuple[str, str, str, bytes | None]]:
    """(record type, source record id, flags, encrypted originals) of `source`'s flagged records."""
    found: list[tuple[str, str, str, bytes | None]] = []
    with engine.connect() as connection:
        for record_type, table in RECORD_TABLES.items():
            statement = (
                select(table.source_record_id, table.quality_flags, table.flagged_original)
                .where(table.source == source, table.quality_flags.is_not(None))
                .order_by(table.id)
            )
            for record_id, flags, token in connection.execute(statement):
                found.append((record_type, record_id, flags or "", token))
    return found
