"""Validating and encoding chunks of a partner file in worker processes, in order.

The main process writes the encoded file; up to `workers` processes validate and
encode, at most `2 * workers` chunks in flight, so memory stays flat. A CSV file in
UTF-8, cp1252 or latin-1 is read by the workers themselves, a byte range of whole
records each time (`zicht.ingest._blocks`): the main process only plans the ranges
(about 0.7 us a row) and writes, where reading rows and sending them cost it about
15 us a row. Any other file (or one the plan declines) is read by the main process,
as ingest does (`zicht.ingest` workers), and its rows travel as plain tuples. Each
worker keeps its own encoder (its own cache of token positions; bit flipping draws
from its own random generator, seeded afresh from the operating system in each worker).

Workers are forked when that is safe (Linux, Python before 3.12, and no other thread
in this process but the native ones its imports start): a spawned worker first imports Zicht again,
about 2 CPU-seconds each, as much as encoding 15,000 rows; a forked one starts with
everything imported. Anywhere else they are spawned, as before. A worker moves what it
imported out of the garbage collector's sight (`gc.freeze`): its full collections
then look at the objects of the chunk at hand only, not at every imported module.
Encoding also collects the youngest generation less often (after 50,000 new objects, not
700; `fewer_collections`, in the workers and around `encode_file`'s loop): a chunk
allocates a few hundred thousand objects that live until its lines are written, and at
the default every one of them was looked at several times (about 6 us a row, 5% of a
worker's time).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from multiprocessing.context import BaseContext
from typing import Any

from zicht.ingest import CsvBlock, CsvPlan, Mapping, RawRow, die_with_parent, read_csv_block
from zicht.pprl._bloom import Encoder, Hardening
from zicht.pprl._encode import ChunkEncoder, EncodedChunk
from zicht.pprl._secret import LinkageSecret
from zicht.pprl._threads import new_threads

__all__ = ["encoded_chunks", "fewer_collections"]

_worker: ChunkEncoder | None = None
_plan: CsvPlan | None = None  # the file a worker reads its own blocks of
# Allocations between collections of the youngest generation while encoding (default 700).
_YOUNG_THRESHOLD = 50_000


# The thresholds are the process's: nested or overlapping uses (threads) are counted,
# and the first one's thresholds come back when the last one ends.
_collections_lock = threading.Lock()
_collections_users = 0
_collections_before: tuple[int, ...] = ()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect the youngest generation after `_YOUNG_THRESHOLD` allocations, not 700
    (the older generations' thresholds as they were; off stays off); restored afterwards."""
    global _collections_users, _collections_before
    with _collections_lock:
        if _collections_users == 0:
            _collections_before = gc.get_threshold()
            if _collections_before[0]:
                gc.set_threshold(
                    max(_collections_before[0], _YOUNG_THRESHOLD), *_collections_before[1:]
                )
        _collections_users += 1
    try:
        yield
    finally:
        with _collections_lock:
            _collections_users -= 1
            if _collections_users == 0:
                gc.set_threshold(*_collections_before)


_Wire = list[tuple[int, dict[str, Any], str | None, str | None]]


def _start_worker(
    parent: int,
    mapping: Mapping,
    source: str,
    secret: LinkageSecret,
    hardening: Hardening,
    plan: CsvPlan | None = None,
) -> None:
    global _worker, _plan
    die_with_parent(parent)
    _worker = ChunkEncoder(mapping, source, Encoder(secret, hardening))
    _plan = plan
    # Everything so far lives as long as the worker: never garbage, so never scanned.
    gc.freeze()
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], _YOUNG_THRESHOLD), *threshold[1:])  # the worker's own


def _encode_in_worker(rows: _Wire) -> EncodedChunk:
    assert _worker is not None
    return _worker.encode([RawRow(*row) for row in rows])


def _encode_block_in_worker(block: CsvBlock) -> tuple[int, EncodedChunk]:
    assert _worker is not None
    assert _plan is not None
    rows = read_csv_block(_plan, block)
    return len(rows), _worker.encode(rows)


def worker_context() -> BaseContext:
    """Fork when it is safe and cheaper, else spawn (see the module's docstring).

    Forking a process that runs other threads can deadlock the child (a lock held by
    another thread at the fork stays held); from 3.12 Python warns about any fork of a
    process with threads, so there workers are always spawned. `threading` sees Python's
    own threads only; native ones started since Zicht was imported (DuckDB running a
    query, a driver's pool) are seen in the kernel's list (`zicht.pprl._threads`).
    """
    if (
        sys.platform.startswith("linux")
        and sys.version_info < (3, 12)
        and threading.active_count() == 1
        and not new_threads()
    ):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _batches(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def encoded_chunks(
    rows: Iterator[RawRow],
    local: ChunkEncoder,
    *,
    mapping: Mapping,
    source: str,
    secret: LinkageSecret,
    hardening: Hardening,
    workers: int = 1,
    chunk_size: int = 10_000,
    plan: CsvPlan | None = None,
) -> Iterator[tuple[int, EncodedChunk]]:
    """(rows in the chunk, the chunk encoded) for each chunk, in file order.

    With one worker `local` encodes in this process. With more and a `plan` of the
    file's blocks (`zicht.ingest._blocks`), each worker reads its blocks itself and
    `rows` is not read.
    """
    if workers <= 1:
        for batch in _batches(rows, chunk_size):
            yield len(batch), local.encode(batch)
        return
    context = worker_context()
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), mapping, source, secret, hardening, plan),
    ) as pool:
        if plan is not None:
            yield from _in_order(pool, plan.blocks, workers)
            return
        pending: deque[tuple[int, Future[EncodedChunk]]] = deque()
        for batch in _batches(rows, chunk_size):
            wire = [(row.number, row.cells, row.unreadable, row.column) for row in batch]
            pending.append((len(batch), pool.submit(_encode_in_worker, wire)))
            if len(pending) >= 2 * workers:
                size, future = pending.popleft()
                yield size, future.result()
        while pending:
            size, future = pending.popleft()
            yield size, future.result()


def _in_order(
    pool: ProcessPoolExecutor, blocks: tuple[CsvBlock, ...], workers: int
) -> Iterator[tuple[int, EncodedChunk]]:
    """The blocks encoded by the workers, in file order, at most `2 * workers` in flight."""
    pending: deque[Future[tuple[int, EncodedChunk]]] = deque()
    for block in blocks:
        pending.append(pool.submit(_encode_block_in_worker, block))
        if len(pending) >= 2 * workers:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
