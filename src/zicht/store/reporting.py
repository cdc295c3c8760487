"""Models and repository of the anonymous reporting channel (`zicht.reporting`).

Nothing here can be read without a key held outside the database: report content,
messages and attachments are sealed boxes to the handling organisation's public key
(and, for messages, also to the reporter's); the organisation's private key is stored
only wrapped under staff passwords; a receipt is stored only as a keyed slow hash
(`lookup`). No column holds an address, a browser or any other trace of the reporter.
Until a report's receipt is derived after its acknowledgement (`zicht.reporting._pending`)
its `lookup` is a `pending:` stand-in, its `reporter_key` the server's pending key and its
first message's `for_reporter` the receipt sealed to that key; `claimed_by`/`claimed_at`
name the process deriving it (a random token per process, never anything of the
reporter; migration 0020), cleared when the report is finished.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from zicht.store.models import Base, utcnow

__all__ = [
    "PendingRow",
    "ReportAttachmentRow",
    "ReportChallengeRow",
    "ReportKeyRow",
    "ReportKeyWrapRow",
    "ReportMessageRow",
    "ReportPageRow",
    "ReportRow",
    "attachment_of",
    "attachments_of",
    "claim_pending",
    "count_reporter_messages",
    "file_report",
    "finish_pending_report",
    "insert_message",
    "key_wrap",
    "messages_of",
    "organisation_key",
    "page_rows",
    "pending_report_by_lookup",
    "pending_reports",
    "purge_reports",
    "release_claims",
    "report_by_id",
    "report_by_lookup",
    "report_facts",
    "report_queue",
    "reporter_key_for_update",
    "reports_version",
    "reseal_message",
    "save_key_wrap",
    "save_organisation_key",
    "save_page",
    "update_page",
    "update_report",
]


class ReportKeyRow(Base):
    """An organisation's public key for reports (its private key: `ReportKeyWrapRow`)."""

    __tablename__ = "reporting_key"

    organisation: Mapped[str] = mapped_column(String(40), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReportKeyWrapRow(Base):
    """The organisation's private key wrapped under one staff member's password."""

    __tablename__ = "reporting_key_wrap"
    __table_args__ = (UniqueConstraint("organisation", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("reporting_key.organisation"))
    user_id: Mapped[int] = mapped_column(Integer)
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    box: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReportRow(Base):
    """A report (`melding`): triage facts in the clear, everything said sealed."""

    __tablename__ = "reporting_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lookup: Mapped[str] = mapped_column(String(64), unique=True)
    organisation: Mapped[str] = mapped_column(String(40), index=True)
    audience: Mapped[str] = mapped_column(String(12))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), index=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    referred_to: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reporter_key: Mapped[bytes] = mapped_column(LargeBinary)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    first_answer_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_activity_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    registration_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # While pending: which process derives its receipt, since when (`claim_pending`).
    claimed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ReportMessageRow(Base):
    """One message of a conversation, sealed to the organisation and to the reporter."""

    __tablename__ = "reporting_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_report.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(8))
    for_organisation: Mapped[bytes] = mapped_column(LargeBinary)
    for_reporter: Mapped[bytes] = mapped_column(LargeBinary)
    staff: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReportAttachmentRow(Base):
    """A file sent with a report, stripped of metadata, then sealed to the organisation."""

    __tablename__ = "reporting_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_report.id", ondelete="CASCADE"), index=True
    )
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReportChallengeRow(Base):
    """A proof-of-work challenge that has been spent (each counts once)."""

    __tablename__ = "reporting_challenge"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    spent_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ReportPageRow(Base):
    """An information page (Markdown) for one audience, topic and language."""

    __tablename__ = "reporting_page"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audience: Mapped[str] = mapped_column(String(12))
    topic: Mapped[str] = mapped_column(String(12))
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), index=True)
    author: Mapped[str] = mapped_column(String(200))
    reviewer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def save_organisation_key(session: Session, organisation: str, public_key: bytes) -> None:
    """Store an organisation's public key (IntegrityError when it has one)."""
    session.add(ReportKeyRow(organisation=organisation, public_key=public_key))
    session.flush()


def organisation_key(connection: Connection | Session, organisation: str) -> bytes | None:
    """The public key of `organisation`, or None when it has none."""
    statement = select(ReportKeyRow.public_key).where(ReportKeyRow.organisation == organisation)
    found: bytes | None = connection.execute(statement).scalar()
    return found


