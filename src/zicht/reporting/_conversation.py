"""The reporter's side: file a report, come back with the receipt, exchange messages.

Nothing here takes or keeps anything about the reporter beyond what they type: no
address, no browser, no cookie. What they type is sealed before it is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zicht.reporting._attachments import strip_metadata
from zicht.reporting._keys import public_key_of
from zicht.reporting._model import LANGUAGES, PUBLIC_AUDIENCES, coordinator_of
from zicht.reporting._pending import (
    finish_own_report,
    pending_lookup,
    pending_private_key,
    seal_pending,
)
from zicht.reporting._policy import RateLimited, ReportingError, ReportingPolicy
from zicht.reporting._sealing import (
    ReceiptKeys,
    new_receipt,
    normalise_receipt,
    open_sealed,
    receipt_keys,
    seal,
)
from zicht.reporting._work import WorkError, verify_work
from zicht.store import reporting as store
from zicht.store.models import utcnow

__all__ = [
    "MAX_TEXT",
    "Conversation",
    "Message",
    "NewReport",
    "Receipt",
    "open_conversation",
    "reply_as_reporter",
    "submit_report",
]

MAX_TEXT = 10_000
MAX_SHORT = 300
MAX_ATTACHMENTS = 3


@dataclass(frozen=True)
class NewReport:
    """What a reporter sends: the guided form's answers, files, an optional passphrase."""

    audience: str
    language: str
    what: str
    where: str = ""
    when: str = ""
    contact: str = ""
    passphrase: str = ""
    channel: str = "web"
    attachments: Sequence[bytes] = field(default_factory=tuple)


@dataclass(frozen=True)
class Receipt:
    """The reporter's way back: 16 digits, shown once, stored nowhere."""

    number: str
    report_id: int

    @property
    def grouped(self) -> str:
        """The digits in groups of four, as shown."""
        return " ".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))


@dataclass(frozen=True)
class Message:
    """One message as a side of the conversation reads it."""

    author: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Conversation:
    """A report as its reporter sees it when they come back."""

    report_id: int
    language: str
    status: str
    messages: list[Message]


def _check(new: NewReport) -> None:
    if new.audience not in PUBLIC_AUDIENCES:
        raise ReportingError("audience")
    if new.language not in LANGUAGES:
        raise ReportingError("language")
    if new.channel not in ("web", "api"):
        raise ReportingError("channel")
    if not new.what.strip() or len(new.what) > MAX_TEXT:
        raise ReportingError("what")
    for name in ("where", "when", "contact", "passphrase"):
        if len(getattr(new, name)) > MAX_SHORT:
            raise ReportingError(name)
    if len(new.attachments) > MAX_ATTACHMENTS:
        raise ReportingError("attachments")


def submit_report(
    engine: Engine, policy: ReportingPolicy, new: NewReport, *, challenge: str, nonce: str | None
) -> Receipt:
    """File a report: checks, proof of work, metadata stripped, sealed, one transaction.

    The report is filed pending: the receipt's slow derivation is left to
    `finish_pending` (the web app's `PendingFinisher`, after the receipt is shown) or to
    the reporter's first visit; nothing slow runs here (docs/reporting.md, "Cost of a
    receipt").

    Raises ReportingError (rule: audience, language, what, ..., no_key, spent),
    WorkError or AttachmentError; nothing is written then.
    """
    _check(new)
    spent = verify_work(
        policy.work_key, challenge, nonce, bits=policy.work_bits, wait=policy.form_wait
    )
    files = [strip_metadata(content) for content in new.attachments]
    organisation = coordinator_of(new.audience)
    org_key = public_key_of(engine, organisation)
    number = new_receipt()
    answers = {"what": new.what, "where": new.where, "when": new.when, "contact": new.contact}
    content = seal(org_key, json.dumps(answers, ensure_ascii=False).encode())
    server_key = bytes(pending_private_key(policy).public_key)
    pending = seal_pending(server_key, number, new.passphrase, new.what)
    report = {
        "lookup": pending_lookup(policy, number),
        "organisation": organisation,
        "audience": new.audience,
        "language": new.language,
        "channel": new.channel,
        "status": "new",
        "urgent": False,
        "reporter_key": server_key,
        "content": content,
    }
    message = {
        "author": "reporter",
        "for_organisation": seal(org_key, new.what.encode()),
        "for_reporter": pending,
    }
    attachments = [
        {"media_type": media_type, "size": len(stripped), "content": seal(org_key, stripped)}
        for media_type, stripped in files
    ]
    # Everything sealed before the transaction: it holds the write lock only to write.
    with engine.begin() as connection:
        report_id = store.file_report(connection, spent.id, report, message, attachments)
        if report_id is None:
            raise WorkError("spent")
    return Receipt(number, report_id)


