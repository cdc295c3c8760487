"""Models of DSA notice and action: platforms as tenants, notices, decisions, complaints,
referrals to the police (Art. 18) and trusted flaggers (Art. 22).

A notice's explanation and locations (`content`) and a notifier's contact (`contact`)
are AES-GCM tokens bound to the notice's reference; a complaint's text and contact and a
referral's file likewise. Decisions are stored in the clear: their facts are written for the
Transparency Database, without personal data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.models import Base, utcnow

__all__ = [
    "ComplaintRow",
    "DecisionRow",
    "NoticeRow",
    "OutboxRow",
    "PlatformTenantRow",
    "ReferralRow",
    "SanctionRow",
    "TrustedFlaggerRow",
    "complaint_context",
    "notice_context",
    "referral_context",
]


def notice_context(reference: str, part: str) -> str:
    """Associated data binding a notice's encrypted `part` (content, contact) to it."""
    return f"notice/{reference}/{part}"


def complaint_context(reference: str, part: str | None = None) -> str:
    """Associated data binding a complaint's encrypted text (or `part`: contact) to it."""
    return f"complaint/{reference}" if part is None else f"complaint/{reference}/{part}"


def referral_context(reference: str, organisation: str) -> str:
    """Associated data binding a referral's encrypted file to its notice and recipient."""
    return f"referral/{reference}/{organisation}"


class PlatformTenantRow(Base):
    """A platform using Zicht's notice and action: one tenant, its own queue and moderators."""

    __tablename__ = "dsa_platform"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contact_point: Mapped[str] = mapped_column(String(254))
    established_in: Mapped[str] = mapped_column(String(2), default="NL")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class TrustedFlaggerRow(Base):
    """A partner organisation designated as trusted flagger (Art. 22)."""

    __tablename__ = "trusted_flagger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(40), unique=True)
    designated_on: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class NoticeRow(Base):
    """A notice (Art. 16), a trusted flagger's notice or an own-initiative case."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    platform: Mapped[str] = mapped_column(String(60), index=True)
    source: Mapped[str] = mapped_column(String(20))
    flagger: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    notifier_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    category: Mapped[str] = mapped_column(String(80))
    keywords: Mapped[list[Any]] = mapped_column(JSON)
    ad_ids: Mapped[list[Any]] = mapped_column(JSON)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    contact: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    good_faith: Mapped[bool] = mapped_column(Boolean)
    threat_to_life: Mapped[bool] = mapped_column(Boolean, default=False)
    lane: Mapped[str] = mapped_column(String(20))
    priority: Mapped[int] = mapped_column(Integer)
    screening_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    automated_detection: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(80), nullable=True)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class DecisionRow(Base):
    """A decision on a notice: to act (with its restrictions and ground) or not to act."""

    __tablename__ = "moderation_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    puid: Mapped[str] = mapped_column(String(120), unique=True)
    redress_key: Mapped[str] = mapped_column(String(64), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    platform: Mapped[str] = mapped_column(String(60), index=True)
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    acted: Mapped[bool] = mapped_column(Boolean)
    visibility: Mapped[list[Any]] = mapped_column(JSON)
    monetary: Mapped[str | None] = mapped_column(String(40), nullable=True)
    provision: Mapped[str | None] = mapped_column(String(50), nullable=True)
    account: Mapped[str | None] = mapped_column(String(40), nullable=True)
    ground: Mapped[str | None] = mapped_column(String(50), nullable=True)
    ground_reference: Mapped[str | None] = mapped_column(String(500), nullable=True)
    ground_explanation: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    incompatible_illegal: Mapped[str | None] = mapped_column(String(3), nullable=True)
    facts: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(80))
    keywords: Mapped[list[Any]] = mapped_column(JSON)
    content_type: Mapped[list[Any]] = mapped_column(JSON)
    other_texts: Mapped[dict[str, Any]] = mapped_column(JSON)
    territorial_scope: Mapped[list[Any]] = mapped_column(JSON)
    account_type: Mapped[str | None] = mapped_column(String(30), nullable=True)
    content_date: Mapped[dt.date] = mapped_column(Date)
    application_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    automated_detection: Mapped[bool] = mapped_column(Boolean)
    automated_decision: Mapped[str] = mapped_column(String(40))
    referred: Mapped[bool] = mapped_column(Boolean, default=False)
    unfounded: Mapped[bool] = mapped_column(Boolean, default=False)
    poster_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    manifestly_illegal: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    approved_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    reversed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ComplaintRow(Base):
    """An internal complaint (Art. 20) against a decision, by the poster or the notifier."""

    __tablename__ = "dsa_complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("moderation_decision.id"), index=True)
    platform: Mapped[str] = mapped_column(String(60), index=True)
    complainant: Mapped[str] = mapped_column(String(10))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # The complainant's e-mail, when given, to tell the outcome (`complaint_context`).
    contact: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    language: Mapped[str] = mapped_column(String(5), server_default="nl")
    status: Mapped[str] = mapped_column(String(20), index=True)
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reviewer: Mapped[str | None] = mapped_column(String(80), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    outcome_reason: Mapped[str | None] = mapped_column(String(2000), nullable=True)


class ReferralRow(Base):
    """A suspicion of a crime against life or safety, in a partner's queue (Art. 18)."""

    __tablename__ = "dsa_referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("moderation_decision.id"))
    platform: Mapped[str] = mapped_column(String(60))
    organisation: Mapped[str] = mapped_column(String(40), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OutboxRow(Base):
    """A message to a notifier (receipt, decision), waiting for its sender.

    The address is not stored here: it is read from the notice's encrypted contact when
    the message is sent. Subject and body carry references and decisions, no identity.
    """

    __tablename__ = "dsa_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    # Set for a message to a complainant who gave an address with the complaint: it goes
    # to that address (the complaint's contact), never to the notice's.
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("dsa_complaint.id"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class SanctionRow(Base):
    """An Art. 23 measure against a notifier or poster (by keyed pseudonym): a warning
    or a suspension until a moment."""

    __tablename__ = "dsa_sanction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(10))
    subject_key: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
