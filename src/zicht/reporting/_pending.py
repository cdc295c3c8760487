"""A receipt's slow derivation after the report is acknowledged, off the request path.

A submission must be quick when many people send at once, and the receipt's argon2id
(docs/reporting.md, "Cost of a receipt") is most of its cost. So a report is filed
*pending*: its content is sealed to the organisation as always, and what the receipt
needs later (the receipt, the extra password and the first message's text) is one
sealed box to the server's own pending key (derived from the pepper, itself derived
from Zicht's key). The row is committed before the receipt is shown, so an
acknowledged report survives a killed server. Afterwards `finish_pending` derives the
receipt's keys, gives the row its real lookup and the reporter's public key, reseals
every message of the conversation to that key, and drops the sealed receipt. While a
report is pending:

- `lookup` is `pending:` and 32 hex digits of a keyed hash of the receipt (HMAC-SHA256
  with a key derived from the pepper, domain-separated; a real lookup is 64 hex digits),
  so the reporter's visit finds its pending report with one indexed read and a wrong
  receipt opens nothing; the real lookup replaces it when the report is finished;
- `reporter_key` is the server's pending public key, so a staff answer written in the
  meantime is sealed to it and resealed to the reporter when the report is finished;
- the first message's `for_reporter` is the sealed box (receipt, extra password, text).

Who finishes: the process that filed it, on a thread of lower priority
(`PendingFinisher`, started with the web app); any process at start and every minute
for reports left pending by a killed one; and the reporter's own visit, which derives
the keys anyway and finishes its report if nothing else has yet. The background
finishers claim a report before deriving it (`claimed_by`/`claimed_at`, one atomic
UPDATE, migration 0020), so of several processes only one derives it; a claim older
than `CLAIM_LEASE` counts as abandoned (its process was killed) and may be taken again.
A claim whose report was not finished (it could not be opened or resealed, or the batch
failed) is released at the end of its batch, so the next sweep retries it at once.
The visit claims nothing: it has derived the keys already and just writes them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from nacl.public import PrivateKey
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from zicht.reporting._policy import ReportingPolicy
from zicht.reporting._sealing import ReceiptKeys, open_sealed, receipt_keys, seal
from zicht.store import reporting as store

__all__ = [
    "PENDING_PREFIX",
    "PendingFinisher",
    "finish_own_report",
    "finish_pending",
    "pending_lookup",
    "pending_private_key",
    "seal_pending",
]

log = logging.getLogger(__name__)

PENDING_PREFIX = "pending:"
BATCH = 32  # derivations claimed, and written, in one transaction each
# Seconds after which a claim counts as abandoned. A batch's claims are written off
# when its derivations are (32 at ~15 ms a core on a quiet machine, ~0.5 s); the lease
# allows that more than 200 times over, for a lowest-priority thread on a loaded machine,
# and delays the sweep of a killed process's claimed reports by as long.
CLAIM_LEASE = 120.0


def pending_private_key(policy: ReportingPolicy) -> PrivateKey:
    """The server's key for pending receipts (BLAKE2b keyed with the pepper)."""
    return _pending_key(policy.pepper)


@functools.lru_cache(maxsize=4)
def _pending_key(pepper: bytes) -> PrivateKey:
    seed = hashlib.blake2b(b"zicht/meld/pending/v1", key=pepper, digest_size=32).digest()
    return PrivateKey(seed)


def pending_lookup(policy: ReportingPolicy, receipt: str) -> str:
    """The stand-in lookup of a report whose receipt is not derived yet: `pending:` and
    a keyed hash of the (normalised) receipt, unique as the receipt is. It names no
    passphrase, and without the pepper it says nothing of the receipt."""
    digest = hmac.new(_index_key(policy.pepper), receipt.encode(), hashlib.sha256)
    return PENDING_PREFIX + digest.hexdigest()[:32]


@functools.lru_cache(maxsize=4)
def _index_key(pepper: bytes) -> bytes:
    return hashlib.blake2b(b"zicht/meld/pending-index/v1", key=pepper, digest_size=32).digest()


def seal_pending(server_public: bytes, receipt: str, passphrase: str, text: str) -> bytes:
    """What finishing a report needs, sealed to the server's pending key."""
    body = {"receipt": receipt, "passphrase": passphrase, "text": text}
    return seal(server_public, json.dumps(body, ensure_ascii=False).encode())


