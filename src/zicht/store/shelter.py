"""Models of the shelter area: shelters, their beds, requests for a place, reservations.

A shelter's address is secret: it is stored only as an AES-GCM token bound to the
shelter (`address`). A person is referred to by the keyed pseudonym of a registration,
never by name. A bed is given by one conditional UPDATE (`taken` from false to true);
a partial unique index on active reservations per bed backs it up in the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.models import Base, utcnow

__all__ = [
    "ACTIVE_STATES",
    "SERVED_STATES",
    "BedRow",
    "ReservationRow",
    "ShelterMemberRow",
    "ShelterRequestRow",
    "ShelterRow",
    "address_context",
]

# A reservation in one of these states holds its bed.
ACTIVE_STATES = ("held", "accepted")
# A person of a request with a reservation in one of these states has been given a place.
SERVED_STATES = (*ACTIVE_STATES, "discharged")
_ACTIVE_SQL = text("status IN ('held', 'accepted')")


def address_context(code: str) -> str:
    """Associated data binding a shelter's encrypted address to the shelter."""
    return f"shelter/{code}"


class ShelterRow(Base):
    """A shelter: categorical, municipal or crisis beds, with its features."""

    __tablename__ = "shelter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(40), index=True)
    languages: Mapped[str] = mapped_column(String(200), default="")
    wheelchair: Mapped[bool] = mapped_column(Boolean, default=False)
    security: Mapped[int] = mapped_column(Integer, default=1)
    care: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ShelterMemberRow(Base):
    """A user or API token working for a shelter (its "own" shelter)."""

    __tablename__ = "shelter_member"
    __table_args__ = (UniqueConstraint("shelter_id", "actor"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shelter_id: Mapped[int] = mapped_column(
        ForeignKey("shelter.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(120), index=True)


class BedRow(Base):
    """One bed of a shelter; `in_service` false when the shelter cannot offer it now."""

    __tablename__ = "shelter_bed"
    __table_args__ = (Index("ix_shelter_bed_free", "shelter_id", "kind", "taken", "in_service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shelter_id: Mapped[int] = mapped_column(ForeignKey("shelter.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    in_service: Mapped[bool] = mapped_column(Boolean, default=True)
    taken: Mapped[bool] = mapped_column(Boolean, default=False)


class ShelterRequestRow(Base):
    """A partner's request for a place for one person or a group."""

    __tablename__ = "shelter_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(40), index=True)
    requested_by: Mapped[str] = mapped_column(String(120))
    bed_kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    person_keys: Mapped[list[Any]] = mapped_column(JSON)
    needs: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgency: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(40))
    form: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ReservationRow(Base):
    """A bed held for one person of a request, until the shelter accepts or refuses."""

    __tablename__ = "shelter_reservation"
    __table_args__ = (
        Index(
            "ux_shelter_reservation_active_bed",
            "bed_id",
            unique=True,
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
        Index(
            "ux_shelter_reservation_active_person",
            "request_id",
            "person_index",
            unique=True,
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("shelter_request.id"), index=True)
    person_index: Mapped[int] = mapped_column(Integer)
    bed_id: Mapped[int] = mapped_column(ForeignKey("shelter_bed.id"))
    shelter_id: Mapped[int] = mapped_column(ForeignKey("shelter.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    held_until: Mapped[dt.datetime] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    discharged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
