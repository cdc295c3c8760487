"""Repository of notice and action: tenants, flaggers, the queue, decisions, complaints.

Every function is one transaction. Rows come back detached (read, never lazy-loaded).
Functions that take `bind` also run inside a caller's transaction when given its
`Connection` (`zicht.access.audited_transaction`): they then commit nothing themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Float,
    Select,
    Table,
    and_,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from zicht.store.models import utcnow
from zicht.store.notices import (
    ComplaintRow,
    DecisionRow,
    NoticeRow,
    OutboxRow,
    PlatformTenantRow,
    ReferralRow,
    SanctionRow,
    TrustedFlaggerRow,
)
from zicht.store.platforms import AdRow

__all__ = [
    "FACTS_CHUNK",
    "IntakeAsk",
    "IntakeFacts",
    "active_suspension",
    "ad_postings",
    "approve_decision",
    "complaint_by",
    "decision_by",
    "decisions_since",
    "flagger_outcomes",
    "insert_complaint",
    "insert_decision",
    "insert_messages",
    "insert_notice",
    "insert_notices",
    "insert_sanction",
    "intake_facts",
    "latest_decision",
    "misuse_count",
    "notice_by",
    "notices_from_since",
    "notices_of",
    "open_complaints",
    "open_queue",
    "outbox_done",
    "pending_decisions",
    "pending_messages",
    "platform_by_code",
    "platform_codes",
    "recent_notices",
    "referrals_for",
    "reject_decision",
    "resolve_complaint",
    "sanction_kinds",
    "save_platform",
    "save_trusted_flagger",
    "screened_ads",
    "take_notice",
    "transparency_rows",
    "trusted_flagger",
]


# Decisions that do not count (Art. 22 accuracy, Art. 23 misuse): an account termination
# still waiting for its second moderator (no effect yet), one the second moderator refused,
# or one lifted on a complaint.
_NOT_TAKEN = ("pending_approval", "reversed", "rejected")
# Decisions not (yet, or ever) in force: not in the Transparency DB or the report's
# decision counts (their Art. 18 referrals are: filed at decide time, never withdrawn).
_NOT_IN_FORCE = ("pending_approval", "rejected")


def _session(bind: Engine | Connection) -> Session:
    return Session(bind, expire_on_commit=False)


def save_platform(engine: Engine, code: str, name: str, contact_point: str, state: str) -> bool:
    """Register a platform (True) or update its name and contact point (False)."""
    with _session(engine) as session, session.begin():
        row = session.scalar(select(PlatformTenantRow).where(PlatformTenantRow.code == code))
        if row is None:
            session.add(
                PlatformTenantRow(
                    code=code, name=name, contact_point=contact_point, established_in=state
                )
            )
            return True
        row.name, row.contact_point, row.established_in = name, contact_point, state
        return False


def platform_by_code(engine: Engine, code: str) -> PlatformTenantRow | None:
    """The registered platform `code`, or None."""
    with _session(engine) as session:
        return session.scalar(select(PlatformTenantRow).where(PlatformTenantRow.code == code))


def platform_codes(engine: Engine) -> list[str]:
    """The codes of every registered platform, sorted."""
    with _session(engine) as session:
        return sorted(session.scalars(select(PlatformTenantRow.code)))


def save_trusted_flagger(engine: Engine, organisation: str, on: dt.date, active: bool) -> None:
    """Designate (or withdraw) `organisation` as a trusted flagger."""
    with _session(engine) as session, session.begin():
        row = session.scalar(
            select(TrustedFlaggerRow).where(TrustedFlaggerRow.organisation == organisation)
        )
        if row is None:
            session.add(
                TrustedFlaggerRow(organisation=organisation, designated_on=on, active=active)
            )
        else:
            row.active = active


def trusted_flagger(engine: Engine, organisation: str) -> bool:
    """Whether `organisation` is an active trusted flagger."""
    with _session(engine) as session:
        return bool(
            session.scalar(
                select(TrustedFlaggerRow.active).where(
                    TrustedFlaggerRow.organisation == organisation
                )
            )
        )


@dataclass(frozen=True)
class IntakeFacts:
    """What the intake of one notice reads before its write, read in one round trip."""

    platform_known: bool
    suspended: bool
    recent: int
    trusted: bool
    score: float | None  # the highest screening score of the ads named (None: none)


@dataclass(frozen=True)
class IntakeAsk:
    """What the intake asks about one notice (see `intake_facts`)."""

    platform: str
    notifier_key: str | None
    organisation: str | None
    ad_ids: Sequence[str]
    now: dt.datetime
    since: dt.datetime


def _facts_select(number: int, ask: IntakeAsk) -> Select[Any]:
    """One notice's questions as one row of scalar subqueries, numbered `number`."""
    known = (
        select(PlatformTenantRow.id).where(PlatformTenantRow.code == ask.platform).scalar_subquery()
    )
    # Typed NULLs: PostgreSQL types a UNION's column from its branches in order.
    suspended: Any = sql_cast(null(), BigInteger)
    recent: Any = sql_cast(null(), BigInteger)
    if ask.notifier_key is not None:
        suspended = (
            select(func.count())
            .select_from(SanctionRow)
            .where(
                SanctionRow.platform == ask.platform,
                SanctionRow.subject_key == ask.notifier_key,
                SanctionRow.kind == "suspension",
                SanctionRow.until > ask.now,
            )
            .scalar_subquery()
        )
        recent = (
            select(func.count())
            .select_from(NoticeRow)
            .where(NoticeRow.notifier_key == ask.notifier_key, NoticeRow.received_at >= ask.since)
            .scalar_subquery()
        )
    trusted: Any = sql_cast(null(), BigInteger)
    if ask.organisation is not None:
        trusted = (
            select(func.count())
            .select_from(TrustedFlaggerRow)
            .where(
                TrustedFlaggerRow.organisation == ask.organisation,
                TrustedFlaggerRow.active.is_(True),
            )
            .scalar_subquery()
        )
    score: Any = sql_cast(null(), Float)
    wanted = sorted(set(ask.ad_ids))
    if wanted:
        score = (
            select(func.max(AdRow.score))
            .where(AdRow.platform == ask.platform, AdRow.ad_id.in_(wanted))
            .scalar_subquery()
        )
    return select(
        literal_column(str(int(number))).label("number"),
        known.label("known"),
        suspended.label("suspended"),
        recent.label("recent"),
        trusted.label("trusted"),
        score.label("score"),
    )


