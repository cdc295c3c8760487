"""Art. 20 internal complaints: by the poster (with the decision's redress key) or by the
notifier (with the notice's receipt reference), for six months after the decision;
reviewed by a moderator other than the decider; a reversal applies at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import Principal, authorize
from zicht.platforms.notices._common import NotAllowed, audit, new_reference, refuse, require
from zicht.privacy import Cipher
from zicht.store import notice_cases as store
from zicht.store.models import utcnow
from zicht.store.notices import DecisionRow, complaint_context

__all__ = ["ComplaintReceipt", "complaint_deadline", "file_complaint", "review_complaint"]

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


def file_complaint(
    engine: Engine,
    cipher: Cipher,
    principal: Principal,
    key: str,
    text: str,
    client: str | None = None,
) -> ComplaintReceipt:
    """File a complaint against the decision `key` identifies (poster or notifier)."""
    require(principal, "file_notice")
    if not text.strip() or len(text) > MAX_COMPLAINT:
        raise refuse("text", "length", f"1 to {MAX_COMPLAINT} characters")
    decision, complainant = _decision_for(engine, key)
    now = utcnow()
    if decision.status == "reversed":
        raise refuse("key", "reversed", "the decision was already reversed")
    if now > complaint_deadline(decision.decided_at):
        raise refuse("key", "deadline", "more than six months after the decision")
    reference = new_reference("C")
    row = store.insert_complaint(
        engine,
        {
            "reference": reference,
            "decision_id": decision.id,
            "platform": decision.platform,
            "complainant": complainant,
            "content": cipher.encrypt_json({"text": text.strip()}, complaint_context(reference)),
            "status": "open",
            "filed_at": now,
        },
    )
    audit(
        engine, principal, "complaint_filed", "complaint", [row.id], client,
        decision=decision.id, complainant=complainant,
    )  # fmt: skip
    return ComplaintReceipt(reference, complainant, row.id)


def review_complaint(
    engine: Engine, principal: Principal, complaint_id: int, reverse: bool, reason: str
) -> None:
    """Decide a complaint: uphold the decision or reverse it (at once).

    The reviewer is a person other than the decision's decider and its approver.
    """
    complaint = store.complaint_by(engine, id=complaint_id)
    if complaint is None or not authorize(principal, "review_complaint", complaint.platform):
        raise NotAllowed("review_complaint")
    decision = store.decision_by(engine, id=complaint.decision_id)
    assert decision is not None
    if principal.actor in (decision.decided_by, decision.approved_by):
        raise refuse("reviewer", "four_eyes", "a moderator other than the decider reviews")
    if not reason.strip() or len(reason) > 2000:
        raise refuse("reason", "length", "1 to 2000 characters")
    if not store.resolve_complaint(engine, complaint.id, principal.actor, reverse, reason.strip()):
        raise refuse("complaint", "status", "already reviewed")
    audit(
        engine, principal, "complaint_reviewed", "complaint", [complaint.id],
        decision=decision.id, reversed=reverse,
    )  # fmt: skip
