"""SQLAlchemy models of the application database.

Analytic fields are plain columns; the identity part of a record is one AES-GCM
token (`identity`), bound to its table, source and source record id.
Multi-valued codes (forms, sectors, means of control) are stored ';'-joined in the
standard's order, so that equal sets are equal strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "IngestBatch",
    "QuarantineRow",
    "ReportRow",
    "SuspectRegistrationRow",
    "VictimRegistrationRow",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, in UTC, without tzinfo (stored as UTC everywhere)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base with constraint names that migrate cleanly."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class IngestBatch(Base):
    """One run of `zicht ingest` over one file."""

    __tablename__ = "ingest_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    rows_resolved: Mapped[int] = mapped_column(Integer, default=0)


class _RecordColumns:
    """Columns every stored record has."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    source_record_id: Mapped[str] = mapped_column(String(100))
    registration_date: Mapped[dt.date] = mapped_column(Date)
    registration_year: Mapped[int] = mapped_column(Integer, index=True)
    forms: Mapped[str] = mapped_column(String(200))
    identity: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Identity values left out for breaking a rule ("field:rule;..."), and their cells as
    # the source sent them, encrypted, for correction (docs/ingest.md).
    quality_flags: Mapped[str | None] = mapped_column(String(400), nullable=True)
    flagged_original: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class VictimRegistrationRow(_RecordColumns, Base):
    """A stored victim registration."""

    __tablename__ = "victim_registration"
    __table_args__ = (UniqueConstraint("source", "source_record_id"),)

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


class SuspectRegistrationRow(_RecordColumns, Base):
    """A stored suspect registration."""

    __tablename__ = "suspect_registration"
    __table_args__ = (UniqueConstraint("source", "source_record_id"),)

    role: Mapped[str] = mapped_column(String(30))
    gender: Mapped[str] = mapped_column(String(30))
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    nationality: Mapped[str | None] = mapped_column(String(2), nullable=True)
    referred_to_prosecutor: Mapped[bool] = mapped_column(Boolean, default=False)
    prosecutor_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class ReportRow(_RecordColumns, Base):
    """A stored report (melding)."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("source", "source_record_id"),)

    channel: Mapped[str] = mapped_column(String(30))
    reporter_kind: Mapped[str] = mapped_column(String(30))
    sectors: Mapped[str] = mapped_column(String(400), default="")
    municipality: Mapped[str | None] = mapped_column(String(200), nullable=True)
    persons_involved: Mapped[int | None] = mapped_column(Integer, nullable=True)


class QuarantineRow(Base):
    """A row that failed validation: its errors in the clear, the original row encrypted."""

    __tablename__ = "quarantine_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(255))
    row_number: Mapped[int] = mapped_column(Integer)
    errors: Mapped[list[Any]] = mapped_column(JSON)
    original: Mapped[bytes] = mapped_column(LargeBinary)
    original_hash: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    resolved_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("ingest_batch.id"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


RECORD_TABLES: dict[str, type[VictimRegistrationRow | SuspectRegistrationRow | ReportRow]] = {
    "victim_registration": VictimRegistrationRow,
    "suspect_registration": SuspectRegistrationRow,
    "report": ReportRow,
}
