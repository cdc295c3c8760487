"""The audit trail table: append-only, each entry chained to the one before by SHA-256.

`entry_hash` is SHA-256 over the canonical JSON of the entry's fields together with
`previous_hash`; `seq` numbers the entries without gaps and `previous_hash` is unique,
so the chain can neither fork nor lose an entry in the middle unnoticed. The app
never updates or deletes a row; on both engines a trigger refuses it as well
(migration 0003). The service (`zicht.access`) computes the hashes; this module
appends (one writer at a time, several entries per commit when asked) and reads.

An act on PostgreSQL appends its entries in its own transaction when the chain's lock
is free at that moment (`try_chain_lock`, then `append_in`: one commit). When another
writer holds the lock (or waits for it) the act does not queue: it writes its entries
to `audit_pending` instead (`add_pending`, migration 0018), and the next chaining step
(`append_many` with `pending`) moves every committed waiting entry into the chain, in
the order they were written, and removes them in the same commit. A waiting entry
thus survives a crash of its writer and is chained by whoever chains next.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
import time
import weakref
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Index,
    Integer,
    String,
    Text,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.engine import Connection, Transaction
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store._turns import Turns
from zicht.store.audit_exports import EXPORT_KEY, exports_with
from zicht.store.database import transaction_write
from zicht.store.models import Base

__all__ = [
    "GENESIS_HASH",
    "AuditEntry",
    "AuditEntryRow",
    "AuditPendingRow",
    "PendingBuild",
    "add_pending",
    "append_in",
    "append_many",
    "chained_transaction",
    "count_recent",
    "entry_hash_at",
    "has_pending",
    "head_entry",
    "iter_entries",
    "logged_actions",
    "search_entries",
    "try_chain_lock",
]

GENESIS_HASH = "0" * 64
_WRITE_LOCK = threading.Lock()
_ATTEMPTS = 8
# The PostgreSQL advisory lock that serialises audit writers: an arbitrary constant and
# the schema, since each schema of a database holds a store (and a chain) of its own.
_PG_LOCK = "SELECT pg_advisory_xact_lock(2053729128, hashtext(current_schema()))"
# The same lock taken only when it is free at once: PostgreSQL grants it neither while
# another transaction holds it nor while one waits for it (so waiting writers, such as a
# group writer, are not overtaken for ever).
_PG_TRY_LOCK = "SELECT pg_try_advisory_xact_lock(2053729128, hashtext(current_schema()))"
# The transactions that took the chain's lock with `try_chain_lock` (until they end).
_HOLDING: weakref.WeakSet[Transaction] = weakref.WeakSet()


class AuditEntryRow(Base):
    """One audit entry: who did what to which record, when, from where, for what purpose."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80), index=True)
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_organisation: Mapped[str | None] = mapped_column(String(40), nullable=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(60), nullable=True)
    object_ids: Mapped[str | None] = mapped_column(Text, nullable=True)
    purpose: Mapped[str | None] = mapped_column(String(400), nullable=True)
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    previous_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_entry_action_client_at", "action", "client", "at"),)


class AuditPendingRow(Base):
    """An entry committed with its act, waiting for its place in the chain (`append_many`)."""

    __tablename__ = "audit_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(80))
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_organisation: Mapped[str | None] = mapped_column(String(40), nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(60), nullable=True)
    object_ids: Mapped[str | None] = mapped_column(Text, nullable=True)
    purpose: Mapped[str | None] = mapped_column(String(400), nullable=True)
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


# Builds a waiting entry's chained values from its fields, its seq and the previous hash.
PendingBuild = Callable[[dict[str, Any], int, str], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One entry as read back from the trail (record ids only, never identity values)."""

    id: int
    seq: int
    at: dt.datetime
    actor: str
    actor_kind: str
    actor_organisation: str | None
    action: str
    object_type: str | None
    object_ids: str | None
    purpose: str | None
    client: str | None
    details: dict[str, Any]
    previous_hash: str
    entry_hash: str

    @property
    def ids(self) -> tuple[str, ...]:
        """The record ids the entry names, in order (`object_ids` is them comma-joined)."""
        return tuple(i for i in (self.object_ids or "").split(",") if i)

    def chained_fields(self) -> dict[str, Any]:
        """The fields the entry's hash covers (all but the row id and the hash itself)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "actor_kind": self.actor_kind,
            "actor_organisation": self.actor_organisation,
            "action": self.action,
            "object_type": self.object_type,
            "object_ids": self.object_ids,
            "purpose": self.purpose,
            "client": self.client,
            "details": self.details,
            "previous_hash": self.previous_hash,
        }


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(**row._mapping)


