"""Reading stored registrations back as tables, identities decrypted on request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select

from zicht.privacy import Cipher
from zicht.standard import RECORD_TYPES
from zicht.store.models import RECORD_TABLES, QuarantineRow

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["count_records", "identity_context", "latest_year", "read_quarantine", "read_records"]


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


def read_quarantine(
    engine: Engine, *, source: str | None = None, status: str | None = "open"
) -> list[dict[str, Any]]:
    """Quarantine entries as dicts (original rows still encrypted), oldest first."""
    table = QuarantineRow.__table__
    statement = select(table).order_by(table.c.id)
    if source is not None:
        statement = statement.where(table.c.source == source)
    if status is not None:
        statement = statement.where(table.c.status == status)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(statement)]


def count_records(engine: Engine) -> dict[str, dict[str, int]]:
    """Stored records per record type and source, and open quarantine rows per source."""
    counts: dict[str, dict[str, int]] = {}
    with engine.connect() as connection:
        for record_type, table in RECORD_TABLES.items():
            statement = select(table.source, func.count()).group_by(table.source)
            counts[record_type] = dict(connection.execute(statement).tuples().all())
        statement = (
            select(QuarantineRow.source, func.count())
            .where(QuarantineRow.status == "open")
            .group_by(QuarantineRow.source)
        )
        counts["quarantine"] = dict(connection.execute(statement).tuples().all())
    return counts


def latest_year(engine: Engine) -> int | None:
    """The latest registration year of a victim registration, or None for an empty store."""
    table = RECORD_TABLES["victim_registration"]
    with engine.connect() as connection:
        year = connection.execute(select(func.max(table.registration_year))).scalar_one_or_none()
    return int(year) if year is not None else None
