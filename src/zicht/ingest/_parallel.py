"""Preparing chunks of rows in worker processes, in order, with bounded memory.

The main process reads the file and writes to the store; up to `workers` processes
validate, encrypt and hash. At most `2 * workers` chunks are in flight, so memory stays
flat however large the file is. With one worker everything runs in this process.
Rows travel to the workers as plain tuples: pickling those stays in C, where pickling
dataclass instances calls back into Python for every row.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from zicht.ingest._mapping import Mapping
from zicht.ingest._prepare import PreparedChunk, Preparer
from zicht.ingest._readers import RawRow
from zicht.privacy import Cipher

__all__ = ["die_with_parent", "prepared_chunks"]

_PR_SET_PDEATHSIG = 1
_preparer: Preparer | None = None
_Wire = list[tuple[int, dict[str, Any], str | None, str | None]]


def _die_with(parent: int) -> None:
    """Let the kernel kill this worker when the ingest process dies, even by kill -9.

    Without it a killed `zicht ingest` leaves its workers, and through them the
    multiprocessing resource tracker, running. Linux only (prctl); elsewhere workers
    end when they next find the pool's pipe closed.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


die_with_parent = _die_with


def _start_worker(parent: int, mapping: Mapping, source: str, cipher: Cipher, dialect: str) -> None:
    global _preparer
    _die_with(parent)
    _preparer = Preparer(mapping, source, cipher, dialect)


def _prepare_in_worker(rows: _Wire) -> PreparedChunk:
    assert _preparer is not None
    return _preparer.prepare([RawRow(*row) for row in rows])


def _batches(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def prepared_chunks(
    rows: Iterator[RawRow],
    *,
    mapping: Mapping,
    source: str,
    cipher: Cipher,
    dialect: str,
    workers: int = 1,
    chunk_size: int = 1000,
) -> Iterator[tuple[list[RawRow], PreparedChunk]]:
    """Each chunk of raw rows with its prepared form, in file order."""
    if workers <= 1:
        preparer = Preparer(mapping, source, cipher, dialect)
        for batch in _batches(rows, chunk_size):
            yield batch, preparer.prepare(batch)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), mapping, source, cipher, dialect),
    ) as pool:
        pending: deque[tuple[list[RawRow], Future[PreparedChunk]]] = deque()
        for batch in _batches(rows, chunk_size):
            wire = [(row.number, row.cells, row.unreadable, row.column) for row in batch]
            pending.append((batch, pool.submit(_prepare_in_worker, wire)))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
