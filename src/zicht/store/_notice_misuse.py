"""Art. 23 misuse: the counts that decide, and the warnings and suspensions taken.

Part of the notice repository `zicht.store.notice_cases` (its public seam).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    func,
    or_,
    select,
)

from zicht.store._notice_common import _NOT_TAKEN, _session
from zicht.store.notices import (
    ComplaintRow,
    DecisionRow,
    NoticeRow,
    SanctionRow,
)


def misuse_count(
    engine: Engine | Connection, platform: str, subject: str, key: str, since: dt.datetime
) -> int:
    """Decisions since `since` that found a notifier's notice manifestly unfounded
    (`subject` notifier) or a poster's content manifestly illegal (`poster`)."""
    statement = (
        select(func.count())
        .select_from(DecisionRow)
        .where(
            DecisionRow.platform == platform,
            DecisionRow.decided_at >= since,
            DecisionRow.status.not_in(_NOT_TAKEN),
        )
    )
    if subject == "complaint":
        return _unfounded_complaints(engine, platform, key, since)
    if subject == "notifier":
        statement = statement.join(NoticeRow, NoticeRow.id == DecisionRow.notice_id).where(
            NoticeRow.notifier_key == key, DecisionRow.unfounded.is_(True)
        )
    else:
        statement = statement.where(
            DecisionRow.poster_key == key, DecisionRow.manifestly_illegal.is_(True)
        )
    with _session(engine) as session:
        return int(session.scalar(statement) or 0)


def _unfounded_complaints(
    engine: Engine | Connection, platform: str, key: str, since: dt.datetime
) -> int:
    """Complaints since `since` found manifestly unfounded, by the notifier or poster `key`."""
    statement = (
        select(func.count())
        .select_from(ComplaintRow)
        .join(DecisionRow, DecisionRow.id == ComplaintRow.decision_id)
        .join(NoticeRow, NoticeRow.id == DecisionRow.notice_id)
        .where(
            ComplaintRow.platform == platform,
            ComplaintRow.filed_at >= since,
            ComplaintRow.status == "unfounded",
            or_(
                and_(ComplaintRow.complainant == "notifier", NoticeRow.notifier_key == key),
                and_(ComplaintRow.complainant == "poster", DecisionRow.poster_key == key),
            ),
        )
    )
    with _session(engine) as session:
        return int(session.scalar(statement) or 0)


def sanction_kinds(
    engine: Engine | Connection, platform: str, key: str, since: dt.datetime
) -> list[str]:
    """The kinds of measures taken against `key` on `platform` since `since`, oldest first."""
    statement = (
        select(SanctionRow.kind)
        .where(
            SanctionRow.platform == platform,
            SanctionRow.subject_key == key,
            SanctionRow.created_at >= since,
        )
        .order_by(SanctionRow.id)
    )
    with _session(engine) as session:
        return list(session.scalars(statement))


def insert_sanction(engine: Engine | Connection, values: dict[str, Any]) -> int:
    """Store a warning or suspension; return its id."""
    with _session(engine) as session, session.begin():
        row = SanctionRow(**values)
        session.add(row)
        session.flush()
        return row.id


def active_suspension(
    engine: Engine | Connection, platform: str, key: str, now: dt.datetime
) -> dt.datetime | None:
    """Until when `key` is suspended on `platform` (None: not suspended)."""
    statement = select(func.max(SanctionRow.until)).where(
        SanctionRow.platform == platform,
        SanctionRow.subject_key == key,
        SanctionRow.kind == "suspension",
        SanctionRow.until > now,
    )
    with _session(engine) as session:
        until: dt.datetime | None = session.scalar(statement)
        return until
