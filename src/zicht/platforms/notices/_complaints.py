"""Art. 20 internal complaints: by the poster (with the decision's redress key) or by the
notifier (with the notice's receipt reference), for six months after the decision;
reviewed by a moderator other than the decider; a reversal applies at once, and the
complainant is told the outcome with its reasons (through the outbox, when an address
is known).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import AuditedTransaction, Principal, audited_transaction, authorize
from zicht.platforms.notices._common import (
    NotAllowed,
    audit,
    is_email,
    new_reference,
    refuse,
    require,
)
from zicht.platforms.notices._intake import asks_for_contact
from zicht.platforms.notices._misuse import MisusePolicy, apply_misuse_policy
from zicht.platforms.notices._outbox import complaint_outcome_message
from zicht.privacy import Cipher
from zicht.store import notice_cases as store
from zicht.store.models import utcnow
from zicht.store.notices import ComplaintRow, DecisionRow, complaint_context

__all__ = [
    "ComplaintReceipt",
    "OpenComplaint",
    "complaint_deadline",
    "file_complaint",
    "open_complaints",
    "review_complaint",
]

MAX_COMPLAINT = 5000


@dataclass(frozen=True)
class ComplaintReceipt:
    """The complainant's reference and until when the decision could be complained about."""

    reference: str
    complainant: str
    complaint_id: int


def complaint_deadline(decided_at: dt.datetime) -> dt.datetime:
    """Six calendar months after the decision (the last day of a shorter month when needed)."""
    month = decided_at.month + 6
    year, month = decided_at.year + (month - 1) // 12, (month - 1) % 12 + 1
    for day in range(decided_at.day, 27, -1):
        try:
            return decided_at.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return decided_at.replace(year=year, month=month, day=28)


def _decision_for(engine: Engine, key: str) -> tuple[DecisionRow, str]:
    key = key.strip()
    if key.startswith("R-"):
        decision = store.decision_by(engine, redress_key=key)
        if decision is not None:
            return decision, "poster"
    elif key.startswith("N-"):
        notice = store.notice_by(engine, reference=key)
        found = store.latest_decision(engine, notice.id) if notice is not None else None
        if found is not None:
            return found, "notifier"
    raise refuse("key", "unknown", "not the reference of a decided notice or a decision")


def _complainant_key(engine: Engine, decision: DecisionRow, complainant: str) -> str | None:
    """The keyed pseudonym of the complainant (Art. 23), when Zicht knows one.

    A notifier is known by its notice's notifier key; a poster by the decision's poster
    key (only when the moderator recorded the account). No key: no misuse measure.
    """
    if complainant == "poster":
        return decision.poster_key
    notice = store.notice_by(engine, id=decision.notice_id)
    return notice.notifier_key if notice is not None else None


def _asks_for_address(engine: Engine, decision: DecisionRow, complainant: str) -> bool:
    """Whether the complainant may give an address: not the notifier of a child sexual
    abuse notice, as on the notice itself (`asks_for_contact`)."""
    if complainant != "notifier":
        return True
    notice = store.notice_by(engine, id=decision.notice_id)
    return notice is None or asks_for_contact(notice.category, notice.keywords)


def file_complaint(
    engine: Engine,
    cipher: Cipher,
    principal: Principal,
    key: str,
    text: str,
    client: str | None = None,
    email: str | None = None,
    language: str = "nl",
) -> ComplaintReceipt:
    """File a complaint against the decision `key` identifies (poster or notifier).

    `email` (optional) is where the outcome of the review is sent, in `language` (nl or
    en); without it a notifier hears at the notice's address, if it gave one. The
    notifier of a child sexual abuse notice is never asked for an address, here no
    more than on the notice (`asks_for_contact`): one given is refused (`email`,
    `not_asked`). The complaint and its entry commit together.
    """
    require(principal, "file_notice")
    if not text.strip() or len(text) > MAX_COMPLAINT:
        raise refuse("text", "length", f"1 to {MAX_COMPLAINT} characters")
    address = (email or "").strip()
    if address and not is_email(address):
        raise refuse("email", "email", "not an e-mail address")
    if language not in ("nl", "en"):
        raise refuse("language", "code", "nl or en")
    decision, complainant = _decision_for(engine, key)
    now = utcnow()
    if decision.status in ("reversed", "rejected"):
        raise refuse("key", "reversed", "the decision was reversed or never took effect")
    if now > complaint_deadline(decision.decided_at):
        raise refuse("key", "deadline", "more than six months after the decision")
    if address and not _asks_for_address(engine, decision, complainant):
        raise refuse("email", "not_asked", "no e-mail for child sexual abuse notices")
    pseudonym = _complainant_key(engine, decision, complainant)
    if pseudonym is not None and store.active_suspension(engine, decision.platform, pseudonym, now):
        audit(engine, principal, "complaint_suspended", "decision", [decision.id], client)
        raise refuse("complainant", "suspended", "complaints from you are suspended (Art. 23)")
    reference = new_reference("C")
    values = {
        "reference": reference,
        "decision_id": decision.id,
        "platform": decision.platform,
        "complainant": complainant,
        "content": cipher.encrypt_json({"text": text.strip()}, complaint_context(reference)),
        "contact": cipher.encrypt_json({"email": address}, complaint_context(reference, "contact"))
        if address
        else None,
        "language": language,
        "status": "open",
        "filed_at": now,
    }
    with audited_transaction(engine) as transaction:
        row = store.insert_complaint(transaction.connection, values)
        audit(
            transaction, principal, "complaint_filed", "complaint", [row.id], client,
            decision=decision.id, complainant=complainant,
        )  # fmt: skip
    return ComplaintReceipt(reference, complainant, row.id)