def count_recent(engine: Engine, action: str, client: str | None, since: dt.datetime) -> int:
    """How many entries of `action` came from `client` (None: no address known) since `since`."""
    statement = select(func.count()).where(
        AuditEntryRow.action == action,
        AuditEntryRow.client.is_(None) if client is None else AuditEntryRow.client == client,
        AuditEntryRow.at >= since,
    )
    with engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())


def head_entry(connection: Connection) -> tuple[int, str]:
    """The (seq, entry_hash) of the newest entry; (0, GENESIS_HASH) for an empty log."""
    row = connection.execute(_head_statement()).first()
    return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))


@cache
def _head_statement() -> Any:
    # Built once: every audited page view reads the head (a new statement object per
    # call cost more than the query, in its cache key and result metadata).
    table = AuditEntryRow.__table__
    return select(table.c.seq, table.c.entry_hash).order_by(table.c.seq.desc()).limit(1)


@cache
def _insert_statement() -> Any:
    return insert(AuditEntryRow)


@cache
def _pending_statement() -> Any:
    # Built once, as the chain's insert: every deferred act runs it, and a new
    # statement object per call cost more CPU (its cache key) than the insert itself.
    return insert(AuditPendingRow)


def entry_hash_at(engine: Engine, seq: int) -> str | None:
    """The entry hash of the entry numbered `seq`, or None when there is none."""
    with engine.connect() as connection:
        value = connection.execute(
            select(AuditEntryRow.entry_hash).where(AuditEntryRow.seq == seq)
        ).scalar_one_or_none()
    return None if value is None else str(value)


def _lock_log(connection: Connection) -> None:
    # One writer at a time across processes, taken before the head is read: PostgreSQL
    # by an advisory lock, SQLite by BEGIN IMMEDIATE (the write lock up front, so that
    # two processes never both read the same head).
    if connection.dialect.name == "postgresql":
        connection.execute(text(_PG_LOCK))
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def _sqlite_writers_queue(engine: Engine) -> Iterator[None]:
    """On an SQLite file, audit writers of all processes queue on a lock file first.

    SQLite's own busy handler polls with growing sleeps (up to 100 ms), which under
    steady writing from several server processes gives long waits; a kernel file lock
    wakes the next writer as soon as the lock is free. BEGIN IMMEDIATE still guards
    against writers that do not take this lock.

    Within a process the writers first take turns in the order they came (`Turns`):
    the kernel lock lets the thread that just released it take it again before a woken
    waiter runs, so under steady writing one thread would write act after act while
    others waited for hundreds of milliseconds (50 reservation threads: p50 10 ms, p95
    270-380 ms; in turns both ~70-150 ms).
    """
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    with _turns_of(database).turn(), open(f"{database}-audit.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_TURNS: weakref.WeakValueDictionary[str, Turns] = weakref.WeakValueDictionary()
_TURNS_LOCK = threading.Lock()


def _new_turns() -> None:
    # A forked child has only the forking thread: turns held or awaited by the others
    # would never be handed on there.
    global _TURNS, _TURNS_LOCK
    _TURNS = weakref.WeakValueDictionary()
    _TURNS_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_new_turns)


def _turns_of(database: str) -> Turns:
    """The writers' queue of this process for an SQLite file (one per name: two names
    of one file make two queues, and the kernel lock still keeps their writers apart)."""
    with _TURNS_LOCK:
        turns = _TURNS.get(database)
        if turns is None:
            turns = _TURNS[database] = Turns()
        return turns