# The notices asked about in one statement (see `intake_facts`).
FACTS_CHUNK = 400
# The PostgreSQL advisory locks of the flood rule's count (`recent_notices`): an
# arbitrary constant (not the audit chain's) with the schema and the notifier key.
_NOTIFIER_LOCK = 1861304729


def _facts_rows(connection: Connection, asks: Sequence[IntakeAsk]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(asks), FACTS_CHUNK):
        chunk = asks[start : start + FACTS_CHUNK]
        selects = [_facts_select(start + n, ask) for n, ask in enumerate(chunk)]
        statement = selects[0] if len(selects) == 1 else union_all(*selects)
        rows += connection.execute(statement).all()
    return rows


def recent_notices(connection: Connection, since: dict[str, dt.datetime]) -> dict[str, int]:
    """In the caller's write transaction: how many notices each notifier key of `since`
    filed since its time, counted under a lock that no other intake transaction shares
    for these keys until the commit (so a count and the notices admitted on it are one
    step across processes). SQLite: the transaction's write lock (BEGIN IMMEDIATE)
    already is that lock. PostgreSQL: a transaction-level advisory lock per key and
    schema, taken in sorted order (no two intakes wait on each other in a cycle)."""
    keys = sorted(since)
    if not keys:
        return {}
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "SELECT count(pg_advisory_xact_lock(:lock, hashtext(current_schema() || '/' || k)))"
                " FROM (SELECT k FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS u(k, n)"
                " ORDER BY n) AS ordered"
            ),
            {"lock": _NOTIFIER_LOCK, "keys": keys},
        )
    counted: dict[str, int] = dict.fromkeys(keys, 0)
    for start in range(0, len(keys), FACTS_CHUNK):
        chunk = keys[start : start + FACTS_CHUNK]
        # From the chunk's earliest `since`: a burst spans milliseconds, and a count
        # that errs does so on the strict side.
        rows = connection.execute(
            select(NoticeRow.notifier_key, func.count())
            .where(
                NoticeRow.notifier_key.in_(chunk),
                NoticeRow.received_at >= min(since[key] for key in chunk),
            )
            .group_by(NoticeRow.notifier_key)
        )
        counted.update({str(key): int(number) for key, number in rows})
    return counted


