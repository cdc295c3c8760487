"""The coordinator's side: the queue, reading a report, answering, urgency, referral,
closing and the retention rule. Each step is audited; each reading is one look."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from nacl.public import PrivateKey
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zicht.access import AuditEvent, Look, Principal, log_action, record_look
from zicht.reporting._conversation import MAX_TEXT, Message
from zicht.reporting._model import OUTCOMES, REFERRALS
from zicht.reporting._policy import ReportingError, ReportingPolicy
from zicht.reporting._sealing import open_sealed, seal
from zicht.store import reporting as store
from zicht.store.models import utcnow

__all__ = [
    "OPEN_STATUSES",
    "QueueEntry",
    "ReportView",
    "answer_report",
    "close_report",
    "flag_urgent",
    "purge_expired",
    "read_attachment",
    "read_report",
    "refer_report",
    "triage_queue",
]

OPEN_STATUSES = ("new", "in_progress", "referred")
# Reports nobody took on: still new, or closed; deleted once the retention has passed.
NOT_TAKEN_ON = ("new", "closed")


@dataclass(frozen=True)
class QueueEntry:
    """A report in the queue: triage facts only, nothing the reporter wrote."""

    id: int
    organisation: str
    audience: str
    language: str
    status: str
    urgent: bool
    referred_to: str | None
    created_at: dt.datetime
    first_answer_at: dt.datetime | None


@dataclass(frozen=True)
class ReportView:
    """A report opened with the organisation's key."""

    entry: QueueEntry
    answers: dict[str, str]
    messages: list[Message]
    attachments: list[tuple[int, str, int]]


def _entry(row: store.ReportRow) -> QueueEntry:
    return QueueEntry(
        row.id,
        row.organisation,
        row.audience,
        row.language,
        row.status,
        row.urgent,
        row.referred_to,
        row.created_at,
        row.first_answer_at,
    )


def _scope(principal: Principal) -> str | None:
    from zicht.access import scope_of

    return None if scope_of(principal, "triage_reports") == "all" else principal.organisation


def triage_queue(engine: Engine, principal: Principal, *, closed: bool = False) -> list[QueueEntry]:
    """The reports `principal` triages (their organisation's; all for an "all" scope)."""
    statuses = ("registered", "closed") if closed else OPEN_STATUSES
    with Session(engine) as session:
        return [_entry(r) for r in store.report_queue(session, _scope(principal), statuses)]


def _report(session: Session, principal: Principal, report_id: int) -> store.ReportRow:
    row = store.report_by_id(session, report_id)
    scope = _scope(principal)
    if row is None or (scope is not None and row.organisation != scope):
        raise ReportingError("not_found")
    return row


def _audit(
    engine: Engine, principal: Principal, action: str, report_id: int, **details: Any
) -> None:
    log_action(
        engine,
        AuditEvent(
            actor=principal.actor,
            action=action,
            actor_kind=principal.kind,
            actor_organisation=principal.organisation,
            object_type="report",
            object_ids=[report_id],
            details=details,
        ),
    )


def read_report(
    engine: Engine, principal: Principal, private_key: PrivateKey, report_id: int, look: Look
) -> ReportView:
    """Open a report with the organisation's private key; one audited look."""
    with Session(engine) as session:
        row = _report(session, principal, report_id)
        try:
            answers = json.loads(open_sealed(private_key, row.content))
            messages = [
                Message(
                    m.author, open_sealed(private_key, m.for_organisation).decode(), m.created_at
                )
                for m in store.messages_of(session, row.id)
            ]
        except ValueError as exc:
            raise ReportingError("wrong_key") from exc
        files = [(a.id, a.media_type, a.size) for a in store.attachments_of(session, row.id)]
        view = ReportView(_entry(row), answers, messages, files)
    record_look(engine, look, "view_report", "report", [report_id])
    return view


