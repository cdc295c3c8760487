"""The engine seam: a PostgreSQL connection that died while idle in the pool is replaced;
the reader engine of single-statement reads."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from zicht.store import database, make_engine, reader_engine


@pytest.mark.postgres
def test_a_dead_idle_connection_is_replaced(
    postgres_schema_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(postgres_schema_url)
    admin = make_engine(postgres_schema_url)
    try:
        with engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.begin() as connection:  # as a server restart would
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()
        admin.dispose()


@pytest.mark.postgres
def test_a_busy_connection_is_not_pinged(postgres_schema_url: str) -> None:
    engine = make_engine(postgres_schema_url)
    pings: list[object] = []
    original = engine.dialect.do_ping
    engine.dialect.do_ping = lambda connection: pings.append(connection) or original(connection)  # type: ignore[method-assign]
    try:
        for _ in range(5):
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        assert pings == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_reader_engine_reads_in_autocommit_and_goes_with_its_engine(
    postgres_schema_url: str,
) -> None:
    engine = make_engine(postgres_schema_url)
    reader = reader_engine(engine)
    try:
        assert reader is not engine and reader_engine(engine) is reader
        with reader.connect() as connection:
            # No transaction is open around a read (no BEGIN, nothing to roll back).
            assert connection.connection.driver_connection.autocommit is True  # type: ignore[union-attr]
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
            status = connection.connection.driver_connection.info.transaction_status  # type: ignore[union-attr]
            assert status == psycopg.pq.TransactionStatus.IDLE
        # Its own connections see the engine's schema (the URL's search path).
        with engine.connect() as one, reader.connect() as other:
            path = text("SHOW search_path")
            assert one.execute(path).scalar_one() == other.execute(path).scalar_one()
        assert reader.pool.checkedin() >= 1  # type: ignore[attr-defined]
        engine.dispose()
        assert reader.pool.checkedin() == 0  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_sqlite_reads_through_the_engine_itself(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'z.db'}")
    try:
        assert reader_engine(engine) is engine
    finally:
        engine.dispose()


def test_a_bulk_page_cache_is_sqlites_only_while_it_lasts(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    try:
        with engine.begin() as connection:
            before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            with database.bulk_page_cache(connection, 256):
                inside = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            after = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
        assert (inside, after) == (-256 * 1024, before)
        with (  # restored when the work inside fails
            pytest.raises(RuntimeError),
            engine.begin() as connection,
            database.bulk_page_cache(connection, 64),
        ):
            raise RuntimeError("the delivery failed")
        with engine.connect() as connection:  # the pooled connection as it was
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() == before
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_bulk_page_cache_changes_nothing_on_postgresql(postgres_schema_url: str) -> None:
    engine = make_engine(postgres_schema_url)
    try:
        with engine.begin() as connection, database.bulk_page_cache(connection, 256):
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