def append_many(
    engine: Engine,
    builds: Sequence[Callable[[int, str], dict[str, Any]]],
    pending: PendingBuild | None = None,
) -> list[dict[str, Any]]:
    """Append one entry per `build`, in order, chained after the newest one, in one commit.

    Each `build` gets the next sequence number and the previous entry's hash and returns
    the fully computed entry (seq and both hashes included). With `pending`, every
    waiting entry committed so far (`add_pending`) is chained first, in the order it was
    written, built by `pending(fields, seq, previous)`, and leaves `audit_pending` in the
    same commit. Writers are serialised by a lock in this process and by a database lock
    across processes; should a writer in another process take the place all the same,
    the head is read again and the entries rebuilt. Returns the entries written.
    """
    for attempt in range(_ATTEMPTS):
        try:
            with _WRITE_LOCK, _sqlite_writers_queue(engine), engine.connect() as connection:
                _lock_log(connection)
                entries = _append(connection, builds, pending)
                connection.commit()
            return entries
        except (IntegrityError, OperationalError):
            if attempt == _ATTEMPTS - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _append(
    connection: Connection,
    builds: Sequence[Callable[[int, str], dict[str, Any]]],
    pending: PendingBuild | None = None,
) -> list[dict[str, Any]]:
    entries = []
    if pending is None:
        seq, previous = head_entry(connection)
    else:
        seq, previous, taken = _head_and_waiting(connection)
        for fields in sorted(taken, key=lambda row: int(row["id"])):
            del fields["id"]
            seq += 1
            entry = pending(fields, seq, previous)
            entries.append(entry)
            previous = entry["entry_hash"]
    for build in builds:
        seq += 1
        entry = build(seq, previous)
        entries.append(entry)
        previous = entry["entry_hash"]
    if entries:
        connection.execute(_insert_statement(), entries)
    return entries


def _head_and_waiting(connection: Connection) -> tuple[int, str, list[dict[str, Any]]]:
    """Under the chain's lock: its head, and the waiting entries, taken out of
    `audit_pending` (exactly those returned; a row committed meanwhile waits for the next
    step). On PostgreSQL in one statement (a round trip less on every chaining step)."""
    if connection.dialect.name != "postgresql":
        seq, previous = head_entry(connection)
        taking = delete(AuditPendingRow).returning(*AuditPendingRow.__table__.columns)
        return seq, previous, [dict(row._mapping) for row in connection.execute(taking)]
    rows = connection.execute(_head_and_taking_statement()).all()
    head_seq, head_hash = rows[0][:2]  # one row at least: the waiting ones, or none
    taken = [dict(row._mapping) for row in rows if row.id is not None]
    for fields in taken:
        del fields["head_seq"], fields["head_hash"]
    if head_seq is None:
        return 0, GENESIS_HASH, taken
    return int(head_seq), str(head_hash), taken


@cache
def _head_and_taking_statement() -> Any:
    # The DELETE runs (and its rows come back) once, whatever the outer query reads: a
    # WITH's data-modifying statement always runs to completion. One row at least (the
    # outer join of a single row), so that the head comes back with no entry waiting.
    newest = _head_statement()
    taken = delete(AuditPendingRow).returning(*AuditPendingRow.__table__.columns).cte("taken")
    one = select(literal(1).label("one")).subquery("one")
    return select(
        newest.with_only_columns(AuditEntryRow.__table__.c.seq).scalar_subquery().label("head_seq"),
        newest.with_only_columns(AuditEntryRow.__table__.c.entry_hash)
        .scalar_subquery()
        .label("head_hash"),
        *taken.c,
    ).select_from(one.outerjoin(taken, true()))


def add_pending(connection: Connection, entries: Sequence[dict[str, Any]]) -> None:
    """Write entries (their fields, not yet a place in the chain) in the caller's
    transaction, without the chain's lock: they commit or roll back with the act, and the
    next `append_many` with `pending` chains them."""
    transaction_write(connection, _pending_statement(), entries)


def has_pending(engine: Engine) -> bool:
    """Whether committed entries wait to be chained (e.g. left by a crashed process)."""
    with engine.connect() as connection:
        return connection.execute(select(AuditPendingRow.id).limit(1)).first() is not None


