"""Messages to notifiers (Art. 16(4)-(5)): the receipt, and the decision with whether
automated means were used and how to seek redress; to complainants (Art. 20(5)): the
outcome of the review with its reasons. Each is queued in the same transaction as the
notice, decision or review, and sent later by a pluggable sender (a folder of .eml
files, or an SMTP server). The address is read when sending (processing, not a person's
look) from the encrypted contact of the complaint (a complainant who gave one) or else
of the notice, and never stored with the message.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine

from zicht.access import Principal
from zicht.i18n import translator
from zicht.platforms.notices._common import audit
from zicht.privacy import Cipher
from zicht.store import notice_cases as store
from zicht.store.notices import (
    ComplaintRow,
    NoticeRow,
    OutboxRow,
    complaint_context,
    notice_context,
)

__all__ = [
    "FileSender",
    "Sender",
    "SmtpSender",
    "complaint_outcome_message",
    "decision_message",
    "deliver_outbox",
    "receipt_message",
]

MAX_ATTEMPTS = 5


class Sender(Protocol):
    """Delivers one message; raises on failure (the message stays queued)."""

    def send(self, message: EmailMessage) -> None: ...


class FileSender:
    """Writes each message as `<n>.eml` into a folder (for tests and air-gapped setups)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        number = len(list(self.folder.glob("*.eml"))) + 1
        (self.folder / f"{number:06d}.eml").write_bytes(message.as_bytes())


class SmtpSender:
    """Sends through an SMTP server (STARTTLS when the server offers it)."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
            server.ehlo()
            if server.has_extn("starttls"):
                server.starttls()
                server.ehlo()
            server.send_message(message)


def receipt_message(reference: str, lang: str) -> dict[str, Any]:
    """The confirmation of receipt (kind, subject, body) in `lang`."""
    t = translator(lang)
    body = t(
        "We received your notice. Your reference is %(reference)s: with it you can "
        "complain about our decision for six months after it.",
        reference=reference,
    )
    return {"kind": "receipt", "subject": t("Notice received"), "body": body}


def decision_message(
    reference: str, acted: bool, automated: str, detection: bool, lang: str
) -> dict[str, Any]:
    """The decision on a notice for its notifier: what, whether automated, redress."""
    t = translator(lang)
    lines = [
        t("We decided about your notice %(reference)s.", reference=reference),
        t("We took action against the content.")
        if acted
        else t("We did not take action against the content."),
    ]
    if detection or automated != "AUTOMATED_DECISION_NOT_AUTOMATED":
        lines.append(t("Automated means were used."))
    else:
        lines.append(t("No automated means were used."))
    lines.append(
        t(
            "You can complain about this decision free of charge within six months, with the "
            "reference %(reference)s. You can also turn to a certified out-of-court dispute "
            "settlement body, or go to court.",
            reference=reference,
        )
    )
    return {"kind": "decision", "subject": t("Decision on your notice"), "body": "\n".join(lines)}


def complaint_outcome_message(
    reference: str, outcome: str, reopened: bool, reason: str, lang: str
) -> dict[str, Any]:
    """The outcome of a complaint's review for its complainant (Art. 20(5)): the reasoned
    decision and the further redress. `outcome` is the complaint's new status (upheld,
    unfounded, reversed); `reopened`: the notice is decided anew (a reversed no-action)."""
    t = translator(lang)
    lines = [t("We reviewed your complaint %(reference)s.", reference=reference)]
    if outcome == "reversed":
        lines.append(t("We reversed the decision: it no longer applies."))
        if reopened:
            lines.append(t("The notice will be decided again."))
    elif outcome == "unfounded":
        lines.append(t("The decision stands; we found your complaint manifestly unfounded."))
    else:
        lines.append(t("The decision stands."))
    lines.append(t("Our reasons: %(reason)s", reason=reason))
    lines.append(
        t("You can also turn to a certified out-of-court dispute settlement body, or go to court.")
    )
    return {
        "kind": "complaint",
        "subject": t("Outcome of your complaint"),
        "body": "\n".join(lines),
    }


def _address(
    cipher: Cipher, queued: OutboxRow, notice: NoticeRow, complaint: ComplaintRow | None
) -> str | None:
    # A message to a complainant who gave an address goes there and nowhere else: never
    # to the notice's contact (the notifier must not hear of the poster's complaint).
    if queued.complaint_id is not None:
        if complaint is None or complaint.contact is None:
            return None
        found = cipher.decrypt_json(
            complaint.contact, complaint_context(complaint.reference, "contact")
        )
        return str(found["email"])
    if notice.contact is None:
        return None
    found = cipher.decrypt_json(notice.contact, notice_context(notice.reference, "contact"))
    return str(found["email"])


def deliver_outbox(
    engine: Engine,
    cipher: Cipher,
    actor: Principal,
    sender: Sender,
    from_address: str,
    limit: int = 100,
) -> tuple[int, int]:
    """Send queued messages; returns (sent, failed). A failed one is tried again later
    (at most MAX_ATTEMPTS times); its error is recorded by type, never with a value."""
    sent, failed, ids = 0, 0, list[int]()
    for queued, notice, complaint in store.pending_messages(engine, limit, MAX_ATTEMPTS):
        address = _address(cipher, queued, notice, complaint)
        if address is None:
            store.outbox_done(engine, queued.id, "no_contact")
            failed += 1
            continue
        message = EmailMessage()
        message["From"], message["To"] = from_address, address
        message["Subject"] = queued.subject
        message.set_content(queued.body)
        try:
            sender.send(message)
        except (OSError, smtplib.SMTPException) as exc:
            store.outbox_done(engine, queued.id, type(exc).__name__)
            failed += 1
            continue
        store.outbox_done(engine, queued.id, None)
        sent, ids = sent + 1, [*ids, queued.id]
    if sent or failed:
        audit(engine, actor, "outbox_delivered", "outbox", ids, failed=failed)
    return sent, failed
