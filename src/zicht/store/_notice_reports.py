"""What is reported and sent: transparency rows, accuracy, screened ads, the outbox.

Part of the notice repository `zicht.store.notice_cases` (its public seam).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Engine,
    func,
    select,
    update,
)

from zicht.store._notice_common import _NOT_IN_FORCE, _NOT_TAKEN, _session
from zicht.store.models import utcnow
from zicht.store.notices import (
    ComplaintRow,
    DecisionRow,
    NoticeRow,
    OutboxRow,
    ReferralRow,
)
from zicht.store.platforms import AdRow


def decisions_since(
    engine: Engine, since: dt.date, platform: str | None = None
) -> list[DecisionRow]:
    """Decisions taken on or after `since` (of `platform` when given), oldest first."""
    start = dt.datetime.combine(since, dt.time())
    statement = select(DecisionRow).where(DecisionRow.decided_at >= start)
    if platform is not None:
        statement = statement.where(DecisionRow.platform == platform)
    with _session(engine) as session:
        return list(session.scalars(statement.order_by(DecisionRow.decided_at, DecisionRow.id)))


def flagger_outcomes(engine: Engine, flagger: str) -> dict[str, int]:
    """How a flagger's decided notices ended: `acted` and `not_acted` (accuracy, Art. 22)."""
    statement = (
        select(DecisionRow.acted, func.count())
        .join(NoticeRow, NoticeRow.id == DecisionRow.notice_id)
        .where(NoticeRow.flagger == flagger, DecisionRow.status.not_in(_NOT_TAKEN))
        .group_by(DecisionRow.acted)
    )
    with _session(engine) as session:
        counts = {bool(acted): int(n) for acted, n in session.execute(statement)}
    return {"acted": counts.get(True, 0), "not_acted": counts.get(False, 0)}


def ad_postings(
    engine: Engine, platform: str, ad_ids: Iterable[str]
) -> dict[str, tuple[dt.datetime, float, int | None]]:
    """Posting time (UTC), screening score and operator cluster of stored ads by ad id."""
    wanted = sorted(set(ad_ids))
    if not wanted:
        return {}
    statement = select(AdRow.ad_id, AdRow.posted_at, AdRow.score, AdRow.cluster_id).where(
        AdRow.platform == platform, AdRow.ad_id.in_(wanted)
    )
    with _session(engine) as session:
        return {ad: (at, score, cluster) for ad, at, score, cluster in session.execute(statement)}


def screened_ads(
    engine: Engine, platform: str
) -> tuple[list[tuple[str, float, list[str]]], set[str]]:
    """A platform's screened ads with a score above 0 (ad id, score, evidence flags),
    and the ad ids already in an own-initiative case."""
    ads = select(AdRow.ad_id, AdRow.score, AdRow.flags).where(
        AdRow.platform == platform, AdRow.score > 0
    )
    cases = select(NoticeRow.ad_ids).where(
        NoticeRow.platform == platform, NoticeRow.source == "own_initiative"
    )
    with _session(engine) as session:
        found = [(ad, float(score), list(flags)) for ad, score, flags in session.execute(ads)]
        taken = {ad for (ids,) in session.execute(cases) for ad in ids}
    return found, taken


def transparency_rows(
    engine: Engine, platform: str, start: dt.datetime, end: dt.datetime
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Notices a platform received in [start, end) with their first decision, and the
    complaints filed in the period (counted: `complaints`, `reversed`, `referrals`; the
    referrals are those filed in the period, a termination's also while it awaits
    approval or after its refusal).

    A notice's row: source, category, received_at, and of its first decision (None when
    undecided) decided_at, acted, ground, automated_detection, automated_decision.
    """
    first = (
        select(DecisionRow.notice_id, func.min(DecisionRow.id).label("decision_id"))
        .where(DecisionRow.status.not_in(_NOT_IN_FORCE))  # awaiting approval or refused: not taken
        .group_by(DecisionRow.notice_id)
        .subquery()
    )
    statement = (
        select(
            NoticeRow.source,
            NoticeRow.category,
            NoticeRow.received_at,
            DecisionRow.decided_at,
            DecisionRow.acted,
            DecisionRow.ground,
            DecisionRow.automated_detection,
            DecisionRow.automated_decision,
        )
        .outerjoin(first, first.c.notice_id == NoticeRow.id)
        .outerjoin(DecisionRow, DecisionRow.id == first.c.decision_id)
        .where(
            NoticeRow.platform == platform,
            NoticeRow.received_at >= start,
            NoticeRow.received_at < end,
        )
    )
    complaints = (
        select(ComplaintRow.status, func.count())
        .where(
            ComplaintRow.platform == platform,
            ComplaintRow.filed_at >= start,
            ComplaintRow.filed_at < end,
        )
        .group_by(ComplaintRow.status)
    )
    referred = select(func.count()).where(
        ReferralRow.platform == platform,
        ReferralRow.created_at >= start,
        ReferralRow.created_at < end,
    )
    with _session(engine) as session:
        rows = [dict(row._mapping) for row in session.execute(statement)]
        by_status = {status: int(n) for status, n in session.execute(complaints)}
        counts = {
            "complaints": sum(by_status.values()),
            "reversed": by_status.get("reversed", 0),
            "referrals": int(session.scalar(referred) or 0),
        }
    return rows, counts


def pending_messages(
    engine: Engine, limit: int, max_attempts: int
) -> list[tuple[OutboxRow, NoticeRow, ComplaintRow | None]]:
    """Unsent messages (oldest first, fewer than `max_attempts` tries) with their notice
    and, for a message to a complainant, the complaint."""
    statement = (
        select(OutboxRow, NoticeRow, ComplaintRow)
        .join(NoticeRow, NoticeRow.id == OutboxRow.notice_id)
        .outerjoin(ComplaintRow, ComplaintRow.id == OutboxRow.complaint_id)
        .where(OutboxRow.sent_at.is_(None), OutboxRow.attempts < max_attempts)
        .order_by(OutboxRow.id)
        .limit(limit)
    )
    with _session(engine) as session:
        return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


def outbox_done(engine: Engine, message_id: int, error: str | None) -> None:
    """Record a try: sent now (error None), or failed with `error` (a type name, no value)."""
    values: dict[str, Any] = {"attempts": OutboxRow.attempts + 1, "last_error": error}
    if error is None:
        values["sent_at"] = utcnow()
    with _session(engine) as session, session.begin():
        session.execute(update(OutboxRow).where(OutboxRow.id == message_id).values(**values))