@dataclass(frozen=True)
class _Opened:
    report_id: int
    placeholder: str
    receipt: str
    passphrase: str


def _open(server: PrivateKey, row: store.PendingRow) -> _Opened | None:
    """The row's sealed receipt, or None (logged by report id only) when it cannot be
    opened: one bad row must not stop the others from being finished."""
    try:
        body = json.loads(open_sealed(server, row.sealed))
        return _Opened(row.report_id, row.lookup, body["receipt"], body["passphrase"])
    except Exception as exc:  # any failure: skip the row, keep going
        # Only the id and the type: a message could carry a value.
        log.error("pending report %d cannot be opened: %s", row.report_id, type(exc).__name__)
        return None


def _complete(
    engine: Engine, server: PrivateKey, done: Sequence[tuple[_Opened, ReceiptKeys]]
) -> int:
    """Write derived keys in one short transaction (no slow work inside); how many
    reports this call finished (another process may have finished some first)."""
    finished = 0
    with Session(engine) as session, session.begin():
        for opened, keys in done:
            reporter = bytes(keys.public_key)
            # The row's update comes first: it takes the write lock (SQLite) or the row
            # lock (PostgreSQL) before the messages are read, so no answer slips in
            # sealed to the pending key after they were resealed.
            if not store.finish_pending_report(
                session, opened.report_id, opened.placeholder, keys.lookup, reporter
            ):
                continue
            messages = store.messages_of(session, opened.report_id)
            for index, message in enumerate(messages):
                plain = open_sealed(server, message.for_reporter)
                text = json.loads(plain)["text"].encode() if index == 0 else plain
                store.reseal_message(session, message.id, seal(reporter, text))
            finished += 1
    return finished


def _new_claimant() -> str:
    """A random name for this process's claims: nothing of the host or the reporter."""
    return secrets.token_hex(8)


_CLAIMANT = _new_claimant()


def _forget_claimant() -> None:
    global _CLAIMANT  # a forked child is another claimant
    _CLAIMANT = _new_claimant()


os.register_at_fork(after_in_child=_forget_claimant)


def _claim(
    engine: Engine, rows: Sequence[store.PendingRow], claimant: str, lease: float
) -> set[int]:
    with Session(engine) as session, session.begin():
        return store.claim_pending(session, [row.lookup for row in rows], claimant, lease)


def finish_pending(
    engine: Engine,
    policy: ReportingPolicy,
    report_ids: Sequence[int] | None = None,
    *,
    older_than: float | None = None,
    claimant: str | None = None,
    lease: float = CLAIM_LEASE,
) -> int:
    """Derive the receipts of pending reports (those of `report_ids`, or every one, or
    those filed more than `older_than` seconds ago); how many this call finished.

    The rows are claimed `BATCH` at a time (for `claimant`, default this process)
    before their derivations, in one short transaction: a report finished meanwhile, or
    claimed by another caller less than `lease` seconds ago, is skipped, so of callers
    racing for a report exactly one derives it. The derivations run outside any
    transaction; their results are written a batch at a time. A sweep takes its rows in
    random order, so processes sweeping at once claim different batches.
    """
    server = pending_private_key(policy)
    with Session(engine) as session:
        rows = store.pending_reports(session, PENDING_PREFIX, report_ids, older_than)
    if report_ids is None:
        secrets.SystemRandom().shuffle(rows)
    finished = 0
    claimant = claimant or _CLAIMANT
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        claimed = _claim(engine, batch, claimant, lease)
        try:
            finished += _derive(engine, server, policy, batch, claimed)
        finally:
            # Finishing a report drops its claim; the claims of those not finished (not
            # opened, not resealed, or an error) go too, so the next sweep retries them
            # at once rather than after the lease.
            _release(engine, claimed, claimant)
    return finished


def _derive(
    engine: Engine,
    server: PrivateKey,
    policy: ReportingPolicy,
    batch: Sequence[store.PendingRow],
    claimed: set[int],
) -> int:
    done = []
    for row in batch:
        if row.report_id not in claimed:
            continue  # finished since the list was read, or another caller's
        opened = _open(server, row)
        if opened is not None:
            keys = receipt_keys(opened.receipt, opened.passphrase, policy.pepper)
            done.append((opened, keys))
    try:
        return _complete(engine, server, done)
    except SQLAlchemyError:
        raise  # the database: the sweep or a visit retries later
    except Exception:  # a report whose messages cannot be resealed
        return sum(_complete_one(engine, server, item) for item in done)


