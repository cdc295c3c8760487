"""The audit trail as a service: record an action, verify the chain, search it.

Every view, export or change of personal data and every change of accounts or
permissions goes through `log_action`, called after the change has committed (and
returning once the entry has committed: concurrent entries share one commit). An
entry names who, what, which records (ids only, never identity values), when, from
where and, where one was asked, the purpose. Entries form a hash chain; `verify`
recomputes it and reports the first entry that was altered, inserted or removed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Engine

from zicht.access._audit_writer import GroupWriter
from zicht.store.audit import (
    GENESIS_HASH,
    append_many,
    iter_entries,
    logged_actions,
    search_entries,
)
from zicht.store.models import utcnow

__all__ = [
    "AuditEvent",
    "ChainReport",
    "actions_logged",
    "entry_hash",
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


def _values(event: AuditEvent, seq: int, previous: str) -> dict[str, Any]:
    ids = ",".join(str(i) for i in event.object_ids) or None
    values: dict[str, Any] = {
        "seq": seq,
        "at": utcnow(),
        "actor": event.actor[:80],
        "actor_kind": event.actor_kind,
        "actor_organisation": event.actor_organisation,
        "action": event.action,
        "object_type": event.object_type,
        "object_ids": ids,
        "purpose": (event.purpose or None) and event.purpose[:400],
        "client": event.client[:64] if event.client else None,
        # Round-trip through JSON so that what is hashed is what the database returns.
        "details": json.loads(json.dumps(event.details, sort_keys=True, default=str)),
        "previous_hash": previous,
    }
    values["entry_hash"] = entry_hash(values)
    return values


def _writer(engine: Engine) -> GroupWriter[AuditEvent]:
    with _WRITERS_LOCK:
        writer = _WRITERS.get(engine)
        if writer is None:
            writer = _WRITERS[engine] = GroupWriter(partial(_append_events, engine))
    return writer


def _append_events(engine: Engine, events: list[AuditEvent]) -> None:
    append_many(engine, [partial(_values, event) for event in events])


_WRITERS: weakref.WeakKeyDictionary[Engine, GroupWriter[AuditEvent]] = weakref.WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


def _forget_writers() -> None:
    # A forked child has none of the parent's writer threads: start afresh.
    global _WRITERS_LOCK
    _WRITERS.clear()
    _WRITERS_LOCK = threading.Lock()


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


def verify(engine: Engine, anchor: str | None = None) -> ChainReport:
    """Recompute the chain; report the first entry that does not fit.

    Args:
        engine: the application database.
        anchor: a head hash recorded earlier (e.g. printed by a previous verify); when
            given, the chain must still contain it, which detects removal of the newest
            entries as well.
    """
    with closing(iter_entries(engine)) as entries:
        return _walk(entries, anchor)


def _walk(entries: Iterator[dict[str, Any]], anchor: str | None) -> ChainReport:
    previous = GENESIS_HASH
    count = 0
    anchor_seen = anchor is None
    for entry in entries:
        expected_seq = count + 1
        problem = None
        if entry["seq"] != expected_seq:
            problem = f"sequence number {entry['seq']} where {expected_seq} was expected"
        elif entry["previous_hash"] != previous:
            problem = "previous hash does not match the entry before it"
        elif entry_hash(entry) != entry["entry_hash"]:
            problem = "entry hash does not match its contents"
        if problem is not None:
            return ChainReport(False, count, previous, entry["id"], entry["seq"], problem)
        previous = entry["entry_hash"]
        anchor_seen = anchor_seen or previous == anchor
        count += 1
    if not anchor_seen:
        return ChainReport(
            False, count, previous, None, None, "the anchor hash is not in the chain"
        )
    return ChainReport(True, count, previous)


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
) -> tuple[list[dict[str, Any]], int]:
    """Entries matching the filters, newest first, and how many match in all."""
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
    return logged_actions(engine)
