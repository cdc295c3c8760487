"""Stored differentially private releases and the privacy-budget ledger they spend.

A DP release is made once per key (kind, link run, period, epsilon, delta) and stored;
asking again returns the stored files, so noise is never drawn twice for the same data
and cannot be averaged away. Each release that is made writes one ledger row per
registration year it covers, with the epsilon and delta it spent; the budget of a year
is the sum over its rows, across link runs (a new run describes the same people).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.models import Base, utcnow

__all__ = [
    "BudgetSpendRow",
    "ReleaseKey",
    "StoredRelease",
    "StoredReleaseRow",
    "add_release",
    "budget_lock",
    "find_release",
    "spent_by_year",
]


class StoredReleaseRow(Base):
    """One DP release: its key and its files exactly as they were first handed out."""

    __tablename__ = "opendata_release"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    run_id: Mapped[int] = mapped_column(ForeignKey("link_run.id"))
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    epsilon: Mapped[float] = mapped_column(Float)
    delta: Mapped[float] = mapped_column(Float)
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    made_by: Mapped[str] = mapped_column(String(100))
    made_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        Index("ix_opendata_release_key", "kind", "run_id", "first_year", "last_year"),
    )


class BudgetSpendRow(Base):
    """One line of the ledger: a release spent `epsilon` (and `delta`) of `year`'s budget."""

    __tablename__ = "opendata_budget_spend"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("link_run.id"))
    release_id: Mapped[int] = mapped_column(ForeignKey("opendata_release.id"))
    epsilon: Mapped[float] = mapped_column(Float)
    delta: Mapped[float] = mapped_column(Float)
    spent_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


@dataclass(frozen=True)
class ReleaseKey:
    """What makes two requests ask for the same release."""

    kind: str
    run_id: int
    first_year: int
    last_year: int
    epsilon: float
    delta: float

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


@dataclass(frozen=True)
class StoredRelease:
    """A stored release as read back."""

    id: int
    key: ReleaseKey
    files: dict[str, str]
    made_at: dt.datetime


def find_release(bind: Engine | Connection, key: ReleaseKey) -> StoredRelease | None:
    """The latest stored release of `key`, or None."""
    r = StoredReleaseRow
    statement = (
        select(r.id, r.files, r.made_at)
        .where(
            r.kind == key.kind,
            r.run_id == key.run_id,
            r.first_year == key.first_year,
            r.last_year == key.last_year,
            r.epsilon == key.epsilon,
            r.delta == key.delta,
        )
        .order_by(r.id.desc())
        .limit(1)
    )
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            row = connection.execute(statement).first()
    else:
        row = bind.execute(statement).first()
    if row is None:
        return None
    return StoredRelease(int(row.id), key, dict(row.files), row.made_at)


def spent_by_year(
    bind: Engine | Connection, years: Iterable[int] | None = None
) -> dict[int, float]:
    """Epsilon spent so far per registration year (all link runs), only years with spending."""
    b = BudgetSpendRow
    statement = select(b.year, func.sum(b.epsilon)).group_by(b.year).order_by(b.year)
    if years is not None:
        statement = statement.where(b.year.in_(list(years)))
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            rows = connection.execute(statement).all()
    else:
        rows = bind.execute(statement).all()
    return {int(year): float(total) for year, total in rows}


def budget_lock(connection: Connection) -> None:
    """Serialise budget checks and spending until the transaction ends.

    SQLite: the caller's transaction already holds the write lock (BEGIN IMMEDIATE). On
    PostgreSQL a transaction-level advisory lock, one per schema.
    """
    if connection.dialect.name != "postgresql":
        return
    key = text("SELECT ('x' || md5(current_schema() || '/zicht-opendata-budget'))::bit(64)::bigint")
    number = int(connection.execute(key).scalar_one())
    connection.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})


def add_release(
    connection: Connection, key: ReleaseKey, files: Mapping[str, str], made_by: str
) -> int:
    """Store a release and write its ledger rows (one per year) in the caller's transaction."""
    now = utcnow()
    release_id = int(
        connection.execute(
            insert(StoredReleaseRow)
            .values(
                kind=key.kind,
                run_id=key.run_id,
                first_year=key.first_year,
                last_year=key.last_year,
                epsilon=key.epsilon,
                delta=key.delta,
                files=dict(files),
                made_by=made_by,
                made_at=now,
            )
            .returning(StoredReleaseRow.id)
        ).scalar_one()
    )
    connection.execute(
        insert(BudgetSpendRow),
        [
            {
                "year": year,
                "run_id": key.run_id,
                "release_id": release_id,
                "epsilon": key.epsilon,
                "delta": key.delta,
                "spent_at": now,
            }
            for year in key.years
        ],
    )
    return release_id
