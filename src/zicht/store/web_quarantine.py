"""The quarantine as the web app shows it: open entries paged, filtered and grouped.

Entries come back without their original row unless one entry is asked for
(`quarantine_entry`); the original stays encrypted here, the caller decrypts it.
Grouping and the rule filter read the rules of an organisation's open entries (their
errors, never the original rows); paging then reads only the entries shown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from zicht.store.models import QuarantineRow

__all__ = [
    "QUARANTINE_PAGE_SIZE",
    "QuarantineEntry",
    "QuarantineFilter",
    "QuarantineGroup",
    "QuarantinePage",
    "count_open",
    "open_quarantine",
    "quarantine_entry",
    "quarantine_page",
]

QUARANTINE_PAGE_SIZE = 25
_SHOWN = ("id", "batch_id", "source", "record_type", "file_name", "row_number", "errors")


@dataclass(frozen=True)
class QuarantineEntry:
    """A quarantined row: where it came from and the rules it breaks (no values)."""

    id: int
    batch_id: int
    source: str
    record_type: str
    file_name: str
    row_number: int
    errors: list[dict[str, Any]]
    status: str = "open"
    created_at: dt.datetime | None = None
    original: bytes | None = field(default=None, repr=False)
    """The encrypted original row; only from `quarantine_entry`."""

    @property
    def rules(self) -> list[str]:
        """The rules broken, each once, in the order found."""
        return list(dict.fromkeys(str(error.get("rule")) for error in self.errors))


@dataclass(frozen=True)
class QuarantineFilter:
    """Which open entries to show: organisation (None: all), record type, rule, page."""

    organisation: str | None = None
    record_type: str | None = None
    rule: str | None = None
    page: int = 1
    page_size: int = QUARANTINE_PAGE_SIZE


@dataclass(frozen=True)
class QuarantineGroup:
    """How many open entries of one record type break one rule."""

    record_type: str
    rule: str
    count: int


@dataclass(frozen=True)
class QuarantinePage:
    """One page of open entries, how many match the filter, and every group."""

    entries: list[QuarantineEntry]
    total: int
    groups: list[QuarantineGroup]
    record_types: list[tuple[str, int]]
    """Record types with open entries and their number (for one export file each)."""


def _open(organisation: str | None, record_type: str | None = None) -> Any:
    table = QuarantineRow.__table__
    statement = select(*(table.c[name] for name in _SHOWN)).where(table.c.status == "open")
    if organisation is not None:
        statement = statement.where(table.c.source == organisation)
    if record_type is not None:
        statement = statement.where(table.c.record_type == record_type)
    return statement.order_by(table.c.id)


def open_quarantine(
    engine: Engine, organisation: str | None, record_type: str | None = None, limit: int = 1000
) -> list[QuarantineEntry]:
    """Open entries (errors, not the original rows) of one or all organisations, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(_open(organisation, record_type).limit(limit))
        return [QuarantineEntry(*row) for row in rows]


def count_open(engine: Engine, organisation: str) -> int:
    """How many quarantined rows of `organisation` wait for a correction."""
    table = QuarantineRow.__table__
    statement = (
        select(func.count())
        .select_from(table)
        .where(table.c.status == "open", table.c.source == organisation)
    )
    with engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())


def quarantine_page(engine: Engine, wanted: QuarantineFilter) -> QuarantinePage:
    """One page of open entries matching `wanted`, with the groups of all open entries."""
    table = QuarantineRow.__table__
    groups: Counter[tuple[str, str]] = Counter()
    per_type: Counter[str] = Counter()
    matching: list[int] = []
    statement = (
        select(table.c.id, table.c.record_type, table.c.errors)
        .where(table.c.status == "open")
        .order_by(table.c.id)
    )
    if wanted.organisation is not None:
        statement = statement.where(table.c.source == wanted.organisation)
    with engine.connect() as connection:
        for entry_id, record_type, errors in connection.execute(statement):
            rules = {str(error.get("rule")) for error in errors}
            per_type[record_type] += 1
            groups.update((record_type, rule) for rule in rules)
            if (wanted.record_type in (None, record_type)) and (wanted.rule in (None, *rules)):
                matching.append(entry_id)
        start = (wanted.page - 1) * wanted.page_size
        shown = matching[start : start + wanted.page_size]
        rows = connection.execute(
            select(*(table.c[name] for name in _SHOWN))
            .where(table.c.id.in_(shown))
            .order_by(table.c.id)
        )
        entries = [QuarantineEntry(*row) for row in rows] if shown else []
    return QuarantinePage(
        entries=entries,
        total=len(matching),
        groups=[
            QuarantineGroup(record_type, rule, count)
            for (record_type, rule), count in sorted(groups.items(), key=lambda g: (g[0][0], -g[1]))
        ],
        record_types=sorted(per_type.items()),
    )


def quarantine_entry(engine: Engine, entry_id: int) -> QuarantineEntry | None:
    """One quarantine entry with its encrypted original row, or None."""
    table = QuarantineRow.__table__
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == entry_id)).first()
    if row is None:
        return None
    values = row._mapping
    return QuarantineEntry(
        id=values["id"],
        batch_id=values["batch_id"],
        source=values["source"],
        record_type=values["record_type"],
        file_name=values["file_name"],
        row_number=values["row_number"],
        errors=list(values["errors"]),
        status=values["status"],
        created_at=values["created_at"],
        original=values["original"],
    )
