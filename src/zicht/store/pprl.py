"""Encoded registrations: analytic fields as a plain victim registration, the partner's
Bloom-filter encodings instead of its identity (docs/pprl.md).

No identity value is stored: the encodings are keyed with the linkage secret the
partners share (`secret_id` names it), and are compared, never decoded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from zicht.store.models import Base, utcnow

__all__ = ["EncodedRegistrationRow", "read_encoded_registrations", "write_encoded"]

_IN_CHUNK = 500


class EncodedRegistrationRow(Base):
    """A victim registration a partner delivered encoded (`zicht ingest ENCODED.jsonl`)."""

    __tablename__ = "encoded_registration"
    __table_args__ = (UniqueConstraint("source", "source_record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    source_record_id: Mapped[str] = mapped_column(String(100))
    registration_date: Mapped[dt.date] = mapped_column(Date)
    registration_year: Mapped[int] = mapped_column(Integer, index=True)
    forms: Mapped[str] = mapped_column(String(200))
    victim_status: Mapped[str] = mapped_column(String(20))
    sectors: Mapped[str] = mapped_column(String(400), default="")
    means_of_control: Mapped[str] = mapped_column(String(600), default="")
    gender: Mapped[str] = mapped_column(String(30))
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    age_band: Mapped[str | None] = mapped_column(String(10), nullable=True)
    minor: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    nationality: Mapped[str | None] = mapped_column(String(2), nullable=True)
    country_of_exploitation: Mapped[str | None] = mapped_column(String(2), nullable=True)
    recruiter_relation: Mapped[str | None] = mapped_column(String(30), nullable=True)
    referred_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Identity values the partner's validation left out ("field:rule;...").
    quality_flags: Mapped[str | None] = mapped_column(String(400), nullable=True)
    secret_id: Mapped[str] = mapped_column(String(64), index=True)
    # The hardening the encodings were made with, and field -> base64 filter.
    hardening: Mapped[dict[str, Any]] = mapped_column(JSON)
    encoding: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def write_encoded(
    session: Session, rows: Sequence[dict[str, Any]], batch_id: int
) -> tuple[int, int, int]:
    """Insert new encoded registrations and update changed ones (by source and record id).

    Args:
        rows: column values of `EncodedRegistrationRow` (without id, batch_id, updated_at),
            all of one source.

    Returns:
        Counts of (new, updated, unchanged).
    """
    existing: dict[tuple[str, str], tuple[int, str]] = {}
    sources = {row["source"] for row in rows}
    for source in sources:
        ids = [row["source_record_id"] for row in rows if row["source"] == source]
        for start in range(0, len(ids), _IN_CHUNK):
            statement = select(
                EncodedRegistrationRow.source_record_id,
                EncodedRegistrationRow.id,
                EncodedRegistrationRow.content_hash,
            ).where(
                EncodedRegistrationRow.source == source,
                EncodedRegistrationRow.source_record_id.in_(ids[start : start + _IN_CHUNK]),
            )
            existing.update(
                {(source, key): (id_, digest) for key, id_, digest in session.execute(statement)}
            )
    now = utcnow()
    fresh, changed = [], []
    for row in rows:
        found = existing.get((row["source"], row["source_record_id"]))
        if found is None:
            fresh.append({**row, "batch_id": batch_id, "updated_at": now})
        elif found[1] != row["content_hash"]:
            changed.append((found[0], row))
    if fresh:
        session.connection().execute(insert(cast(Table, EncodedRegistrationRow.__table__)), fresh)
    for row_id, row in changed:
        session.execute(
            update(EncodedRegistrationRow)
            .where(EncodedRegistrationRow.id == row_id)
            .values(**row, batch_id=batch_id, updated_at=now)
        )
    return len(fresh), len(changed), len(rows) - len(fresh) - len(changed)


def read_encoded_registrations(
    engine: Engine, *, secret_id: str | None = None
) -> list[dict[str, Any]]:
    """Every stored encoded registration (of `secret_id` when given), ordered by row id."""
    table = cast(Table, EncodedRegistrationRow.__table__)
    statement = select(table).order_by(table.c.id)
    if secret_id is not None:
        statement = statement.where(table.c.secret_id == secret_id)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(statement)]
