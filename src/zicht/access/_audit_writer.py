"""Group commit: one writer thread per database appends the audit entries of many callers.

Callers queue an entry and wait for its future; the writer takes everything queued so
far and appends it in one transaction, in arrival order, then resolves each future
(with the exception when the write failed). A caller therefore returns only once its
own entry has committed, and a burst of page views costs one commit instead of one
each. Pages served on the event loop await the future without holding up other
requests. The thread ends after a few idle seconds and starts again when needed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

__all__ = ["GroupWriter"]

T = TypeVar("T")
_IDLE_SECONDS = 5.0


class GroupWriter(Generic[T]):
    """Writes queued items in batches with `write` on a thread of its own."""

    def __init__(
        self,
        write: Callable[[list[T]], Callable[[], None] | None],
        idle: float = _IDLE_SECONDS,
        most: int | None = None,
    ) -> None:
        """`most`: the largest batch (None: everything queued), so that one batch holds
        the database's write lock for a bounded time and the first callers of a
        backlog are answered before the rest is written. `write` may return a step to
        run once the batch's callers are answered (follow-up work off their path)."""
        self._write = write
        self._idle = idle
        self._most = most
        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._queued: list[tuple[T, Future[None]]] = []
        self._running = False
        self._writing = False

    def submit(self, item: T) -> Future[None]:
        """Queue `item`; the future is resolved once it has been written."""
        done: Future[None] = Future()
        with self._lock:
            self._queued.append((item, done))
            if self._running:
                self._wakeup.notify()
            else:
                self._running = True
                threading.Thread(target=self._run, name="zicht-audit-writer", daemon=True).start()
        return done

    @property
    def busy(self) -> bool:
        """Whether a batch is being written or items wait for the next one."""
        return self._writing or bool(self._queued)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queued:
                    self._wakeup.wait(self._idle)
                if not self._queued:
                    self._running = False
                    return
                most = self._most or len(self._queued)
                batch, self._queued = self._queued[:most], self._queued[most:]
                self._writing = True
            try:
                self._write_batch(batch)
            finally:
                self._writing = False

    def _write_batch(self, batch: list[tuple[T, Future[None]]]) -> None:
        # Running from here on: a caller on the event loop whose request is cancelled
        # meanwhile (asyncio.wrap_future) can no longer cancel its future, which would
        # make setting the result raise and stop this thread. An item cancelled before
        # is written all the same; only its caller is gone.
        for _, done in batch:
            done.set_running_or_notify_cancel()
        try:
            then = self._write([item for item, _ in batch])
        except BaseException as exc:  # every caller of the batch gets the failure
            for _, done in batch:
                if not done.cancelled():
                    done.set_exception(exc)
            return
        for _, done in batch:
            if not done.cancelled():
                done.set_result(None)
        if then is not None:
            try:
                then()
            except BaseException as exc:  # the batch is written and answered; the thread goes on
                logging.getLogger(__name__).error("after a batch: %s", type(exc).__name__)