def save_key_wrap(
    session: Session, organisation: str, user_id: int, salt: bytes, box: bytes
) -> None:
    """Store (or replace) one staff member's wrapped copy of the private key."""
    session.execute(
        delete(ReportKeyWrapRow).where(
            ReportKeyWrapRow.organisation == organisation, ReportKeyWrapRow.user_id == user_id
        )
    )
    session.add(ReportKeyWrapRow(organisation=organisation, user_id=user_id, salt=salt, box=box))
    session.flush()


def key_wrap(
    connection: Connection | Session, organisation: str, user_id: int
) -> tuple[bytes, bytes] | None:
    """(salt, box) of a staff member's wrapped key, or None."""
    row = connection.execute(
        select(ReportKeyWrapRow.salt, ReportKeyWrapRow.box).where(
            ReportKeyWrapRow.organisation == organisation, ReportKeyWrapRow.user_id == user_id
        )
    ).first()
    return None if row is None else (row[0], row[1])


def insert_message(session: Session, values: dict[str, Any]) -> int:
    """Insert a message; its id (the report's last activity moves with it)."""
    now = utcnow()
    row_id: int = session.execute(
        insert(ReportMessageRow).values(created_at=now, **values).returning(ReportMessageRow.id)
    ).scalar_one()
    session.execute(
        update(ReportRow).where(ReportRow.id == values["report_id"]).values(last_activity_at=now)
    )
    return row_id


# A submission's statements, built once: their compiled form is cached, and only the
# parameters change (building `.values(...)` per call cost more than the insert).
_SPEND = {
    "postgresql": postgresql.insert(ReportChallengeRow)
    .on_conflict_do_nothing()
    .returning(ReportChallengeRow.id),
    "sqlite": sqlite.insert(ReportChallengeRow)
    .on_conflict_do_nothing()
    .returning(ReportChallengeRow.id),
}
_NEW_REPORT = insert(ReportRow).returning(ReportRow.id)
_NEW_MESSAGE = insert(ReportMessageRow)
_NEW_ATTACHMENT = insert(ReportAttachmentRow)


def file_report(
    connection: Connection,
    challenge_id: str,
    report: dict[str, Any],
    message: dict[str, Any],
    attachments: Sequence[dict[str, Any]],
) -> int | None:
    """Spend the challenge, insert a report, its first message and its attachments (in
    the caller's transaction); the report's id, or None when the challenge was spent
    before (nothing is written then)."""
    now = utcnow()
    spend = _SPEND["postgresql" if connection.dialect.name == "postgresql" else "sqlite"]
    if connection.execute(spend, {"id": challenge_id, "spent_at": now}).scalar() is None:
        return None
    report_id: int = connection.execute(
        _NEW_REPORT, {**report, "created_at": now, "last_activity_at": now}
    ).scalar_one()
    connection.execute(_NEW_MESSAGE, {**message, "report_id": report_id, "created_at": now})
    if attachments:
        connection.execute(
            _NEW_ATTACHMENT,
            [{**values, "report_id": report_id, "created_at": now} for values in attachments],
        )
    return report_id


def report_by_lookup(session: Session, lookup: str) -> ReportRow | None:
    """The report a receipt's lookup key names, or None."""
    return session.scalars(select(ReportRow).where(ReportRow.lookup == lookup)).first()


@dataclass(frozen=True)
class PendingRow:
    """A report whose receipt is not derived yet (zicht.reporting._pending): its id, its
    stand-in lookup and its first message's box sealed to the server's pending key."""

    report_id: int
    lookup: str
    sealed: bytes


def pending_reports(
    session: Session,
    prefix: str,
    report_ids: Sequence[int] | None,
    older_than: float | None,
) -> list[PendingRow]:
    """Reports whose lookup starts with `prefix` (of `report_ids` when given; filed more
    than `older_than` seconds ago when given), oldest first."""
    first = (
        select(func.min(ReportMessageRow.id))
        .where(ReportMessageRow.report_id == ReportRow.id)
        .correlate(ReportRow)
        .scalar_subquery()
    )
    statement = (
        select(ReportRow.id, ReportRow.lookup, ReportMessageRow.for_reporter)
        .join(ReportMessageRow, ReportMessageRow.id == first)
        .where(ReportRow.lookup.startswith(prefix, autoescape=True))
        .order_by(ReportRow.id)
    )
    if report_ids is not None:
        statement = statement.where(ReportRow.id.in_(list(report_ids)))
    if older_than is not None:
        before = utcnow() - dt.timedelta(seconds=older_than)
        statement = statement.where(ReportRow.created_at < before)
    return [PendingRow(row[0], row[1], row[2]) for row in session.execute(statement)]


