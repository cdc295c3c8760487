"""Audit entries that commit with the act they record: one transaction, one commit.

A workflow that writes its own rows opens `audited_transaction`, writes through its
`connection` and records what it did with `log`; when the block ends the entries are
appended to the chain (ordered by the chain's lock, see `zicht.store.audit.append_in`)
and everything commits at once. An act that fails leaves no entry, and no entry is
written without its act. Page views, which write nothing of their own, keep the group
writer (`log_action`).
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
    ids_digest,
)
from zicht.store.audit import append_in, chained_transaction
from zicht.store.audit_exports import write_export_ids

__all__ = ["AuditedTransaction", "audited_transaction"]


@dataclass
class AuditedTransaction:
    """The caller's transaction: write through `connection`, record the act with `log`."""

    connection: Connection
    _events: list[AuditEvent] = field(default_factory=list)

    def log(self, event: AuditEvent) -> None:
        """Record `event`; it is appended to the chain just before the commit."""
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


@contextmanager
def audited_transaction(engine: Engine) -> Iterator[AuditedTransaction]:
    """A write transaction whose audit entries commit with it (or roll back with it).

    The entries are chained at the end of the block, so the chain's lock is held only
    for the append and the commit. Raises what the block raises (nothing committed).
    """
    written: list[dict[str, Any]] = []
    with chained_transaction(engine) as connection:
        transaction = AuditedTransaction(connection)
        yield transaction
        if transaction._events:
            written = append_in(
                connection, [partial(build_values, event) for event in transaction._events]
            )
    if written:
        try:
            advance_checkpoint(engine, written[0]["seq"], written[-1])
        except OSError as exc:  # the entries are written; the next checkpoint will do
            logging.getLogger(__name__).error("audit checkpoint not written: %s", exc)
