"""The moderation queue and its decisions: assignment, decisions, four eyes, referrals.

Part of the notice repository `zicht.store.notice_cases` (its public seam).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    select,
    update,
)

from zicht.store._notice_common import _session
from zicht.store.notices import (
    DecisionRow,
    NoticeRow,
    OutboxRow,
    ReferralRow,
)


def notice_by(
    engine: Engine | Connection, *, id: int | None = None, reference: str | None = None
) -> NoticeRow | None:
    """The notice with row `id` or receipt `reference`, or None."""
    with _session(engine) as session:
        if id is not None:
            return session.get(NoticeRow, id)
        return session.scalar(select(NoticeRow).where(NoticeRow.reference == reference))


def open_queue(engine: Engine, platform: str, limit: int = 100) -> list[NoticeRow]:
    """A platform's open notices, most urgent lane first, oldest first within a lane."""
    statement = (
        select(NoticeRow)
        .where(NoticeRow.platform == platform, NoticeRow.status == "open")
        .order_by(
            NoticeRow.priority,
            NoticeRow.screening_score.desc().nulls_last(),
            NoticeRow.received_at,
            NoticeRow.id,
        )
        .limit(limit)
    )
    with _session(engine) as session:
        return list(session.scalars(statement))


def notices_of(engine: Engine, flagger: str, limit: int = 100) -> list[NoticeRow]:
    """A trusted flagger's own notices, newest first."""
    statement = (
        select(NoticeRow)
        .where(NoticeRow.flagger == flagger)
        .order_by(NoticeRow.received_at.desc(), NoticeRow.id.desc())
        .limit(limit)
    )
    with _session(engine) as session:
        return list(session.scalars(statement))


def take_notice(bind: Engine | Connection, notice_id: int, moderator: str, at: dt.datetime) -> bool:
    """Assign an open notice to `moderator` unless another moderator holds it."""
    statement = (
        update(NoticeRow)
        .where(
            NoticeRow.id == notice_id,
            NoticeRow.status == "open",
            (NoticeRow.assigned_to.is_(None)) | (NoticeRow.assigned_to == moderator),
        )
        .values(assigned_to=moderator, assigned_at=at)
    )
    with _session(bind) as session, session.begin():
        return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def insert_decision(
    bind: Engine | Connection,
    values: dict[str, Any],
    referral: dict[str, Any] | None,
    messages: list[dict[str, Any]] | None = None,
) -> tuple[DecisionRow, int | None]:
    """Store a decision, close its notice and file its referral, in one transaction.

    Returns the decision and the referral's id (None without one). The referral is in
    the partner's queue at once, also for a decision awaiting approval, and stays there
    when that decision is refused (Art. 18: it is about the suspected crime). Raises ValueError
    (and stores nothing) when the notice is no longer open.
    """
    with _session(bind) as session, session.begin():
        closed = session.execute(
            update(NoticeRow)
            .where(NoticeRow.id == values["notice_id"], NoticeRow.status == "open")
            .values(status="decided", decided_at=values["decided_at"])
        )
        if not closed.rowcount:  # type: ignore[attr-defined]
            raise ValueError("notice is not open")
        row = DecisionRow(**values)
        session.add(row)
        session.flush()
        session.add_all(
            OutboxRow(notice_id=values["notice_id"], **message) for message in messages or ()
        )
        referral_id = None
        if referral is not None:
            made = ReferralRow(**referral, decision_id=row.id)
            session.add(made)
            session.flush()
            referral_id = made.id
    return row, referral_id


def insert_messages(
    bind: Engine | Connection,
    notice_id: int,
    messages: list[dict[str, Any]],
    complaint_id: int | None = None,
) -> None:
    """Queue messages about a notice in the outbox (to the complainant of `complaint_id`,
    whose own address they then go to, when given)."""
    with _session(bind) as session, session.begin():
        session.add_all(
            OutboxRow(notice_id=notice_id, complaint_id=complaint_id, **message)
            for message in messages
        )


def decision_by(
    bind: Engine | Connection, *, id: int | None = None, redress_key: str | None = None
) -> DecisionRow | None:
    """The decision with row `id` or redress key, or None."""
    with _session(bind) as session:
        if id is not None:
            return session.get(DecisionRow, id)
        return session.scalar(select(DecisionRow).where(DecisionRow.redress_key == redress_key))


def approve_decision(
    bind: Engine | Connection, decision_id: int, approver: str, at: dt.datetime
) -> bool:
    """Put a decision awaiting a second moderator in force (not by its own decider).

    It applies from `at` (its statement's application date). Its referral was filed
    when it was decided and is left as it is.
    """
    statement = (
        update(DecisionRow)
        .where(
            DecisionRow.id == decision_id,
            DecisionRow.status == "pending_approval",
            DecisionRow.decided_by != approver,
        )
        .values(status="in_force", approved_by=approver, approved_at=at, application_date=at.date())
    )
    with _session(bind) as session, session.begin():
        return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def reject_decision(bind: Engine | Connection, decision_id: int, at: dt.datetime) -> bool:
    """A second moderator refuses a pending decision: it never takes effect (`rejected`)
    and its notice goes back to the queue for a new decision; its Art. 18 referral stays
    filed. False (nothing changed) when it is not awaiting approval."""
    refused = (
        update(DecisionRow)
        .where(DecisionRow.id == decision_id, DecisionRow.status == "pending_approval")
        .values(status="rejected", reversed_at=at)
        .returning(DecisionRow.notice_id)
    )
    with _session(bind) as session, session.begin():
        notice_id = session.scalar(refused)
        if notice_id is None:
            return False
        session.execute(
            update(NoticeRow)
            .where(NoticeRow.id == notice_id)
            .values(status="open", decided_at=None, assigned_to=None, assigned_at=None)
        )
    return True


def latest_decision(engine: Engine, notice_id: int) -> DecisionRow | None:
    """The newest decision on a notice (a reversed no-action is followed by a new one)."""
    statement = (
        select(DecisionRow)
        .where(DecisionRow.notice_id == notice_id)
        .order_by(DecisionRow.decided_at.desc(), DecisionRow.id.desc())
        .limit(1)
    )
    with _session(engine) as session:
        return session.scalar(statement)


def pending_decisions(engine: Engine, platform: str, limit: int = 100) -> list[DecisionRow]:
    """A platform's decisions awaiting a second moderator (account terminations), oldest first."""
    statement = (
        select(DecisionRow)
        .where(DecisionRow.platform == platform, DecisionRow.status == "pending_approval")
        .order_by(DecisionRow.decided_at, DecisionRow.id)
        .limit(limit)
    )
    with _session(engine) as session:
        return list(session.scalars(statement))


def referrals_for(engine: Engine, organisation: str) -> list[ReferralRow]:
    """The referrals in a partner's queue, newest first (also those of a decision
    awaiting approval or refused: Art. 18 does not wait for the account measure)."""
    statement = (
        select(ReferralRow)
        .where(ReferralRow.organisation == organisation)
        .order_by(ReferralRow.created_at.desc(), ReferralRow.id.desc())
    )
    with _session(engine) as session:
        return list(session.scalars(statement))