def pending_report_by_lookup(session: Session, lookup: str) -> PendingRow | None:
    """The pending report whose stand-in lookup is `lookup` (one indexed read), or None."""
    first = (
        select(func.min(ReportMessageRow.id))
        .where(ReportMessageRow.report_id == ReportRow.id)
        .correlate(ReportRow)
        .scalar_subquery()
    )
    row = session.execute(
        select(ReportRow.id, ReportRow.lookup, ReportMessageRow.for_reporter)
        .join(ReportMessageRow, ReportMessageRow.id == first)
        .where(ReportRow.lookup == lookup)
    ).first()
    return None if row is None else PendingRow(row[0], row[1], row[2])


def claim_pending(
    session: Session, placeholders: Sequence[str], claimant: str, lease: float
) -> set[int]:
    """Claim the derivation of the pending reports named by their stand-in lookups for
    `claimant`; the ids of those this call claimed. A report is left out when it is
    finished (its lookup is no stand-in any more) or claimed by anyone less than `lease`
    seconds ago. One UPDATE tests and sets at once, so of callers racing for a report
    exactly one claims it: PostgreSQL locks each row and re-checks the condition on the
    committed row; SQLite has one writer at a time. The caller commits."""
    if not placeholders:
        return set()
    now = utcnow()
    claimed = session.execute(
        update(ReportRow)
        .where(
            ReportRow.lookup.in_(list(placeholders)),
            or_(
                ReportRow.claimed_at.is_(None),
                ReportRow.claimed_at < now - dt.timedelta(seconds=lease),
            ),
        )
        .values(claimed_by=claimant, claimed_at=now)
        .returning(ReportRow.id),
        execution_options={"synchronize_session": False},
    ).scalars()
    return {int(report_id) for report_id in claimed}


def release_claims(session: Session, report_ids: Iterable[int], claimant: str) -> None:
    """Drop `claimant`'s claims on the reports `report_ids` that are still its own (a
    report finished meanwhile has no claim left, one taken over after the lease another
    claimant's): the next sweep may try them at once. The caller commits."""
    ids = sorted(set(report_ids))
    if not ids:
        return
    session.execute(
        update(ReportRow)
        .where(ReportRow.id.in_(ids), ReportRow.claimed_by == claimant)
        .values(claimed_by=None, claimed_at=None),
        execution_options={"synchronize_session": False},
    )


