"""The queue and decisions: take a notice, decide it, approve an account termination,
refer a suspected crime against life or safety to the police (Art. 18).

A decision has its effects outside the decision itself (the notifier's message, Art. 23
misuse measures) only once it is in force: at once, or, for an account termination, when
the second moderator approves it. A termination awaiting approval has none, and one
refused leaves none. The Art. 18 referral is not such an effect: it concerns the
suspected crime, not the sanction, so it is filed when the decision is taken, whatever
its status, and a refusal of the termination leaves it in place. Each act commits with
its audit entries and its effects in one transaction (`audited_transaction`).

A moderator acts only on notices of their own platform; a record outside the scope is
answered as if it did not exist (NotAllowed, shown as 404 at the edges).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from zicht.access import (
    AuditedTransaction,
    Look,
    Principal,
    audited_transaction,
    authorize,
    record_look,
)
from zicht.platforms.notices._common import (
    NotAllowed,
    NoticeError,
    audit,
    new_reference,
    refuse,
    require,
)
from zicht.platforms.notices._decision_rules import (
    DecisionForm,
    check_decision,
    needs_second_moderator,
)
from zicht.platforms.notices._misuse import apply_misuse_policy
from zicht.platforms.notices._outbox import decision_message
from zicht.privacy import Cipher
from zicht.store import notice_cases as store
from zicht.store.models import utcnow
from zicht.store.notices import DecisionRow, NoticeRow, notice_context, referral_context

__all__ = [
    "PendingDecision",
    "QueueEntry",
    "approve",
    "decide",
    "decision_of",
    "pending_approvals",
    "queue",
    "queue_entry",
    "referrals",
    "reject",
    "take",
]

_AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class QueueEntry:
    """An open notice in a moderator's queue, with its timer (time since receipt)."""

    notice_id: int
    lane: str
    category: str
    source: str
    ad_ids: tuple[str, ...]
    assigned_to: str | None
    waiting: dt.timedelta


def _own_notice(engine: Engine, principal: Principal, action: str, notice_id: int) -> NoticeRow:
    notice = store.notice_by(engine, id=notice_id)
    if notice is None or not authorize(principal, action, notice.platform):
        raise NotAllowed(action)
    return notice


def queue(
    engine: Engine, principal: Principal, platform: str, limit: int = 100
) -> list[QueueEntry]:
    """A platform's open notices in order of urgency (lane, screening score, age)."""
    require(principal, "list_notices", platform)
    now = utcnow()
    return [
        QueueEntry(
            row.id,
            row.lane,
            row.category,
            row.source,
            tuple(row.ad_ids),
            row.assigned_to,
            now - row.received_at,
        )
        for row in store.open_queue(engine, platform, limit)
    ]


def queue_entry(engine: Engine, principal: Principal, notice_id: int) -> QueueEntry:
    """One notice of the moderator's platform as the queue shows it (NotAllowed outside)."""
    row = _own_notice(engine, principal, "decide_notice", notice_id)
    waiting = (row.decided_at or utcnow()) - row.received_at
    return QueueEntry(
        row.id, row.lane, row.category, row.source, tuple(row.ad_ids), row.assigned_to, waiting
    )


def take(engine: Engine, principal: Principal, notice_id: int) -> None:
    """Assign an open notice to the moderator (refused while another holds it); the
    assignment and its entry commit together."""
    notice = _own_notice(engine, principal, "decide_notice", notice_id)
    with audited_transaction(engine) as transaction:
        if not store.take_notice(transaction.connection, notice.id, principal.actor, utcnow()):
            raise refuse("notice", "assigned", "decided, or assigned to another moderator")
        audit(transaction, principal, "notice_assigned", "notice", [notice.id])


def _referral(
    engine: Engine, cipher: Cipher, notice: NoticeRow, form: DecisionForm, actor: str
) -> dict[str, Any]:
    content = cipher.decrypt_json(notice.content, notice_context(notice.reference, "content"))
    postings = store.ad_postings(engine, notice.platform, notice.ad_ids)
    record = {
        "platform": notice.platform,
        "notice": notice.reference,
        "items": content["items"],
        "published": {
            ad: at.replace(tzinfo=dt.UTC).astimezone(_AMSTERDAM).isoformat()
            for ad, (at, _, _) in postings.items()
        },
        "why": form.facts,
        "notifier_explanation": content["explanation"],
        "category": form.category or notice.category,
        "account": form.account_reference,
        "operator_clusters": sorted({c for _, _, c in postings.values() if c is not None}),
    }
    assert form.refer_to is not None
    return {
        "notice_id": notice.id,
        "platform": notice.platform,
        "organisation": form.refer_to,
        "content": cipher.encrypt_json(record, referral_context(notice.reference, form.refer_to)),
        "created_by": actor,
        "created_at": utcnow(),
    }


