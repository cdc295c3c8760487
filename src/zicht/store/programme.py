"""Tables and repository of the programme: its yearly documents, hand-entered figures,
and the municipal self-assessment (answers per municipality, building block and year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Engine,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.models import Base, utcnow

__all__ = [
    "AnswerRow",
    "AssessmentRoundRow",
    "FigureRow",
    "ProgrammeVersionRow",
    "StoredAnswer",
    "StoredFigure",
    "answers",
    "programme_document",
    "programme_years",
    "publish_round",
    "round_published",
    "save_answers",
    "save_figure",
    "save_programme_document",
    "stored_figures",
]


class ProgrammeVersionRow(Base):
    """The programme document of one year (themes, actions, indicators, blocks)."""

    __tablename__ = "programme_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FigureRow(Base):
    """A figure of an indicator for a year, entered by hand with its source."""

    __tablename__ = "programme_figure"
    __table_args__ = (UniqueConstraint("year", "indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))
    entered_by: Mapped[str] = mapped_column(String(120))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AnswerRow(Base):
    """A municipality's answer to one building block of the Kader in one year."""

    __tablename__ = "assessment_answer"
    __table_args__ = (UniqueConstraint("year", "municipality", "block"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    municipality: Mapped[str] = mapped_column(String(6), index=True)
    block: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AssessmentRoundRow(Base):
    """A year's round of the self-assessment and when its answers were published."""

    __tablename__ = "assessment_round"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """One stored answer."""

    municipality: str
    block: str
    answer: str
    note: str | None
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredFigure:
    """One hand-entered figure."""

    year: int
    indicator: str
    value: float
    source: str


def _insert(connection: Connection, table: Any) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def save_programme_document(
    connection: Connection, year: int, document: dict[str, Any], imported_by: str
) -> bool:
    """Store the programme of `year` (replacing an earlier import) in the caller's
    transaction; True when it was new."""
    table = ProgrammeVersionRow.__table__
    existed = connection.execute(
        select(ProgrammeVersionRow.id).where(ProgrammeVersionRow.year == year)
    ).first()
    statement = _insert(connection, table).values(
        year=year, document=document, imported_by=imported_by, imported_at=utcnow()
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["year"],
            set_={
                "document": statement.excluded.document,
                "imported_by": statement.excluded.imported_by,
                "imported_at": statement.excluded.imported_at,
            },
        )
    )
    return existed is None


def programme_document(engine: Engine, year: int) -> dict[str, Any] | None:
    """The stored programme document of `year`, if any."""
    with engine.connect() as connection:
        found: dict[str, Any] | None = connection.execute(
            select(ProgrammeVersionRow.document).where(ProgrammeVersionRow.year == year)
        ).scalar()
    return found


def programme_years(engine: Engine) -> list[int]:
    """The years with a stored programme, oldest first."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(ProgrammeVersionRow.year).order_by(ProgrammeVersionRow.year)
            ).scalars()
        )


def save_figure(
    connection: Connection,
    year: int,
    indicator: str,
    value: float,
    source: str,
    entered_by: str,
) -> None:
    """Store (or replace) the hand-entered figure of `indicator` in `year` (in the caller's
    transaction)."""
    statement = _insert(connection, FigureRow.__table__).values(
        year=year,
        indicator=indicator,
        value=value,
        source=source,
        entered_by=entered_by,
        entered_at=utcnow(),
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["year", "indicator"],
            set_={
                name: getattr(statement.excluded, name)
                for name in ("value", "source", "entered_by", "entered_at")
            },
        )
    )


def stored_figures(engine: Engine, years: Iterable[int]) -> list[StoredFigure]:
    """The hand-entered figures of `years`."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(FigureRow.year, FigureRow.indicator, FigureRow.value, FigureRow.source)
            .where(FigureRow.year.in_(list(years)))
            .order_by(FigureRow.year, FigureRow.indicator)
        )
        return [StoredFigure(*row) for row in rows]


def save_answers(
    connection: Connection,
    year: int,
    municipality: str,
    given: Iterable[tuple[str, str, str | None]],
    updated_by: str,
) -> int:
    """Store a municipality's answers (block, answer, note) in the caller's transaction.

    Blocks not in `given` keep their stored answer (a partial save loses nothing).
    Returns the number of answers written.
    """
    now = utcnow()
    values = [
        {
            "year": year,
            "municipality": municipality,
            "block": block,
            "answer": answer,
            "note": note,
            "updated_by": updated_by,
            "updated_at": now,
        }
        for block, answer, note in given
    ]
    if not values:
        return 0
    statement = _insert(connection, AnswerRow.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["year", "municipality", "block"],
        set_={
            name: getattr(statement.excluded, name)
            for name in ("answer", "note", "updated_by", "updated_at")
        },
    )
    connection.execute(statement, values)
    return len(values)


def answers(engine: Engine, year: int, municipality: str | None = None) -> list[StoredAnswer]:
    """The stored answers of `year` (of one municipality when given)."""
    statement = select(
        AnswerRow.municipality,
        AnswerRow.block,
        AnswerRow.answer,
        AnswerRow.note,
        AnswerRow.updated_at,
    ).where(AnswerRow.year == year)
    if municipality is not None:
        statement = statement.where(AnswerRow.municipality == municipality)
    with engine.connect() as connection:
        rows = connection.execute(statement.order_by(AnswerRow.municipality, AnswerRow.block))
        return [StoredAnswer(*row) for row in rows]


def publish_round(connection: Connection, year: int, published_by: str) -> None:
    """Mark the answers of `year` as published (everyone allowed may see them), in the
    caller's transaction."""
    statement = _insert(connection, AssessmentRoundRow.__table__).values(
        year=year, published_at=utcnow(), published_by=published_by
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["year"],
            set_={
                "published_at": statement.excluded.published_at,
                "published_by": statement.excluded.published_by,
            },
        )
    )


def round_published(engine: Engine, year: int) -> bool:
    """Whether the answers of `year` have been published."""
    with engine.connect() as connection:
        when = connection.execute(
            select(AssessmentRoundRow.published_at).where(AssessmentRoundRow.year == year)
        ).scalar()
    return when is not None