def read_attachment(
    engine: Engine,
    principal: Principal,
    private_key: PrivateKey,
    report_id: int,
    attachment_id: int,
    look: Look,
) -> tuple[str, bytes]:
    """(media type, content) of one attachment, opened with the organisation's key; one
    audited look."""
    with Session(engine) as session:
        row = _report(session, principal, report_id)
        attachment = store.attachment_of(session, row.id, attachment_id)
        if attachment is None:
            raise ReportingError("not_found")
        try:
            content = open_sealed(private_key, attachment.content)
        except ValueError as exc:
            raise ReportingError("wrong_key") from exc
        media_type = attachment.media_type
    record_look(engine, look, "view_report_attachment", "report", [report_id])
    return media_type, content


def answer_report(engine: Engine, principal: Principal, report_id: int, text: str) -> None:
    """Send the reporter a message (sealed to them and to the organisation); the first
    answer's time is kept for the monitor."""
    if not text.strip() or len(text) > MAX_TEXT:
        raise ReportingError("what")
    with Session(engine) as session, session.begin():
        row = _report(session, principal, report_id)
        org_key = store.organisation_key(session, row.organisation)
        if org_key is None:
            raise ReportingError("no_key")
        # Read under the row's lock: a pending report may be finished meanwhile.
        reporter_key = store.reporter_key_for_update(session, row.id)
        store.insert_message(
            session,
            {
                "report_id": row.id,
                "author": "staff",
                "for_organisation": seal(org_key, text.encode()),
                "for_reporter": seal(reporter_key, text.encode()),
                "staff": principal.actor,
            },
        )
        changes: dict[str, Any] = {}
        if row.first_answer_at is None:
            changes["first_answer_at"] = utcnow()
        if row.status == "new":
            changes["status"] = "in_progress"
        if changes:
            store.update_report(session, row.id, **changes)
    _audit(engine, principal, "answer_report", report_id)


def flag_urgent(engine: Engine, principal: Principal, report_id: int, urgent: bool) -> None:
    """Set or clear the urgency flag."""
    with Session(engine) as session, session.begin():
        row = _report(session, principal, report_id)
        store.update_report(session, row.id, urgent=urgent)
    _audit(engine, principal, "flag_report", report_id, urgent=urgent)


def refer_report(engine: Engine, principal: Principal, report_id: int, target: str) -> None:
    """Refer a report to police, inspectorate, CKM or a care coordinator."""
    if target not in REFERRALS:
        raise ReportingError("referral")
    with Session(engine) as session, session.begin():
        row = _report(session, principal, report_id)
        store.update_report(
            session, row.id, status="referred", referred_to=target, outcome="referred"
        )
    _audit(engine, principal, "refer_report", report_id, referred_to=target)


def close_report(engine: Engine, principal: Principal, report_id: int, outcome: str) -> None:
    """Close a report with its outcome."""
    if outcome not in OUTCOMES or outcome in ("referred", "registered"):
        raise ReportingError("outcome")
    with Session(engine) as session, session.begin():
        row = _report(session, principal, report_id)
        store.update_report(session, row.id, status="closed", outcome=outcome)
    _audit(engine, principal, "close_report", report_id, outcome=outcome)


def purge_expired(engine: Engine, policy: ReportingPolicy, now: dt.datetime | None = None) -> int:
    """Delete reports not taken on whose last activity is older than the retention (and
    spent challenges past their lifetime); how many reports went."""
    from zicht.reporting._work import LIFETIME

    moment = now or utcnow()
    before = moment - dt.timedelta(days=policy.retention_days)
    with Session(engine) as session, session.begin():
        count = store.purge_reports(
            session, before, NOT_TAKEN_ON, moment - dt.timedelta(seconds=2 * LIFETIME)
        )
    log_action(
        engine,
        AuditEvent(
            actor="retention",
            action="purge_reports",
            actor_kind="system",
            details={"deleted": count, "retention_days": policy.retention_days},
        ),
    )
    return count