def decide(
    engine: Engine, cipher: Cipher, principal: Principal, notice_id: int, form: DecisionForm
) -> DecisionRow:
    """Decide an open notice of the moderator's platform; return the stored decision.

    An account termination waits for a second moderator (`approve`) and has no effect
    until then; every other decision is in force at once. With `refer_to`, the referral
    (Art. 18: promptly) is filed in the same transaction, with its `referral_made` entry,
    and is in the partner's queue when this returns, whether the decision is in force or
    awaits approval; a refusal of the termination does not withdraw it.
    """
    notice = _own_notice(engine, principal, "decide_notice", notice_id)
    now = utcnow()
    problems = check_decision(form, now.date())
    if problems:
        raise NoticeError(problems)
    postings = store.ad_postings(engine, notice.platform, notice.ad_ids)
    first = min((at for at, _, _ in postings.values()), default=notice.received_at)
    values = {
        "puid": new_reference("D").replace("D-", "zicht-", 1),
        "redress_key": new_reference("R"),
        "notice_id": notice.id,
        "platform": notice.platform,
        "source": notice.source,
        "status": "pending_approval" if needs_second_moderator(form) else "in_force",
        "acted": form.acted,
        "visibility": list(form.visibility),
        "monetary": form.monetary,
        "provision": form.provision,
        "account": form.account,
        "ground": form.ground,
        "ground_reference": form.ground_reference,
        "ground_explanation": form.ground_explanation,
        "incompatible_illegal": form.incompatible_illegal,
        "facts": form.facts.strip(),
        "category": form.category or notice.category,
        "keywords": list(form.keywords if form.keywords is not None else notice.keywords),
        "content_type": list(form.content_type),
        "other_texts": dict(form.other_texts or {}),
        "territorial_scope": sorted(set(form.territorial_scope)),
        "account_type": form.account_type,
        "content_date": min(first.date(), now.date()),
        "application_date": now.date(),
        "end_date": form.end_date,
        "automated_detection": notice.automated_detection,
        "automated_decision": form.automated_decision,
        "referred": form.refer_to is not None,
        "unfounded": form.unfounded,
        "manifestly_illegal": form.manifestly_illegal,
        "poster_key": (
            cipher.pseudonym(f"poster/{notice.platform}/{form.account_reference}")
            if form.account_reference
            else None
        ),
        "decided_by": principal.actor,
        "decided_at": now,
    }
    referral = _referral(engine, cipher, notice, form, principal.actor) if form.refer_to else None
    with audited_transaction(engine) as transaction:
        if not store.take_notice(transaction.connection, notice.id, principal.actor, now):
            raise refuse("notice", "assigned", "decided, or assigned to another moderator")
        try:
            decision, referral_id = store.insert_decision(transaction.connection, values, referral)
        except ValueError:
            raise refuse("notice", "decided", "the notice was decided meanwhile") from None
        audit(
            transaction, principal, "notice_decided", "decision", [decision.id],
            notice=notice.id, acted=form.acted, status=decision.status,
        )  # fmt: skip
        if referral_id is not None:  # Art. 18: filed now, even while a termination awaits approval
            audit(
                transaction, principal, "referral_made", "referral", [referral_id],
                notice=notice.id, organisation=form.refer_to,
            )  # fmt: skip
        if decision.status == "in_force":
            _take_effect(transaction, principal, notice, decision)
    return decision


def _take_effect(
    transaction: AuditedTransaction, principal: Principal, notice: NoticeRow, decision: DecisionRow
) -> None:
    """What a decision in force does outside itself, in the transaction putting it in
    force: the notifier's message, Art. 23 misuse measures (its referral was filed at
    decide time, `decide`)."""
    connection = transaction.connection
    if notice.contact is not None:  # the notifier gave an address: tell the decision
        message = decision_message(
            notice.reference, decision.acted, decision.automated_decision,
            notice.automated_detection, notice.language,
        )  # fmt: skip
        store.insert_messages(connection, notice.id, [message])
    if decision.unfounded and notice.notifier_key and notice.source == "notice":
        apply_misuse_policy(
            transaction, principal, notice.platform, "notifier", notice.notifier_key
        )
    if decision.poster_key and decision.manifestly_illegal:
        apply_misuse_policy(transaction, principal, notice.platform, "poster", decision.poster_key)


