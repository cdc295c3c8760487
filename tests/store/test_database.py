"""The engine seam: a PostgreSQL connection that died while idle in the pool is replaced."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from zicht.store import database, make_engine


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
