"""Repository of the licence register: write a municipality's licences, look numbers up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from zicht.store.models import utcnow
from zicht.store.platforms import LicenceRow

__all__ = ["LicenceState", "licence_states", "write_licences"]

_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class LicenceState:
    """What the register says of a licence, without its holder's identity."""

    municipality: str
    valid_from: dt.date
    valid_to: dt.date | None
    status: str
    holder_key: str

    def active_on(self, day: dt.date) -> bool:
        """Whether the licence is active and valid on `day`."""
        if self.status != "active" or day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to


def write_licences(
    session: Session, rows: Sequence[dict[str, Any]], batch_id: int
) -> tuple[int, int, int]:
    """Insert new licences and update changed ones (by `number_key`).

    Args:
        rows: column values of `LicenceRow` (without id, batch_id, updated_at).

    Returns:
        Counts of (new, updated, unchanged).
    """
    existing: dict[str, tuple[int, str]] = {}
    keys = [row["number_key"] for row in rows]
    for start in range(0, len(keys), _IN_CHUNK):
        chunk = keys[start : start + _IN_CHUNK]
        statement = select(LicenceRow.number_key, LicenceRow.id, LicenceRow.content_hash).where(
            LicenceRow.number_key.in_(chunk)
        )
        existing.update({key: (id_, digest) for key, id_, digest in session.execute(statement)})
    now = utcnow()
    fresh = [
        {**row, "batch_id": batch_id, "updated_at": now}
        for row in rows
        if row["number_key"] not in existing
    ]
    changed = [
        row
        for row in rows
        if row["number_key"] in existing and existing[row["number_key"]][1] != row["content_hash"]
    ]
    if fresh:
        session.connection().execute(insert(cast(Table, LicenceRow.__table__)), fresh)
    for row in changed:
        session.execute(
            update(LicenceRow)
            .where(LicenceRow.id == existing[row["number_key"]][0])
            .values(**row, batch_id=batch_id, updated_at=now)
        )
    return len(fresh), len(changed), len(rows) - len(fresh) - len(changed)


def licence_states(session: Session, number_keys: Iterable[str]) -> dict[str, LicenceState]:
    """The register's state of each known licence among `number_keys` (hit / no hit)."""
    wanted = sorted(set(number_keys))
    found: dict[str, LicenceState] = {}
    statement = select(
        LicenceRow.number_key,
        LicenceRow.municipality,
        LicenceRow.valid_from,
        LicenceRow.valid_to,
        LicenceRow.status,
        LicenceRow.holder_key,
    ).where(LicenceRow.number_key.in_(bindparam("keys", expanding=True)))
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = {"keys": wanted[start : start + _IN_CHUNK]}
        for key, place, first_day, last_day, status, holder in session.execute(statement, chunk):
            found[key] = LicenceState(place, first_day, last_day, status, holder)
    return found