def approve(engine: Engine, principal: Principal, decision_id: int) -> None:
    """The second pair of eyes: put an account termination in force (not its decider),
    and with it its effects (`_take_effect`), in one transaction with the entry."""
    decision = store.decision_by(engine, id=decision_id)
    if decision is None or not authorize(principal, "decide_notice", decision.platform):
        raise NotAllowed("decide_notice")
    if principal.kind != "user":  # four eyes are a person's: never a token or a rule
        raise refuse("decision", "person", "approved by a logged-in moderator")
    if decision.decided_by == principal.actor:
        raise refuse("decision", "four_eyes", "approved by a moderator other than its decider")
    with audited_transaction(engine) as transaction:
        connection = transaction.connection
        if not store.approve_decision(connection, decision.id, principal.actor, utcnow()):
            raise refuse("decision", "status", "not awaiting approval")
        audit(transaction, principal, "decision_approved", "decision", [decision.id])
        approved = store.decision_by(connection, id=decision.id)
        notice = store.notice_by(connection, id=decision.notice_id)
        assert approved is not None
        assert notice is not None
        _take_effect(transaction, principal, notice, approved)


def decision_of(engine: Engine, principal: Principal, decision_id: int) -> DecisionRow:
    """A decision of the moderator's platform, to show it and its statement of reasons.

    NotAllowed outside the platform: a decision of another platform does not exist.
    """
    decision = store.decision_by(engine, id=decision_id)
    if decision is None or not authorize(principal, "decide_notice", decision.platform):
        raise NotAllowed("decide_notice")
    return decision


def reject(engine: Engine, principal: Principal, decision_id: int) -> None:
    """The second pair of eyes refuses an account termination: it never takes effect
    (it had none: no message, no measure), and the notice goes back to the queue (the
    same rules as `approve`); the act and its entry commit together. Its Art. 18
    referral, filed at decide time, stays in the partner's queue."""
    decision = store.decision_by(engine, id=decision_id)
    if decision is None or not authorize(principal, "decide_notice", decision.platform):
        raise NotAllowed("decide_notice")
    if principal.kind != "user":
        raise refuse("decision", "person", "refused by a logged-in moderator")
    if decision.decided_by == principal.actor:
        raise refuse("decision", "four_eyes", "refused by a moderator other than its decider")
    with audited_transaction(engine) as transaction:
        if not store.reject_decision(transaction.connection, decision.id, utcnow()):
            raise refuse("decision", "status", "not awaiting approval")
        audit(
            transaction, principal, "decision_rejected", "decision", [decision.id],
            notice=decision.notice_id,
        )  # fmt: skip


@dataclass(frozen=True)
class PendingDecision:
    """An account termination waiting for a second moderator."""

    decision_id: int
    notice_id: int
    account: str | None
    ground: str | None
    decided_by: str
    decided_at: dt.datetime


def pending_approvals(engine: Engine, principal: Principal, platform: str) -> list[PendingDecision]:
    """A platform's decisions awaiting approval (four eyes), oldest first."""
    require(principal, "decide_notice", platform)
    return [
        PendingDecision(
            row.id, row.notice_id, row.account, row.ground, row.decided_by, row.decided_at
        )
        for row in store.pending_decisions(engine, platform)
    ]


def referrals(
    engine: Engine, cipher: Cipher, principal: Principal, look: Look
) -> list[dict[str, Any]]:
    """A partner's queue of Art. 18 referrals, decrypted for the partner.

    A referral names the user's account: reading the queue is a look at identity data
    through the audited door (one entry with the look's purpose).
    """
    require(principal, "receive_referrals")
    organisation = principal.organisation
    assert organisation is not None  # an "own" grant needs one (scope_of)
    rows = store.referrals_for(engine, organisation)
    found = []
    for row in rows:
        notice = store.notice_by(engine, id=row.notice_id)
        assert notice is not None
        record = cipher.decrypt_json(row.content, referral_context(notice.reference, organisation))
        found.append({"id": row.id, "created_at": row.created_at, **record})
    record_look(engine, look, "view_referrals", "referral", [row.id for row in rows])
    return found
