"""Models of the platforms area: the licence register and the ads platforms deliver.

Licence numbers, holders and ad contacts are stored as keyed pseudonyms (equal in,
equal out, not reversible without the key); their cleartext lives only inside the
AES-GCM token of the row (`identity` / `content`), bound to the row's key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.models import Base, utcnow

__all__ = [
    "AdBandRow",
    "AdContactRow",
    "AdLinkRow",
    "AdRow",
    "LicenceRow",
    "ad_context",
    "licence_context",
]


def licence_context(number_key: str) -> str:
    """Associated data binding a licence's encrypted identity to its register entry."""
    return f"licence/{number_key}"


def ad_context(platform: str, ad_id: str) -> str:
    """Associated data binding an ad's encrypted content to the ad."""
    return f"ad/{platform}/{ad_id}"


class LicenceRow(Base):
    """A sex-work licence as a municipality issued it."""

    __tablename__ = "licence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number_key: Mapped[str] = mapped_column(String(64), unique=True)
    municipality: Mapped[str] = mapped_column(String(6), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12))
    holder_key: Mapped[str] = mapped_column(String(64), index=True)
    identity: Mapped[bytes] = mapped_column(LargeBinary)
    content_hash: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AdRow(Base):
    """An advertisement as a platform delivered it, with its screening."""

    __tablename__ = "ad"
    __table_args__ = (UniqueConstraint("platform", "ad_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(60))
    ad_id: Mapped[str] = mapped_column(String(200))
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    stated_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    licence_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    image_hashes: Mapped[list[Any]] = mapped_column(JSON)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    flags: Mapped[list[Any]] = mapped_column(JSON)
    # [[flag, kind, message, params], ...]: the evidence of each flag, translatable
    evidence: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    cluster_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AdContactRow(Base):
    """One contact (phone or e-mail) of an ad, as a keyed pseudonym of its normal form."""

    __tablename__ = "ad_contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ad: Mapped[int] = mapped_column(ForeignKey("ad.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(64), index=True)


class AdBandRow(Base):
    """A locality-sensitive key of an ad (a text-template band or a photo band)."""

    __tablename__ = "ad_band"
    # Grouping reads a chunk's band keys with their representatives: an index on
    # (key, ad) answers that from the index alone, in order (migration 0023).
    __table_args__ = (Index("ix_ad_band_key_ad", "key", "ad"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ad: Mapped[int] = mapped_column(ForeignKey("ad.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))


class AdLinkRow(Base):
    """Why two ads are one operator's: a shared contact, text template or photo."""

    __tablename__ = "ad_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ad: Mapped[int] = mapped_column(ForeignKey("ad.id", ondelete="CASCADE"), index=True)
    linked_ad: Mapped[int] = mapped_column(ForeignKey("ad.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[int] = mapped_column(Integer, default=0)
