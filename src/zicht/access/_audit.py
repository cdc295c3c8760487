"""The audit trail as a service: record an action, verify the chain, search it.

Every view, export or change of personal data and every change of accounts or
permissions goes through `log_action`, called after the change has committed (and
returning once the entry has committed: concurrent entries share one commit). An
entry names who, what, which records (ids only, never identity values), when, from
where and, where one was asked, the purpose. Entries form a hash chain; `verify`
recomputes it and reports the first entry that was altered, inserted or removed.
Entries that an act committed on PostgreSQL and that still wait for their place in the
chain (`zicht.access._audit_transaction`) are chained by the next group write, and
before the trail is read (`verify`, `search`), so that no reader misses one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import os
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine

from zicht.access._audit_writer import GroupWriter
from zicht.access._checkpoint import CHECKPOINT_EVERY, Checkpoint, CheckpointError, Checkpoints
from zicht.store.audit import (
    GENESIS_HASH,
    AuditEntry,
    append_many,
    has_pending,
    head_entry,
    iter_entries,
    logged_actions,
    search_entries,
)
from zicht.store.audit_exports import EXPORT_KEY, export_ids
from zicht.store.database import engine_beside
from zicht.store.models import utcnow

__all__ = [
    "EXPORT_KEY",
    "IDS_DIGEST",
    "AuditEntry",
    "AuditEvent",
    "ChainReport",
    "actions_logged",
    "chain_pending",
    "checkpoint_audit",
    "entry_hash",
    "ids_digest",
    "log_action",
    "log_action_async",
    "search",
    "verify",
]


@dataclass(frozen=True)
class AuditEvent:
    """What happened, before it gets its place in the chain."""

    actor: str
    action: str
    actor_kind: str = "user"
    actor_organisation: str | None = None
    object_type: str | None = None
    object_ids: Sequence[int | str] = ()
    purpose: str | None = None
    client: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


IDS_DIGEST = "ids_sha256"
"""The detail of an export's entry with the SHA-256 of its ids (`ids_digest`)."""


def ids_digest(ids: Sequence[int]) -> str:
    """SHA-256 (hex) of the ids joined with commas in their order: `1,2,3`."""
    return hashlib.sha256(",".join(str(int(i)) for i in ids).encode("ascii")).hexdigest()


