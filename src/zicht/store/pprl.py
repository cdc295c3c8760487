"""Encoded registrations: a victim registration whose identity a partner delivered as
Bloom-filter encodings (docs/pprl.md).

The registration itself is an ordinary `victim_registration` row (analytic fields as
for any other, no identity token); its encodings are kept beside it in
`registration_encoding`, keyed with the linkage secret the partners share (`secret_id`
names it). They are compared, never decoded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    ForeignKey,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from zicht.store.models import Base, VictimRegistrationRow, utcnow

__all__ = ["RegistrationEncodingRow", "read_registration_encodings", "write_encoded"]

_IN_CHUNK = 500
_ENCODING_COLUMNS = ("secret_id", "hardening", "encoding")


class RegistrationEncodingRow(Base):
    """The encodings of a victim registration delivered encoded."""

    __tablename__ = "registration_encoding"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("victim_registration.id", ondelete="CASCADE"), primary_key=True
    )
    secret_id: Mapped[str] = mapped_column(String(64), index=True)
    # The hardening the encodings were made with, and field -> filter (hex).
    hardening: Mapped[dict[str, Any]] = mapped_column(JSON)
    encoding: Mapped[dict[str, Any]] = mapped_column(JSON)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def _existing(session: Session, source: str, ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        statement = select(
            VictimRegistrationRow.source_record_id,
            VictimRegistrationRow.id,
            VictimRegistrationRow.content_hash,
        ).where(
            VictimRegistrationRow.source == source,
            VictimRegistrationRow.source_record_id.in_(ids[start : start + _IN_CHUNK]),
        )
        found.update({key: (id_, digest) for key, id_, digest in session.execute(statement)})
    return found


def write_encoded(
    session: Session, source: str, rows: Sequence[dict[str, Any]], batch_id: int
) -> tuple[int, int, int]:
    """Insert new encoded registrations of `source` and update changed ones.

    A registration is known by (source, source record id), whether it came plain or
    encoded before; an encoded delivery replaces a plain one's identity by encodings.

    Args:
        rows: the `victim_registration` columns (without id, identity, flagged_original,
            batch_id, updated_at) plus `secret_id`, `hardening` and `encoding`.

    Returns:
        Counts of (new, updated, unchanged).
    """
    ids = [row["source_record_id"] for row in rows]
    existing = _existing(session, source, ids)
    now = utcnow()
    fresh, changed = [], []
    for row in rows:
        columns = {k: v for k, v in row.items() if k not in _ENCODING_COLUMNS}
        columns.update(identity=None, flagged_original=None, batch_id=batch_id, updated_at=now)
        found = existing.get(row["source_record_id"])
        if found is None:
            fresh.append(columns)
        elif found[1] != row["content_hash"]:
            changed.append((found[0], columns))
    if fresh:
        session.connection().execute(insert(cast(Table, VictimRegistrationRow.__table__)), fresh)
    for row_id, columns in changed:
        session.execute(
            update(VictimRegistrationRow)
            .where(VictimRegistrationRow.id == row_id)
            .values(**columns)
        )
    written = {row["source_record_id"] for row in [*fresh, *(c for _, c in changed)]}
    row_ids = _existing(session, source, sorted(written))
    encodings = [
        {
            "registration_id": row_ids[row["source_record_id"]][0],
            **{name: row[name] for name in _ENCODING_COLUMNS},
            "batch_id": batch_id,
            "updated_at": now,
        }
        for row in rows
        if row["source_record_id"] in written
    ]
    wanted = [e["registration_id"] for e in encodings]
    for start in range(0, len(wanted), _IN_CHUNK):
        session.execute(
            delete(RegistrationEncodingRow).where(
                RegistrationEncodingRow.registration_id.in_(wanted[start : start + _IN_CHUNK])
            )
        )
    if encodings:
        session.connection().execute(
            insert(cast(Table, RegistrationEncodingRow.__table__)), encodings
        )
    return len(fresh), len(changed), len(rows) - len(fresh) - len(changed)


def read_registration_encodings(
    engine: Engine, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Stored registrations' encodings (registration id, secret id, hardening, encoding),
    of registrations that have no identity token, ordered by registration id."""
    table = cast(Table, RegistrationEncodingRow.__table__)
    statement = (
        select(table.c.registration_id, table.c.secret_id, table.c.hardening, table.c.encoding)
        .join(VictimRegistrationRow, VictimRegistrationRow.id == table.c.registration_id)
        .where(VictimRegistrationRow.identity.is_(None))
        .order_by(table.c.registration_id)
        .limit(limit)
    )
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(statement)]