def intake_facts(bind: Engine | Connection, asks: Sequence[IntakeAsk]) -> list[IntakeFacts]:
    """The intake's reads about a burst of notices, in one statement: for each, the
    platform is registered; the notifier is suspended there, and filed how many notices
    since `since`; the organisation is an active trusted flagger; the highest screening
    score of the ads named.

    One round trip for the burst (a UNION ALL of rows of scalar subqueries) instead of one
    a question: the intake's writer thread waits on every round trip, and under load it
    waits for the interpreter lock after each one too (benchmarks/bench_notices.py). A
    burst of more than `FACTS_CHUNK` notices takes one statement per `FACTS_CHUNK`:
    SQLite refuses a compound SELECT of more than 500 terms, PostgreSQL a statement of
    more than 65,535 parameters.
    """
    if not asks:
        return []
    if isinstance(bind, Connection):
        rows = _facts_rows(bind, asks)
    else:
        with bind.connect() as connection:
            rows = _facts_rows(connection, asks)
    found: dict[int, IntakeFacts] = {}
    for number, known, suspended, recent, trusted, score in rows:
        found[int(number)] = (
            IntakeFacts(
                True,
                bool(suspended),
                int(recent or 0),
                bool(trusted),
                None if score is None else float(score),
            )
            if known is not None
            else IntakeFacts(False, False, 0, False, None)
        )
    return [found[number] for number in range(len(asks))]


def insert_notice(engine: Engine, values: dict[str, Any]) -> NoticeRow:
    """Store a notice; it is committed when this returns (then it may be acknowledged)."""
    with _session(engine) as session, session.begin():
        row = NoticeRow(**values)
        session.add(row)
    return row


def insert_notices(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Store many notices in the caller's transaction (group commit); each dict gets its
    `id`. The caller commits (with the audit entries of the notices).

    A row's `outbox` (a list of messages: kind, subject, body) is queued with it. Two
    statements a batch (Core, ids returned in the rows' order), not the ORM's unit of
    work: the intake's write is on every notice's path.
    """
    if not rows:
        return
    notices = cast(Table, NoticeRow.__table__)
    made = connection.execute(
        insert(notices).returning(notices.c.id, sort_by_parameter_order=True),
        [{k: v for k, v in row.items() if k != "outbox"} for row in rows],
    )
    messages = []
    for row, notice_id in zip(rows, made.scalars(), strict=True):
        row["id"] = notice_id
        messages += [{"notice_id": notice_id, **message} for message in row.get("outbox", ())]
    if messages:
        connection.execute(insert(cast(Table, OutboxRow.__table__)), messages)


def notices_from_since(engine: Engine, notifier_key: str, since: dt.datetime) -> int:
    """How many notices the notifier with `notifier_key` filed since `since`."""
    with _session(engine) as session:
        statement = select(func.count()).where(
            NoticeRow.notifier_key == notifier_key, NoticeRow.received_at >= since
        )
        return int(session.scalar(statement) or 0)


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
