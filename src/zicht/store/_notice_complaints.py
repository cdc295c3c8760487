"""Art. 20 complaints and their review.

Part of the notice repository `zicht.store.notice_cases` (its public seam).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    select,
    update,
)

from zicht.store._notice_common import _session
from zicht.store.models import utcnow
from zicht.store.notices import (
    ComplaintRow,
    DecisionRow,
    NoticeRow,
)


def insert_complaint(bind: Engine | Connection, values: dict[str, Any]) -> ComplaintRow:
    """Store a complaint (its `id` set when this returns)."""
    with _session(bind) as session, session.begin():
        row = ComplaintRow(**values)
        session.add(row)
        session.flush()
    return row


def complaint_by(
    engine: Engine, *, id: int | None = None, reference: str | None = None
) -> ComplaintRow | None:
    """The complaint with row `id` or `reference`, or None."""
    with _session(engine) as session:
        if id is not None:
            return session.get(ComplaintRow, id)
        return session.scalar(select(ComplaintRow).where(ComplaintRow.reference == reference))


def resolve_complaint(
    bind: Engine | Connection,
    complaint_id: int,
    reviewer: str,
    reverse: bool,
    reason: str,
    unfounded: bool = False,
) -> bool:
    """Close an open complaint; on reversal lift the decision and reopen a no-action one.

    A reversed decision to act is lifted at once (status `reversed`); a reversed decision
    not to act sends its notice back to the queue for a new decision.
    """
    now = utcnow()
    with _session(bind) as session, session.begin():
        complaint = session.get(ComplaintRow, complaint_id, with_for_update=True)
        if complaint is None or complaint.status != "open":
            return False
        complaint.status = "reversed" if reverse else "unfounded" if unfounded else "upheld"
        complaint.reviewer, complaint.reviewed_at = reviewer, now
        complaint.outcome_reason = reason
        if reverse:
            decision = session.get(DecisionRow, complaint.decision_id)
            assert decision is not None
            decision.status, decision.reversed_at = "reversed", now
            if not decision.acted:
                session.execute(
                    update(NoticeRow)
                    .where(NoticeRow.id == decision.notice_id)
                    .values(status="open", decided_at=None, assigned_to=None, assigned_at=None)
                )
    return True


def open_complaints(engine: Engine, platform: str, limit: int = 100) -> list[ComplaintRow]:
    """A platform's complaints awaiting review, oldest first."""
    statement = (
        select(ComplaintRow)
        .where(ComplaintRow.platform == platform, ComplaintRow.status == "open")
        .order_by(ComplaintRow.filed_at, ComplaintRow.id)
        .limit(limit)
    )
    with _session(engine) as session:
        return list(session.scalars(statement))
