"""Audit entries that commit with the act they record: one transaction, one commit.

A workflow that writes its own rows opens `audited_transaction`, writes through its
`connection` and records what it did with `log`; when the block ends the entries are
written in the same transaction and everything commits at once. An act that fails
leaves no entry, and no entry is written without its act. Page views, which write
nothing of their own, keep the group writer (`log_action`).

Where the entries go before the commit depends on the engine:

- SQLite: straight into the chain (`zicht.store.audit.append_in`). The transaction holds
  the database's only write lock from its start anyway, so chaining costs nothing more.
- PostgreSQL: straight into the chain as well when the chain's lock is free at that
  moment (`try_chain_lock`, which never waits; not even asked while this process's
  group writer is chaining or has callers queued): the lock is then held only for the
  entries' insert and the commit, and the act costs one commit. When another writer
  holds the lock or waits for it, the act does not queue behind it: its entries go to
  `audit_pending` (`add_pending`), without the lock, so that concurrent acts commit side
  by side. After the commit the caller waits for the process's group writer, which
  chains every waiting entry, in the order written, in one commit for many callers
  (`chain_pending`). The block thus returns with its entries in the chain either way;
  should the chaining fail (or the process die first), the entries are safe in
  `audit_pending` and the next chaining step, or the next reader of the trail, chains
  them.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine

from zicht.access._audit import (
    EXPORT_KEY,
    IDS_DIGEST,
    AuditEvent,
    advance_checkpoint,
    build_values,
    chain_busy,
    chain_pending,
    defers,
    entry_fields,
    ids_digest,
)
from zicht.store.audit import add_pending, append_in, chained_transaction, try_chain_lock
from zicht.store.audit_exports import write_export_ids

__all__ = ["AuditedTransaction", "audited_transaction"]


@dataclass
class AuditedTransaction:
    """The caller's transaction: write through `connection`, record the act with `log`."""

    connection: Connection
    _events: list[AuditEvent] = field(default_factory=list)
    _engine: Engine | None = None
    _written: list[dict[str, Any]] = field(default_factory=list)

    def log(self, event: AuditEvent) -> None:
        """Record `event`; it is written with the act just before the commit."""
        self._events.append(event)

    def log_export(self, event: AuditEvent, ids: Sequence[int]) -> str:
        """Record an export of the records `ids` (in the file's order) with `event`.

        The entry chains a new random export key, the number of ids and their digest
        (`ids_digest`); the ids go beside the chain (`zicht.store.audit_exports`) in this
        transaction. `verify` rehashes them, the search finds the export by any of them.
        Returns the export key.
        """
        key = uuid.uuid4().hex
        write_export_ids(self.connection, key, ids)
        details = {**event.details, EXPORT_KEY: key, "rows": len(ids), IDS_DIGEST: ids_digest(ids)}
        self.log(dataclasses.replace(event, details=details))
        return key

    @property
    def logged(self) -> int:
        """How many entries wait for the commit."""
        return len(self._events)

    def checkpoint(self) -> None:
        """After the commit, of a block opened with `checkpoint_later`: the checkpoint
        step its entries are due (`advance_checkpoint`); never raises."""
        if self._engine is not None and self._written:
            _checkpoint(self._engine, self._written)
            self._written = []


def _checkpoint(engine: Engine, written: list[dict[str, Any]]) -> None:
    try:
        advance_checkpoint(engine, written[0]["seq"], written[-1])
    except Exception as exc:  # the act and its entries are committed: never fail it
        # now (a caller would retry an act already done); the next checkpoint will do.
        # The type only: a message could carry a value.
        logging.getLogger(__name__).error("audit checkpoint not written: %s", type(exc).__name__)


def _chain_free(engine: Engine, connection: Connection) -> bool:
    # While this process's group writer chains (or has callers queued) it holds the
    # chain's lock or waits for it: the act waits beside it without asking the database.
    return not chain_busy(engine) and try_chain_lock(connection)


@contextmanager
def audited_transaction(
    engine: Engine, *, batched: bool = False, checkpoint_later: bool = False
) -> Iterator[AuditedTransaction]:
    """A write transaction whose audit entries commit with it (or roll back with it).

    Returns once the act has committed and its entries are in the chain. Raises what
    the block raises (nothing committed); nothing after the commit raises (a failed
    chaining or checkpoint step is logged, by type only, and done later).

    Args:
        batched: the caller batches many acts in one transaction from one thread per
            process (notice intake): its entries are chained within the transaction on
            PostgreSQL too. The chain's lock is then held for the end of the transaction,
            but by few writers, and each batch saves the chaining step's own commit.
        checkpoint_later: the checkpoint step (a signed file written every
            `CHECKPOINT_EVERY` entries, after reading the chain's last recorded head)
            is left to the caller's `AuditedTransaction.checkpoint`, called once its
            callers are answered (the notice intake's writer: not on a notice's path).
    """
    written: list[dict[str, Any]] = []
    deferred = False
    with chained_transaction(engine) as connection:
        transaction = AuditedTransaction(connection, _engine=engine)
        yield transaction
        if transaction._events:
            if batched or not defers(connection) or _chain_free(engine, connection):
                written = append_in(
                    connection, [partial(build_values, event) for event in transaction._events]
                )
            else:  # another writer has the chain: wait beside it, chained after the commit
                add_pending(connection, [entry_fields(event) for event in transaction._events])
                deferred = True
    if deferred:
        try:
            chain_pending(engine)
        except Exception as exc:  # the act and its entries are committed: chained later
            logging.getLogger(__name__).error(
                "audit entries committed but not chained yet: %s", type(exc).__name__
            )
    if written:
        transaction._written = written
        if not checkpoint_later:
            transaction.checkpoint()