def _canonical(values: dict[str, Any]) -> bytes:
    fields = {
        "seq": values["seq"],
        "at": values["at"].isoformat(timespec="microseconds"),
        "actor": values["actor"],
        "actor_kind": values["actor_kind"],
        "actor_organisation": values["actor_organisation"],
        "action": values["action"],
        "object_type": values["object_type"],
        "object_ids": values["object_ids"],
        "purpose": values["purpose"],
        "client": values["client"],
        "details": values["details"],
        "previous_hash": values["previous_hash"],
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(values: dict[str, Any]) -> str:
    """SHA-256 (hex) over the canonical JSON of an entry's fields and its previous hash."""
    return hashlib.sha256(_canonical(values)).hexdigest()


def entry_fields(event: AuditEvent, at: dt.datetime | None = None) -> dict[str, Any]:
    """The fields of `event`'s entry (at `at`, default now), without its place in the chain."""
    return {
        "at": at or utcnow(),
        "actor": event.actor[:80],
        "actor_kind": event.actor_kind,
        "actor_organisation": event.actor_organisation,
        "action": event.action,
        "object_type": event.object_type,
        "object_ids": ",".join(str(i) for i in event.object_ids) or None,
        "purpose": (event.purpose or None) and event.purpose[:400],
        "client": event.client[:64] if event.client else None,
        # Round-trip through JSON so that what is hashed is what the database returns.
        "details": json.loads(json.dumps(event.details, sort_keys=True, default=str)),
    }


def chain_values(fields: dict[str, Any], seq: int, previous: str) -> dict[str, Any]:
    """The entry of `fields` at place `seq` after `previous`, with its hash."""
    values = {**fields, "seq": seq, "previous_hash": previous}
    values["entry_hash"] = entry_hash(values)
    return values


def build_values(event: AuditEvent, seq: int, previous: str) -> dict[str, Any]:
    """The entry of `event` at place `seq` after `previous`, with its hash."""
    return chain_values(entry_fields(event), seq, previous)


def _writer(engine: Engine) -> GroupWriter[AuditEvent | None]:
    with _WRITERS_LOCK:
        writer = _WRITERS.get(engine)
        if writer is None:
            writer = _WRITERS[engine] = GroupWriter(partial(_append_events, engine))
    return writer


def _chain_engine(engine: Engine) -> Engine:
    """The engine the group writer appends with: on PostgreSQL one with a connection of
    its own, so that the chaining step never queues behind busy callers for one of the
    pool's connections (every act waits for that step). Disposed with `engine`."""
    if engine.dialect.name != "postgresql":
        return engine
    own, _ = engine_beside(engine, _CHAIN_ENGINES, pool_size=1, max_overflow=1)
    return own


def defers(engine: Engine | Connection) -> bool:
    """Whether acts on this engine leave their entries waiting in `audit_pending`."""
    return engine.dialect.name in _DEFERRING_DIALECTS


def _append_events(engine: Engine, events: list[AuditEvent | None]) -> None:
    # A batch chains the entries waiting in audit_pending first: the acts' entries, and
    # any a crashed process left behind. None asks for that alone; where acts do not
    # defer (SQLite) nothing waits, so only such an explicit request looks.
    sweep = defers(engine) or any(event is None for event in events)
    written = append_many(
        _chain_engine(engine),
        [partial(build_values, e) for e in events if e is not None],
        chain_values if sweep else None,
    )
    if written:
        try:
            advance_checkpoint(engine, written[0]["seq"], written[-1])
        except Exception as exc:  # the entries are written; the next checkpoint will do
            # (the type only: a message could carry a value)
            logging.getLogger(__name__).error(
                "audit checkpoint not written: %s", type(exc).__name__
            )


def chain_pending(engine: Engine) -> None:
    """Chain every entry committed so far and still waiting (`audited_transaction` on
    PostgreSQL); return once they are in the chain. One chaining step serves the
    concurrent callers of this process (the group writer)."""
    _writer(engine).submit(None).result()


def chain_busy(engine: Engine) -> bool:
    """Whether this process's group writer for `engine` is chaining or has work queued:
    then it holds the chain's lock or waits for it, and an act need not ask."""
    writer = _WRITERS.get(engine)
    return writer is not None and writer.busy


def _chain_before_reading(engine: Engine) -> None:
    # Readers of the trail see every committed entry: normally the act's caller has
    # chained it already; entries a crash left waiting are chained here.
    if has_pending(engine):
        chain_pending(engine)


def advance_checkpoint(engine: Engine, first: int, last: dict[str, Any]) -> None:
    """After entries `first`..`last` committed: checkpoint when they crossed a multiple of
    `CHECKPOINT_EVERY` (and `checkpoint_audit` set checkpoints up for `engine`)."""
    checkpoints = _CHECKPOINTS.get(engine)
    if (
        checkpoints is not None
        and last["seq"] // CHECKPOINT_EVERY > (first - 1) // CHECKPOINT_EVERY
    ):
        checkpoints.advance(engine, last["seq"], last["entry_hash"])


_WRITERS: weakref.WeakKeyDictionary[Engine, GroupWriter[AuditEvent | None]] = (
    weakref.WeakKeyDictionary()
)
_WRITERS_LOCK = threading.Lock()
# The engines whose acts leave their entries waiting for the chaining step
# (`zicht.access._audit_transaction`).
_DEFERRING_DIALECTS = frozenset({"postgresql"})
_CHAIN_ENGINES: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_CHECKPOINTS: weakref.WeakKeyDictionary[Engine, Checkpoints] = weakref.WeakKeyDictionary()


def checkpoint_audit(engine: Engine, checkpoints: Checkpoints) -> bool:
    """Checkpoint `engine`'s audit head now and every `CHECKPOINT_EVERY` entries from now on.

    Returns False when the checkpoint was refused (the chain lost the head recorded last:
    `verify` will say where).
    """
    _CHECKPOINTS[engine] = checkpoints
    _chain_before_reading(engine)
    with engine.connect() as connection:
        seq, head = head_entry(connection)
    return checkpoints.advance(engine, seq, head)


def _forget_writers() -> None:
    # A forked child has none of the parent's writer threads: start afresh.
    global _WRITERS_LOCK, _CHAIN_ENGINES
    _WRITERS.clear()
    _WRITERS_LOCK = threading.Lock()
    # Nor may it share the parent's connections.
    _CHAIN_ENGINES = weakref.WeakKeyDictionary()


os.register_at_fork(after_in_child=_forget_writers)


def log_action(engine: Engine, event: AuditEvent) -> None:
    """Append `event` to the chain; return once it has committed.

    Entries of concurrent callers in this process share one transaction (group commit,
    `zicht.access._audit_writer`); writers in other processes take their turn through the
    database lock of `append_many`.
    """
    _writer(engine).submit(event).result()


async def log_action_async(engine: Engine, event: AuditEvent) -> None:
    """`log_action` for code on the event loop: other requests go on while it waits."""
    await asyncio.wrap_future(_writer(engine).submit(event))


@dataclass(frozen=True)
class ChainReport:
    """The outcome of verifying the audit chain."""

    ok: bool
    entries: int
    head_hash: str
    first_broken_id: int | None = None
    first_broken_seq: int | None = None
    problem: str | None = None
    checkpoint_seq: int | None = None


def verify(
    engine: Engine, anchor: str | None = None, checkpoints: Checkpoints | None = None
) -> ChainReport:
    """Recompute the chain; report the first entry that does not fit.

    Args:
        engine: the application database.
        anchor: a head hash recorded earlier (e.g. printed by a previous verify); when
            given, the chain must still contain it, which detects removal of the newest
            entries as well.
        checkpoints: the signed checkpoint file (default: the one `checkpoint_audit`
            set up for `engine` in this process, if any); the chain must hold the head
            it recorded (removal of the newest entries, or an entry rewritten with
            every later hash, fails). An intact chain is checkpointed anew.
    """
    checkpoints = checkpoints or _CHECKPOINTS.get(engine)
    checkpoint = None
    if checkpoints is not None:
        try:
            checkpoint = checkpoints.read()
        except CheckpointError as exc:
            return ChainReport(False, 0, GENESIS_HASH, problem=f"checkpoint: {exc}")
    _chain_before_reading(engine)
    exports: list[AuditEntry] = []
    with closing(iter_entries(engine)) as entries:
        report = _walk(entries, anchor, checkpoint, exports)
    if report.ok:
        report = _check_exports(engine, exports, report)
    if report.ok and checkpoints is not None:
        checkpoints.advance(engine, report.entries, report.head_hash)
    return report


def _walk(
    entries: Iterator[AuditEntry],
    anchor: str | None,
    checkpoint: Checkpoint | None,
    exports: list[AuditEntry],
) -> ChainReport:
    previous = GENESIS_HASH
    count = 0
    anchor_seen = anchor is None
    mark = checkpoint.seq if checkpoint is not None else None
    for entry in entries:
        expected_seq = count + 1
        problem = None
        if entry.seq != expected_seq:
            problem = f"sequence number {entry.seq} where {expected_seq} was expected"
        elif entry.previous_hash != previous:
            problem = "previous hash does not match the entry before it"
        elif entry_hash(entry.chained_fields()) != entry.entry_hash:
            problem = "entry hash does not match its contents"
        elif (
            checkpoint is not None
            and entry.seq == mark
            and entry.entry_hash != checkpoint.head_hash
        ):
            problem = f"entry differs from the signed checkpoint of {checkpoint.at}"
        if problem is not None:
            return ChainReport(False, count, previous, entry.id, entry.seq, problem, mark)
        if isinstance(entry.details, dict) and EXPORT_KEY in entry.details:
            exports.append(entry)
        previous = entry.entry_hash
        anchor_seen = anchor_seen or previous == anchor
        count += 1
    if checkpoint is not None and count < checkpoint.seq:
        problem = (
            f"the chain ends at entry {count}, but the signed checkpoint of {checkpoint.at} "
            f"recorded {checkpoint.seq}: newest entries were removed"
        )
        return ChainReport(False, count, previous, None, None, problem, mark)
    if not anchor_seen:
        return ChainReport(
            False, count, previous, None, None, "the anchor hash is not in the chain", mark
        )
    return ChainReport(True, count, previous, checkpoint_seq=mark)


def _check_exports(engine: Engine, exports: list[AuditEntry], report: ChainReport) -> ChainReport:
    """The ids stored beside each export's entry must hash to the digest it chained."""
    with engine.connect() as connection:
        for entry in exports:
            ids = export_ids(connection, str(entry.details[EXPORT_KEY]))
            if ids_digest(ids) != entry.details.get(IDS_DIGEST):
                problem = "the exported record ids stored beside the entry do not match its digest"
                return ChainReport(
                    False,
                    entry.seq - 1,
                    entry.previous_hash,
                    entry.id,
                    entry.seq,
                    problem,
                    report.checkpoint_seq,
                )
    return report


def search(
    engine: Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    object_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """Entries matching the filters, newest first (typed rows), and how many match in all.

    `object_id` finds the entries naming that record id, and the exports whose ids
    (kept beside the chain, `AuditedTransaction.log_export`) contain it.
    """
    _chain_before_reading(engine)
    return search_entries(
        engine,
        actor=actor,
        action=action,
        object_id=object_id,
        since=dt.datetime.combine(since, dt.time()) if since else None,
        before=dt.datetime.combine(until + dt.timedelta(days=1), dt.time()) if until else None,
        limit=limit,
        offset=offset,
    )


def actions_logged(engine: Engine) -> list[str]:
    """The distinct actions in the log (for the search form)."""
    _chain_before_reading(engine)
    return logged_actions(engine)
