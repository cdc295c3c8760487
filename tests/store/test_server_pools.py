"""The connections of server processes: within the database server's limit, and kept.

Pure: the sizes for a limit and a number of processes, against figures worked out by
hand and a property over all limits. PostgreSQL: an app made for two processes sizes its
pools from the server's own settings, runs no more request threads than it keeps
connections, and a full round of concurrent requests opens no connection again.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import anyio.to_thread
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, text

from tests.web.conftest import TestClient
from zicht.config import Settings
from zicht.privacy import Cipher
from zicht.store import make_engine, upgrade
from zicht.store.server_pools import (
    AUDIT_CONNECTIONS,
    MOST_THREADS,
    OVERFLOW,
    server_pools,
    server_pools_for,
)
from zicht.web.app import create_app

# (max_connections, superuser_reserved_connections, processes) -> request threads, by
# hand: usable = max - reserved; keep max(10, usable // 5); share = (usable - keep) //
# processes; threads = (share - 2 audit - 3 jobs - 2 * 2 overflow - 1 loop) // 2, within
# 2..4.
BY_HAND = [
    ((100, 3, 1), 4),  # share 78 -> 34, at most 4
    ((100, 3, 4), 4),  # share 19 -> 4
    ((100, 3, 8), 2),  # share 9 -> 0, at least 2
    ((45, 3, 2), 3),  # usable 42, keep 10, share 16 -> 3
    ((30, 3, 1), 3),  # usable 27, keep 10, share 17 -> 3
    ((30, 3, 2), 2),  # usable 27, keep 10, share 8 -> 0, at least 2
    ((500, 3, 4), 4),  # usable 497, keep 99, share 99 -> 44, at most 4
]


@pytest.mark.parametrize(("limits", "threads"), BY_HAND)
def test_request_threads_per_process_as_worked_out_by_hand(
    limits: tuple[int, int, int], threads: int
) -> None:
    assert server_pools(*limits).threads == threads


@given(
    max_connections=st.integers(20, 10_000),
    reserved=st.integers(0, 10),
    processes=st.integers(1, 64),
)
def test_processes_stay_within_the_share_left_to_the_web_server(
    max_connections: int, reserved: int, processes: int
) -> None:
    pools = server_pools(max_connections, reserved, processes)
    usable = max_connections - reserved
    kept_free = max(10, usable // 5)
    # engine pool, readers' pool (one more), each with overflow; audit writer; jobs
    each = pools.threads + (pools.threads + 1) + 2 * OVERFLOW + AUDIT_CONNECTIONS + 3
    assert 2 <= pools.threads <= MOST_THREADS
    assert pools.per_process == each
    smallest = 2 + 3 + 2 * OVERFLOW + AUDIT_CONNECTIONS + 3
    if (usable - kept_free) // processes >= smallest:
        assert processes * each <= usable - kept_free
        # and no thread more would still fit, unless at the most
        assert pools.threads == MOST_THREADS or processes * (each + 2) > usable - kept_free


def test_more_processes_than_the_limit_allows_are_warned_of(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="zicht.store.server_pools"):
        server_pools(100, 3, 4)
    assert not caplog.records
    with caplog.at_level(logging.WARNING, logger="zicht.store.server_pools"):
        server_pools(100, 3, 16)
    assert "max_connections" in caplog.text


def test_sqlite_has_no_server_pools(tmp_path: Path) -> None:
    assert server_pools_for(f"sqlite:///{tmp_path / 'z.db'}", 2) is None


def test_an_unreachable_server_gets_postgresqls_defaults(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="zicht.store.server_pools"):
        pools = server_pools_for("postgresql+psycopg://nobody@127.0.0.1:1/none", 2)
    assert pools == server_pools(100, 3, 2)
    assert "defaults" in caplog.text


@pytest.mark.postgres
def test_a_served_app_keeps_its_connections_under_concurrent_requests(
    postgres_schema_url: str, cipher: Cipher, tmp_path: Path
) -> None:
    migrated = make_engine(postgres_schema_url)
    upgrade(migrated)
    with migrated.connect() as connection:
        usable = connection.execute(
            text(
                "SELECT current_setting('max_connections')::int"
                " - current_setting('superuser_reserved_connections')::int"
            )
        ).scalar_one()
    migrated.dispose()
    app = create_app(
        Settings(database_url=postgres_schema_url),
        cipher=cipher,
        report_dir=tmp_path,
        processes=2,
    )
    state = app.state.zicht
    threads = state.pools.threads
    assert threads >= 2
    assert state.engine.pool.size() == threads
    assert state.reader.pool.size() == threads + 1  # and the event loop's reads
    # no more than OVERFLOW beyond each pool (the budget counts on it)
    assert state.engine.pool._max_overflow == OVERFLOW == state.reader.pool._max_overflow
    assert 2 * state.pools.per_process <= usable  # two such processes fit on the server

    opened: list[str] = []
    for name, engine in (("engine", state.engine), ("reader", state.reader)):
        event.listen(engine, "connect", lambda *_args, name=name: opened.append(name))

    def round_of_requests() -> None:
        # as many requests at once as the process runs threads, each holding one
        # connection of each pool in turn (the readers' one more is the event loop's)
        start = threading.Barrier(threads)

        def request() -> None:
            start.wait()
            for engine in (state.engine, state.reader):
                with engine.connect() as connection:
                    start_inner.wait()
                    connection.execute(text("SELECT 1"))

        start_inner = threading.Barrier(threads)
        workers = [threading.Thread(target=request) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    round_of_requests()
    assert opened.count("engine") == threads and opened.count("reader") == threads
    opened.clear()
    for _ in range(3):
        round_of_requests()
    assert opened == []  # every connection kept, none opened again

    with TestClient(app) as client:
        limiter_tokens = client.portal.call(  # type: ignore[union-attr]
            lambda: anyio.to_thread.current_default_thread_limiter().total_tokens
        )
    assert limiter_tokens == threads
    state.engine.dispose()


def test_each_server_process_builds_its_app_for_the_number_of_processes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from zicht.web import serving

    made: list[int] = []
    monkeypatch.setattr(
        "zicht.web.app.create_app", lambda settings, *, processes: made.append(processes)
    )
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'z.db'}")
    serving._Application(settings, serving.ServerOptions(workers=3)).load()
    assert made == [3]