@contextmanager
def chained_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction that may append audit entries (`append_in`) with its own rows.

    Commits when the block ends, rolls back on an error: the rows and the entries
    recording them commit together or not at all. On SQLite the write lock is taken up
    front (BEGIN IMMEDIATE, after the kernel lock queue the audit writers share), so no
    other writer can move the chain's head before the commit; on PostgreSQL `append_in`
    takes the chain's advisory lock, held until the commit.
    """
    with _sqlite_writers_queue(engine), engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # Begun now, so that an ORM Session bound to the connection joins this
            # transaction (it would otherwise begin, and on close roll back, its own).
            connection.begin()
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        try:
            connection.commit()
        except BaseException:
            # A COMMIT that SQLite refuses (a deferred constraint) leaves its transaction
            # open: never hand that connection, the act still in it, to the next user.
            connection.invalidate()
            raise


def append_in(
    connection: Connection, builds: Sequence[Callable[[int, str], dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Append one entry per `build` in the caller's transaction (see `chained_transaction`).

    The chain's order is taken here: on PostgreSQL the advisory lock the group writer
    also takes (released by the caller's commit or rollback, so it is best called just
    before the commit), unless `try_chain_lock` took it already; on SQLite the
    transaction already holds the database's write lock. Returns the entries as
    written. Should another writer have appended all the same, the unique `seq` and
    `previous_hash` refuse the commit: the chain never forks.
    """
    if connection.dialect.name == "postgresql" and connection.get_transaction() not in _HOLDING:
        connection.execute(text(_PG_LOCK))
    return _append(connection, builds)


def try_chain_lock(connection: Connection) -> bool:
    """Take the chain's lock for the rest of the caller's transaction if nobody holds or
    waits for it; False (nothing taken, nothing waited for) otherwise.

    PostgreSQL: the advisory lock of `append_in` and the group writer, without waiting;
    held until the caller's commit or rollback, and `append_in` then appends at once.
    SQLite: the transaction of `chained_transaction` holds the write lock already: True.
    """
    if connection.dialect.name != "postgresql":
        return True
    if not connection.execute(text(_PG_TRY_LOCK)).scalar_one():
        return False
    transaction = connection.get_transaction()
    if transaction is not None:
        _HOLDING.add(transaction)
    return True


def iter_entries(engine: Engine, chunk_size: int = 5000) -> Generator[AuditEntry, None, None]:
    """Every entry, in chain order."""
    table = AuditEntryRow.__table__
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=chunk_size).execute(
            select(table).order_by(table.c.seq)
        )
        try:
            for row in result:
                yield _entry(row)
        finally:
            result.close()


def search_entries(
    engine: Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    object_id: str | None = None,
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """Entries matching the filters (`at` from `since`, before `before`), newest first,
    and how many match in all."""
    table = AuditEntryRow.__table__
    conditions: list[Any] = []
    if actor:
        # Part of the name, any case: the auditor need not know the exact internal id.
        escaped = actor.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(table.c.actor).like(f"%{escaped}%", escape="\\"))
    if action:
        conditions.append(table.c.action == action)
    if object_id:
        ids = table.c.object_ids
        conditions.append(
            or_(
                ids == object_id,
                ids.like(f"{object_id},%"),
                ids.like(f"%,{object_id}"),
                ids.like(f"%,{object_id},%"),
                # an export names its ids beside the chain (`zicht.store.audit_exports`)
                *(
                    [table.c.details[EXPORT_KEY].as_string().in_(exports_with(int(object_id)))]
                    if object_id.isdigit() and len(object_id) < 10
                    else []
                ),
            )
        )
    if since is not None:
        conditions.append(table.c.at >= since)
    if before is not None:
        conditions.append(table.c.at < before)
    statement = select(table).where(*conditions)
    with engine.connect() as connection:
        total = connection.execute(
            select(func.count()).select_from(table).where(*conditions)
        ).scalar_one()
        rows = connection.execute(
            statement.order_by(table.c.seq.desc()).limit(limit).offset(offset)
        ).all()
    return [_entry(row) for row in rows], int(total)


def logged_actions(engine: Engine) -> list[str]:
    """The distinct actions in the log."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntryRow.action).distinct().order_by(AuditEntryRow.action)
        ).scalars()
        return [str(r) for r in rows]