def _outcome_message(
    transaction: AuditedTransaction,
    complaint: ComplaintRow,
    decision: DecisionRow,
    outcome: str,
    reason: str,
) -> None:
    """Queue the outcome for the complainant: at the complaint's own address when it gave
    one, else (a notifier) at its notice's; a poster without an address is not reached."""
    notice = store.notice_by(transaction.connection, id=decision.notice_id)
    assert notice is not None
    own = complaint.contact is not None
    if not own and (complaint.complainant != "notifier" or notice.contact is None):
        return
    message = complaint_outcome_message(
        complaint.reference,
        outcome,
        outcome == "reversed" and not decision.acted,
        reason,
        complaint.language if own else notice.language,
    )
    store.insert_messages(
        transaction.connection, notice.id, [message], complaint.id if own else None
    )


def review_complaint(
    engine: Engine,
    principal: Principal,
    complaint_id: int,
    reverse: bool,
    reason: str,
    unfounded: bool = False,
    policy: MisusePolicy | None = None,
) -> str | None:
    """Decide a complaint: uphold the decision or reverse it (at once).

    The reviewer is a person (a logged-in user, never a token: Art. 20(6)) other than
    the decision's decider and its approver. An
    upheld complaint marked `unfounded` (manifestly unfounded) counts towards the
    complainant's warning and suspension (Art. 23(2)); the measure taken is returned.
    The review, its entry, the complainant's message with the outcome (`_outcome_message`)
    and any measure commit in one transaction.
    """
    complaint = store.complaint_by(engine, id=complaint_id)
    if complaint is None or not authorize(principal, "review_complaint", complaint.platform):
        raise NotAllowed("review_complaint")
    decision = store.decision_by(engine, id=complaint.decision_id)
    assert decision is not None
    if principal.kind != "user":  # Art. 20(6): not solely by automated means
        raise refuse("reviewer", "person", "a logged-in moderator reviews")
    if principal.actor in (decision.decided_by, decision.approved_by):
        raise refuse("reviewer", "four_eyes", "a moderator other than the decider reviews")
    if not reason.strip() or len(reason) > 2000:
        raise refuse("reason", "length", "1 to 2000 characters")
    if reverse and unfounded:
        raise refuse("unfounded", "reversed", "a reversed complaint is not unfounded")
    key = _complainant_key(engine, decision, complaint.complainant) if unfounded else None
    outcome = "reversed" if reverse else "unfounded" if unfounded else "upheld"
    with audited_transaction(engine) as transaction:
        if not store.resolve_complaint(
            transaction.connection, complaint.id, principal.actor, reverse, reason.strip(),
            unfounded,
        ):  # fmt: skip
            raise refuse("complaint", "status", "already reviewed")
        audit(
            transaction, principal, "complaint_reviewed", "complaint", [complaint.id],
            decision=decision.id, reversed=reverse, unfounded=unfounded,
        )  # fmt: skip
        _outcome_message(transaction, complaint, decision, outcome, reason.strip())
        if key is None:
            return None
        return apply_misuse_policy(
            transaction, principal, complaint.platform, "complaint", key, policy
        )


@dataclass(frozen=True)
class OpenComplaint:
    """A complaint awaiting review, with its text and the decision it is about."""

    complaint_id: int
    decision_id: int
    complainant: str
    text: str
    filed_at: dt.datetime
    deciders: tuple[str, ...]  # the decider and approver: they may not review it


def open_complaints(
    engine: Engine, cipher: Cipher, principal: Principal, platform: str
) -> list[OpenComplaint]:
    """A platform's complaints awaiting review (reading them is an audit entry)."""
    require(principal, "review_complaint", platform)
    rows: list[ComplaintRow] = store.open_complaints(engine, platform)
    found = []
    for row in rows:
        decision = store.decision_by(engine, id=row.decision_id)
        assert decision is not None
        text = cipher.decrypt_json(row.content, complaint_context(row.reference))["text"]
        found.append(
            OpenComplaint(row.id, row.decision_id, row.complainant, text, row.filed_at,
                          tuple(a for a in (decision.decided_by, decision.approved_by) if a))
        )  # fmt: skip
    if rows:
        audit(engine, principal, "complaints_read", "complaint", [row.id for row in rows])
    return found