def _release(engine: Engine, claimed: set[int], claimant: str) -> None:
    try:
        with Session(engine) as session, session.begin():
            store.release_claims(session, claimed, claimant)
    except SQLAlchemyError as exc:  # the lease ends them anyway; never mask the error
        log.error("pending report claims not released: %s", type(exc).__name__)


def _complete_one(engine: Engine, server: PrivateKey, item: tuple[_Opened, ReceiptKeys]) -> int:
    """`_complete` of one report, its failure logged (id only) and skipped."""
    try:
        return _complete(engine, server, [item])
    except SQLAlchemyError:
        raise
    except Exception as exc:  # logged and skipped
        log.error("pending report %d cannot be finished: %s", item[0].report_id, type(exc).__name__)
        return 0


def finish_own_report(
    engine: Engine, policy: ReportingPolicy, receipt: str, passphrase: str, keys: ReceiptKeys
) -> bool:
    """On a visit whose lookup found nothing: finish the pending report of this receipt
    and passphrase with the keys the visit derived; False when there is none.

    The pending report is found by its keyed hash of the receipt (one indexed read), so
    a wrong receipt opens no sealed box at all, and a right one opens only its own."""
    server = pending_private_key(policy)
    with Session(engine) as session:
        row = store.pending_report_by_lookup(session, pending_lookup(policy, receipt))
    opened = None if row is None else _open(server, row)
    if opened is None:
        return False
    same = hmac.compare_digest(opened.receipt.encode(), receipt.encode())
    if same and hmac.compare_digest(opened.passphrase.encode(), passphrase.encode()):
        _complete(engine, server, [(opened, keys)])
        return True
    return False


def _lower_priority(steps: int) -> None:
    """Lower this thread's CPU priority (Linux nice is per thread); ignored elsewhere."""
    with contextlib.suppress(AttributeError, OSError):
        thread = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + steps))


class PendingFinisher:
    """Finishes the reports a server process files, after they are acknowledged.

    One thread per process, `nice` steps below the request handlers (Linux's lowest
    priority by default). It starts deriving once no report has come for `lull` seconds
    (or `max_wait` seconds after the first waiting one), so a burst of submissions is
    answered first and derived afterwards. At start, and when idle for
    `sweep_every` seconds, it also finishes reports pending for more than `sweep_after`
    seconds (left by a process that was killed).
    """

    def __init__(
        self,
        engine: Engine,
        policy: ReportingPolicy,
        *,
        nice: int = 19,
        sweep_every: float = 60.0,
        sweep_after: float = 30.0,
        lull: float = 0.2,
        max_wait: float = 5.0,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._nice = nice
        self._sweep_every = sweep_every
        self._sweep_after = sweep_after
        self._lull = lull
        self._max_wait = max_wait
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (it first finishes whatever is pending)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="zicht-meld-finisher", daemon=True
            )
            self._thread.start()

    def notify(self, report_id: int) -> None:
        """A report was filed here; finished soon when the thread runs (else by a sweep
        or the reporter's visit)."""
        if self._thread is not None:
            self._queue.put(report_id)

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what was notified, then end the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        _lower_priority(self._nice)
        self._safely(None, None)
        last_sweep = time.monotonic()
        while True:
            try:
                first = self._queue.get(timeout=self._sweep_every)
            except queue.Empty:
                first = -1
            if time.monotonic() - last_sweep >= self._sweep_every:
                self._safely(None, self._sweep_after)
                last_sweep = time.monotonic()
            if first == -1:
                continue
            ids: list[int] = []
            ending = first is None
            if first is not None:
                ids.append(first)
            # Wait for a lull (or at most `max_wait`): a burst is answered first, and
            # its reports are then derived together.
            until = time.monotonic() + self._max_wait
            while not ending:
                try:
                    more = self._queue.get(timeout=min(self._lull, until - time.monotonic()))
                except (queue.Empty, ValueError):  # ValueError: the deadline has passed
                    break
                if more is None:
                    ending = True
                else:
                    ids.append(more)
            if ids:
                self._safely(ids, None)
            if ending:
                return

    def _safely(self, ids: list[int] | None, older_than: float | None) -> None:
        try:
            finish_pending(self._engine, self._policy, ids, older_than=older_than)
        except Exception as exc:  # the thread must go on; a sweep or a visit retries
            # Only the type: a message could carry a value.
            log.error("finishing pending reports failed: %s", type(exc).__name__)
