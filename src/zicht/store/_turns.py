"""A lock whose waiters get it in the order they asked: first come, first served.

A plain `threading.Lock` (and a kernel file lock) lets the thread that just released it
take it again before a waiter has woken up: under a closed loop of many writers that
thread runs its next act at once, again and again, while the others wait for hundreds
of milliseconds. `Turns` hands the lock over to the longest waiter instead.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Turns"]


class Turns:
    """One holder at a time; on release the lock goes to the thread that waited longest."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Lock] = deque()

    @property
    def waiting(self) -> int:
        """How many threads wait for their turn."""
        return len(self._waiting)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the lock for the block, after everyone who asked before."""
        self._acquire()
        try:
            yield
        finally:
            self._release()

    def _acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            baton = threading.Lock()
            baton.acquire()
            self._waiting.append(baton)
        try:
            baton.acquire()  # released by the holder that hands the lock to us
        except BaseException:  # interrupted while waiting: give up the place, or the turn
            with self._mutex:
                if baton in self._waiting:
                    self._waiting.remove(baton)
                    raise
            self._release()  # the turn was handed to us meanwhile: pass it on
            raise

    def _release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()  # still held: now by that waiter
            else:
                self._held = False