def finish_pending_report(
    session: Session, report_id: int, placeholder: str, lookup: str, reporter_key: bytes
) -> bool:
    """Give a pending report its derived lookup and reporter key, and drop its claim;
    False when it is not pending under `placeholder` any more (finished by another
    process)."""
    result = session.execute(
        update(ReportRow)
        .where(ReportRow.id == report_id, ReportRow.lookup == placeholder)
        .values(lookup=lookup, reporter_key=reporter_key, claimed_by=None, claimed_at=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def reseal_message(session: Session, message_id: int, for_reporter: bytes) -> None:
    """Replace the reporter's copy of a message (resealed when its report is finished)."""
    session.execute(
        update(ReportMessageRow)
        .where(ReportMessageRow.id == message_id)
        .values(for_reporter=for_reporter)
    )


def reporter_key_for_update(session: Session, report_id: int) -> bytes:
    """The key a new message is sealed to for the reporter, read by a write (the
    report's last activity) that locks the row (PostgreSQL) or the database (SQLite)
    first, so that finishing a pending report cannot slip in before the message."""
    key: bytes = session.execute(
        update(ReportRow)
        .where(ReportRow.id == report_id)
        .values(last_activity_at=utcnow())
        .returning(ReportRow.reporter_key)
    ).scalar_one()
    return key


def report_by_id(session: Session, report_id: int) -> ReportRow | None:
    """The report `report_id`, or None."""
    return session.get(ReportRow, report_id)


def messages_of(session: Session, report_id: int) -> Sequence[ReportMessageRow]:
    """The messages of a report, oldest first."""
    return session.scalars(
        select(ReportMessageRow)
        .where(ReportMessageRow.report_id == report_id)
        .order_by(ReportMessageRow.id)
    ).all()


def attachments_of(session: Session, report_id: int) -> Sequence[ReportAttachmentRow]:
    """The attachments of a report, in the order they came."""
    return session.scalars(
        select(ReportAttachmentRow)
        .where(ReportAttachmentRow.report_id == report_id)
        .order_by(ReportAttachmentRow.id)
    ).all()


def attachment_of(
    session: Session, report_id: int, attachment_id: int
) -> ReportAttachmentRow | None:
    """One attachment of a report, or None."""
    return session.scalars(
        select(ReportAttachmentRow).where(
            ReportAttachmentRow.report_id == report_id, ReportAttachmentRow.id == attachment_id
        )
    ).first()


def count_reporter_messages(session: Session, report_id: int, since: dt.datetime) -> int:
    """How many messages the reporter sent on a report since `since`."""
    count: int = session.execute(
        select(func.count())
        .select_from(ReportMessageRow)
        .where(
            ReportMessageRow.report_id == report_id,
            ReportMessageRow.author == "reporter",
            ReportMessageRow.created_at >= since,
        )
    ).scalar_one()
    return count


def report_queue(
    session: Session, organisation: str | None, statuses: Sequence[str]
) -> Sequence[ReportRow]:
    """Reports of `organisation` (every one when None) in `statuses`: urgent, then oldest."""
    statement = select(ReportRow).where(ReportRow.status.in_(list(statuses)))
    if organisation is not None:
        statement = statement.where(ReportRow.organisation == organisation)
    return session.scalars(
        statement.order_by(ReportRow.urgent.desc(), ReportRow.created_at, ReportRow.id)
    ).all()


def update_report(session: Session, report_id: int, **values: Any) -> None:
    """Change triage facts of a report (status, urgency, referral, outcome, consent)."""
    session.execute(update(ReportRow).where(ReportRow.id == report_id).values(**values))


def purge_reports(
    session: Session, before: dt.datetime, statuses: Sequence[str], challenges_before: dt.datetime
) -> int:
    """Delete reports in `statuses` without activity since `before` (messages and
    attachments with them) and challenges spent before `challenges_before`; the count."""
    ids = list(
        session.scalars(
            select(ReportRow.id).where(
                ReportRow.status.in_(list(statuses)), ReportRow.last_activity_at < before
            )
        )
    )
    for table in (ReportMessageRow, ReportAttachmentRow):
        session.execute(delete(table).where(table.report_id.in_(ids)))
    session.execute(delete(ReportRow).where(ReportRow.id.in_(ids)))
    session.execute(
        delete(ReportChallengeRow).where(ReportChallengeRow.spent_at < challenges_before)
    )
    return len(ids)


def report_facts(connection: Connection, year: int | None = None) -> list[dict[str, Any]]:
    """Per report the facts the monitor counts (no content): channel, language,
    audience, status, outcome, created and first answer times; only the reports filed
    in `year` (UTC) when it is given."""
    query = select(
        ReportRow.channel,
        ReportRow.language,
        ReportRow.audience,
        ReportRow.status,
        ReportRow.outcome,
        ReportRow.created_at,
        ReportRow.first_answer_at,
    )
    if year is not None:
        query = query.where(
            ReportRow.created_at >= dt.datetime(year, 1, 1),
            ReportRow.created_at < dt.datetime(year + 1, 1, 1),
        )
    rows = connection.execute(query)
    return [dict(row._mapping) for row in rows]


def reports_version() -> list[Any]:
    """Scalar subqueries whose values change whenever a counted fact of a report does
    (filed, answered, referred, registered, closed, deleted): the dashboard's cache key."""
    statuses = ("referred", "registered", "closed")
    return [
        select(func.count()).select_from(ReportRow).scalar_subquery(),
        select(func.max(ReportRow.last_activity_at)).scalar_subquery(),
        select(func.count(ReportRow.first_answer_at)).scalar_subquery(),
        *(
            select(
                func.coalesce(func.sum(case((ReportRow.status == status, 1), else_=0)), 0)
            ).scalar_subquery()
            for status in statuses
        ),
    ]


def save_page(session: Session, values: dict[str, Any]) -> int:
    """Insert an information page (a draft); its id."""
    row_id: int = session.execute(
        insert(ReportPageRow).values(updated_at=utcnow(), **values).returning(ReportPageRow.id)
    ).scalar_one()
    return row_id


def update_page(session: Session, page_id: int, **values: Any) -> None:
    """Change a page's status or reviewer."""
    session.execute(
        update(ReportPageRow)
        .where(ReportPageRow.id == page_id)
        .values(updated_at=utcnow(), **values)
    )


def page_rows(
    session: Session,
    *,
    audience: str | None = None,
    language: str | None = None,
    statuses: Sequence[str] = ("published",),
) -> Sequence[ReportPageRow]:
    """Information pages in `statuses`, optionally of one audience and language."""
    statement = select(ReportPageRow).where(ReportPageRow.status.in_(list(statuses)))
    if audience is not None:
        statement = statement.where(ReportPageRow.audience == audience)
    if language is not None:
        statement = statement.where(ReportPageRow.language == language)
    return session.scalars(statement.order_by(ReportPageRow.topic, ReportPageRow.id)).all()
