"""Group commit of audit entries: many threads in two processes, one intact chain."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import Engine, func, select

from zicht.access import AuditEvent, log_action, verify
from zicht.store import audit as audit_store
from zicht.store import make_engine
from zicht.store.audit import AuditEntryRow

THREADS = 6
PER_THREAD = 15


def _event(writer: str, n: int) -> AuditEvent:
    return AuditEvent(
        actor=writer,
        action="view_identity",
        object_type="victim_registration",
        object_ids=[n],
        purpose="concurrency test",
        details={"n": n},
    )


def _write_from_threads(url: str, writer: str) -> None:
    engine = make_engine(url)
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            list(
                pool.map(
                    lambda n: log_action(engine, _event(writer, n)), range(THREADS * PER_THREAD)
                )
            )
    finally:
        engine.dispose()


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(AuditEntryRow)).scalar_one())


def test_concurrent_entries_share_commits_and_each_is_logged(engine: Engine) -> None:
    calls: list[int] = []
    original = audit_store.append_many

    def counting(target: Engine, builds: list[object], pending: object = None) -> object:
        calls.append(len(builds))
        return original(target, builds, pending)  # type: ignore[arg-type]

    with (
        mock.patch("zicht.access._audit.append_many", counting),
        ThreadPoolExecutor(THREADS) as pool,
    ):
        list(pool.map(lambda n: log_action(engine, _event("t", n)), range(60)))
    assert sum(calls) == 60 and _count(engine) == 60
    report = verify(engine)
    assert report.ok and report.entries == 60
    with engine.connect() as connection:
        logged = connection.execute(select(AuditEntryRow.object_ids)).scalars().all()
    assert sorted(int(i) for i in logged) == list(range(60))


def test_two_processes_keep_one_chain(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_write_from_threads, args=(url, f"process-{i}")) for i in range(2)
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(120)
        assert process.exitcode == 0
    total = 2 * THREADS * PER_THREAD
    assert _count(engine) == total
    report = verify(engine)
    assert report.ok and report.entries == total


def test_a_failed_write_fails_every_caller_of_its_batch(engine: Engine) -> None:
    def failing(target: Engine, builds: list[object], pending: object = None) -> None:
        raise RuntimeError("database gone")

    with (
        mock.patch("zicht.access._audit.append_many", failing),
        pytest.raises(RuntimeError, match="database gone"),
    ):
        log_action(engine, _event("t", 1))
    assert _count(engine) == 0


def test_a_forked_child_writes_with_a_writer_of_its_own(tmp_path: Path) -> None:
    from zicht.store import upgrade

    url = f"sqlite:///{tmp_path / 'fork.db'}"
    engine = make_engine(url)
    upgrade(engine)
    log_action(engine, _event("parent", 0))  # the parent's writer thread now exists
    child = multiprocessing.get_context("fork").Process(
        target=lambda: log_action(engine, _event("child", 1))
    )
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert _count(engine) == 2 and verify(engine).ok
    engine.dispose()
