"""Notices in: the facts the intake reads about a burst, and the notices stored.

Part of the notice repository `zicht.store.notice_cases` (its public seam).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Float,
    String,
    Table,
    bindparam,
    func,
    insert,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.sql.expression import CompoundSelect

from zicht.store._notice_common import _session
from zicht.store.notices import (
    NoticeRow,
    OutboxRow,
    PlatformTenantRow,
    SanctionRow,
    TrustedFlaggerRow,
)
from zicht.store.platforms import AdRow


@dataclass(frozen=True)
class IntakeFacts:
    """What the intake of one notice reads in its write transaction (`intake_facts`)."""

    platform_known: bool
    suspended: bool
    recent: int
    trusted: bool
    score: float | None  # the highest screening score of the ads named (None: none)


@dataclass(frozen=True)
class IntakeAsk:
    """What the intake asks about one notice (see `intake_facts`). `since`: from when
    the flood rule counts the notifier's notices (None: the rule does not apply)."""

    platform: str
    notifier_key: str | None
    organisation: str | None
    ad_ids: Sequence[str]
    now: dt.datetime
    since: dt.datetime | None


# The notices asked about in one statement (see `intake_facts`): their keys,
# organisations and ad ids are bound one parameter each, well within SQLite's 32,766
# and PostgreSQL's 65,535 (a notice names at most 20 items).
FACTS_CHUNK = 400
# The PostgreSQL advisory locks of the flood rule's count (`intake_facts`): an arbitrary
# constant (not the audit chain's) with the schema and the notifier key.
_NOTIFIER_LOCK = 1861304729


def _facts_statement() -> CompoundSelect[Any]:
    """The facts of a chunk of notices, set-based: rows (fact, first, second, number).

    One statement of fixed shape whatever the chunk (the lists are expanding
    parameters), so SQLAlchemy compiles it once per process instead of once per burst:
    the per-notice UNION of scalar subqueries it replaces cost the writer thread a
    compilation of every burst, growing with the burst (benchmarks/bench_notices.py).
    """

    def listed(name: str) -> Any:
        return bindparam(name, expanding=True)

    def nothing() -> Any:  # typed NULLs: PostgreSQL types a UNION's column from its branches
        return sql_cast(null(), String)

    number = sql_cast(null(), Float)
    return union_all(
        select(literal("platform"), PlatformTenantRow.code, nothing(), number).where(
            PlatformTenantRow.code.in_(listed("platforms"))
        ),
        select(literal("suspended"), SanctionRow.platform, SanctionRow.subject_key, number).where(
            SanctionRow.subject_key.in_(listed("keys")),
            SanctionRow.kind == "suspension",
            SanctionRow.until > bindparam("now"),
        ),
        select(literal("recent"), NoticeRow.notifier_key, nothing(), sql_cast(func.count(), Float))
        .where(
            NoticeRow.notifier_key.in_(listed("counted")),
            NoticeRow.received_at >= bindparam("since"),
        )
        .group_by(NoticeRow.notifier_key),
        select(literal("trusted"), TrustedFlaggerRow.organisation, nothing(), number).where(
            TrustedFlaggerRow.organisation.in_(listed("organisations")),
            TrustedFlaggerRow.active.is_(True),
        ),
        select(literal("ad"), AdRow.platform, AdRow.ad_id, sql_cast(AdRow.score, Float)).where(
            AdRow.platform.in_(listed("platforms")),
            AdRow.ad_id.in_(listed("ads")),
            AdRow.score.is_not(None),
        ),
    )


_FACTS = _facts_statement()


def _lock_notifiers(connection: Connection, keys: list[str]) -> None:
    """PostgreSQL: a transaction-level advisory lock per notifier key and schema, in
    sorted order (no two intakes wait on each other in a cycle), held to the commit.
    SQLite: the transaction's write lock (BEGIN IMMEDIATE) already is that lock."""
    if keys and connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "SELECT count(pg_advisory_xact_lock(:lock, hashtext(current_schema() || '/' || k)))"
                " FROM (SELECT k FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS u(k, n)"
                " ORDER BY n) AS ordered"
            ),
            {"lock": _NOTIFIER_LOCK, "keys": keys},
        )


def _facts_of(connection: Connection, asks: Sequence[IntakeAsk]) -> list[IntakeFacts]:
    counted = [a for a in asks if a.notifier_key is not None and a.since is not None]
    parameters = {
        "platforms": sorted({a.platform for a in asks}),
        "keys": sorted({a.notifier_key for a in asks if a.notifier_key is not None}),
        "counted": sorted({a.notifier_key for a in counted if a.notifier_key is not None}),
        "organisations": sorted({a.organisation for a in asks if a.organisation is not None}),
        "ads": sorted({ad for a in asks for ad in a.ad_ids}),
        # The earliest of the chunk: a burst spans milliseconds, and a fact that errs
        # does so on the strict side (a suspension ending meanwhile, one more notice).
        "now": min(a.now for a in asks),
        "since": min((a.since for a in counted if a.since is not None), default=asks[0].now),
    }
    known: set[str] = set()
    suspended: set[tuple[str, str]] = set()
    recent: dict[str, int] = {}
    trusted: set[str] = set()
    scores: dict[tuple[str, str], float] = {}
    for fact, first, second, number in connection.execute(_FACTS, parameters):
        if fact == "platform":
            known.add(first)
        elif fact == "suspended":
            suspended.add((first, second))
        elif fact == "recent":
            recent[first] = int(number)
        elif fact == "trusted":
            trusted.add(first)
        else:
            scores[(first, second)] = float(number)
    found = []
    for ask in asks:
        if ask.platform not in known:
            found.append(IntakeFacts(False, False, 0, False, None))
            continue
        named = [scores[(ask.platform, ad)] for ad in ask.ad_ids if (ask.platform, ad) in scores]
        key = ask.notifier_key
        found.append(
            IntakeFacts(
                True,
                key is not None and (ask.platform, key) in suspended,
                recent.get(key, 0) if key is not None and ask.since is not None else 0,
                ask.organisation is not None and ask.organisation in trusted,
                max(named) if named else None,
            )
        )
    return found


def intake_facts(connection: Connection, asks: Sequence[IntakeAsk]) -> list[IntakeFacts]:
    """In the caller's write transaction: the intake's facts about a burst of notices,
    for each: the platform is registered; the notifier is suspended there; how many
    notices the notifier filed since its `since`; the organisation is an active trusted
    flagger; the highest screening score of the ads named.

    Read under the write lock (SQLite's BEGIN IMMEDIATE; on PostgreSQL first an advisory
    lock per counted notifier, which no other intake transaction shares until the
    commit), so a count and the notices admitted on it are one step across processes,
    and a suspension committed before the burst's transaction is seen. One round trip
    per `FACTS_CHUNK` notices.
    """
    if not asks:
        return []
    _lock_notifiers(
        connection,
        sorted(
            {a.notifier_key for a in asks if a.notifier_key is not None and a.since is not None}
        ),
    )
    found: list[IntakeFacts] = []
    for start in range(0, len(asks), FACTS_CHUNK):
        found += _facts_of(connection, asks[start : start + FACTS_CHUNK])
    return found


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
