"""The group writer: batches in arrival order, the failure to every caller of its batch,
and a caller that gave up (its future cancelled, as asyncio.wrap_future does when a
request is cancelled) never stops the writer for the callers after it."""

from __future__ import annotations

import threading
from concurrent.futures import CancelledError

import pytest

from zicht.access import GroupWriter


def test_a_cancelled_caller_does_not_stop_the_writer() -> None:
    busy, release = threading.Event(), threading.Event()
    written: list[list[str]] = []

    def write(batch: list[str]) -> None:
        if batch == ["first"]:
            busy.set()
            release.wait(10)
        written.append(batch)

    writer: GroupWriter[str] = GroupWriter(write, idle=1.0)
    first = writer.submit("first")
    assert busy.wait(10)  # the writer is busy with the first one
    gone = writer.submit("gone")  # queued behind it ...
    assert gone.cancel()  # ... and its caller gives up before it is written
    release.set()
    first.result(timeout=10)
    with pytest.raises(CancelledError):
        gone.result(timeout=0)
    # The writer is still there for the next caller (it wrote the cancelled one anyway).
    writer.submit("next").result(timeout=10)
    assert [item for batch in written for item in batch] == ["first", "gone", "next"]


def test_a_failed_batch_fails_each_of_its_callers_only() -> None:
    def write(batch: list[str]) -> None:
        if "bad" in batch:
            raise ValueError("refused")

    writer: GroupWriter[str] = GroupWriter(write, idle=1.0)
    with pytest.raises(ValueError, match="refused"):
        writer.submit("bad").result(timeout=10)
    writer.submit("good").result(timeout=10)


def test_the_step_after_a_batch_runs_once_its_callers_are_answered() -> None:
    answered: list[bool] = []
    steps: list[str] = []
    futures = []

    def write(batch: list[str]) -> object:
        def then() -> None:
            answered.append(all(f.done() for f in futures))
            steps.append(batch[0])
            if batch == ["first"]:
                raise OSError("checkpoint disk gone")  # logged; the writer goes on

        return then

    writer: GroupWriter[str] = GroupWriter(write, idle=1.0)  # type: ignore[arg-type]
    futures.append(writer.submit("first"))
    futures[0].result(timeout=10)
    futures.append(writer.submit("second"))
    futures[1].result(timeout=10)
    for _ in range(100):  # the step runs on the writer thread after the answer
        if len(steps) == 2:
            break
        threading.Event().wait(0.05)
    assert steps == ["first", "second"]
    assert answered == [True, True]