def _keys(policy: ReportingPolicy, receipt: str, passphrase: str) -> tuple[str, ReceiptKeys]:
    number = normalise_receipt(receipt)
    if number is None or len(passphrase) > MAX_SHORT:
        raise ReportingError("receipt")
    return number, receipt_keys(number, passphrase, policy.pepper)


def _find(
    engine: Engine, policy: ReportingPolicy, receipt: str, passphrase: str
) -> tuple[ReceiptKeys, int]:
    """The keys and report id a receipt opens (its report finished first when it is
    still pending); ReportingError `receipt` when none."""
    number, keys = _keys(policy, receipt, passphrase)
    with Session(engine) as session:
        report = store.report_by_lookup(session, keys.lookup)
    if report is None and finish_own_report(engine, policy, number, passphrase, keys):
        with Session(engine) as session:
            report = store.report_by_lookup(session, keys.lookup)
    if report is None:
        raise ReportingError("receipt")
    return keys, report.id


def open_conversation(
    engine: Engine, policy: ReportingPolicy, receipt: str, passphrase: str = ""
) -> Conversation:
    """The conversation a receipt (and passphrase) opens; ReportingError `receipt` when
    none (the same answer for a wrong receipt and a wrong passphrase)."""
    keys, report_id = _find(engine, policy, receipt, passphrase)
    with Session(engine) as session:
        report = store.report_by_id(session, report_id)
        if report is None:  # deleted in between (retention)
            raise ReportingError("receipt")
        return _read(session, report, keys)


def _read(session: Session, report: store.ReportRow, keys: ReceiptKeys) -> Conversation:
    messages = [
        Message(m.author, open_sealed(keys.private_key, m.for_reporter).decode(), m.created_at)
        for m in store.messages_of(session, report.id)
    ]
    return Conversation(report.id, report.language, report.status, messages)


def reply_as_reporter(
    engine: Engine, policy: ReportingPolicy, receipt: str, passphrase: str, text: str
) -> Conversation:
    """Add the reporter's message to their conversation (at most `messages_per_hour`
    per receipt); the conversation after it."""
    if not text.strip() or len(text) > MAX_TEXT:
        raise ReportingError("what")
    keys, report_id = _find(engine, policy, receipt, passphrase)
    with Session(engine) as session, session.begin():
        report = store.report_by_id(session, report_id)
        if report is None:  # deleted in between (retention)
            raise ReportingError("receipt")
        hour_ago = utcnow() - dt.timedelta(hours=1)
        if store.count_reporter_messages(session, report.id, hour_ago) >= policy.messages_per_hour:
            raise RateLimited
        org_key = store.organisation_key(session, report.organisation)
        if org_key is None:
            raise ReportingError("no_key")
        store.insert_message(
            session,
            {
                "report_id": report.id,
                "author": "reporter",
                "for_organisation": seal(org_key, text.encode()),
                "for_reporter": seal(report.reporter_key, text.encode()),
            },
        )
        session.flush()
        return _read(session, report, keys)
