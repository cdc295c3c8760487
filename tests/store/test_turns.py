"""`Turns`: the SQLite writers of a process get the lock in the order they asked for it."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from zicht.store._turns import Turns


def _wait_until(condition: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_the_holder_that_asks_again_goes_after_those_waiting() -> None:
    # The oracle is the order the threads asked in: the holder releases and asks again
    # at once (as a writer's next act does); a lock that lets it barge in (a plain
    # threading.Lock or a kernel file lock) would give it the lock first.
    turns = Turns()
    order: list[str] = []

    def writer(name: str) -> None:
        with turns.turn():
            order.append(name)

    with turns.turn():
        threads = []
        for count, name in enumerate(("b", "c", "d"), start=1):
            thread = threading.Thread(target=writer, args=(name,))
            thread.start()
            threads.append(thread)
            _wait_until(lambda count=count: turns.waiting == count)
    with turns.turn():
        order.append("a")
    for thread in threads:
        thread.join(10)
    assert order == ["b", "c", "d", "a"]


def test_one_holder_at_a_time_and_free_again_after() -> None:
    turns = Turns()
    inside = 0
    most = 0
    guard = threading.Lock()

    def writer() -> None:
        nonlocal inside, most
        for _ in range(50):
            with turns.turn():
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most == 1
    assert turns.waiting == 0
    taken = threading.Event()

    def again() -> None:
        with turns.turn():
            taken.set()

    threading.Thread(target=again).start()
    assert taken.wait(10)  # nobody holds it: the next writer gets it at once


def test_a_waiter_interrupted_gives_up_its_place() -> None:
    # A signal handler that raises while the main thread waits (Ctrl-C at the command
    # line): the waiter leaves the queue, and the next one still gets the lock.
    turns = Turns()
    release = threading.Event()
    got: list[str] = []

    def holder() -> None:
        with turns.turn():
            release.wait(10)

    def patient() -> None:
        with turns.turn():
            got.append("patient")

    class Interrupted(Exception):
        pass

    def interrupt(_signum: int, _frame: object) -> None:
        raise Interrupted

    first = threading.Thread(target=holder)
    first.start()
    _wait_until(lambda: turns._held)
    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(Interrupted):
            turns._acquire()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert turns.waiting == 0
    second = threading.Thread(target=patient)
    second.start()
    _wait_until(lambda: turns.waiting == 1)
    release.set()
    first.join(10)
    second.join(10)
    assert got == ["patient"]
    assert not turns._held


def test_a_forked_child_gets_queues_of_its_own() -> None:
    # A turn held by a thread of the parent is never handed on in a child (it has only
    # the forking thread): the child's SQLite writers must not wait for it.
    import os

    from zicht.store import audit

    held = audit._turns_of("/tmp/zicht-fork-probe.db")
    with held.turn():
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            fresh = audit._turns_of("/tmp/zicht-fork-probe.db")
            os._exit(0 if fresh is not held and fresh.waiting == 0 else 1)
        _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
