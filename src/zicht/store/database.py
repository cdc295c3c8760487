"""The engine seam of the application database: SQLite (WAL) by default, PostgreSQL."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from zicht.store.errors import scrub_errors

__all__ = ["bulk_page_cache", "make_engine", "reader_engine"]

# A pooled PostgreSQL connection idle for longer than this is pinged before use.
PING_AFTER_IDLE_SECONDS = 5.0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def bulk_page_cache(connection: Connection, mib: int) -> Iterator[None]:
    """A page cache of `mib` MiB for this SQLite connection while a bulk write runs (its
    size as before afterwards; PostgreSQL: nothing). SQLite's default of 2 MiB made
    every insert into a large index and every read of one a page fetched again."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-1024 * int(mib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite files get WAL mode and foreign keys, and a folder.

    Statement parameters are hidden from SQLAlchemy's error messages and logs: they can
    hold personal data, and a database error must never print it.
    """
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// means psycopg 3 here, the driver Zicht ships with.
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed, **kwargs)
    _ping_idle_connections(engine)
    scrub_errors(engine)
    return engine


def _ping_idle_connections(engine: Engine) -> None:
    """Check a pooled connection that sat idle before handing it out (after a server
    restart it would be dead); one in steady use is not pinged on every checkout, which
    would be one more round trip per query. A failed ping makes the pool reconnect."""

    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["zicht_idle_since"] = time.monotonic()

    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("zicht_idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("the pooled connection is gone") from exc
        if not alive:
            raise DisconnectionError("the pooled connection is gone")

    event.listen(engine, "checkin", on_checkin)
    event.listen(engine, "checkout", on_checkout)


_READERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_READERS_LOCK = threading.Lock()


def reader_engine(engine: Engine) -> Engine:
    """An engine for reads of one statement each on `engine`'s database: on PostgreSQL a
    pool of its own whose connections are in autocommit mode from the moment they
    connect and are not rolled back when they go back to the pool (no BEGIN or ROLLBACK
    round trips, and none of the switching to autocommit and back that an
    `isolation_level` execution option costs each checkout). Made once per engine and
    disposed with it.

    SQLite reads outside a transaction as it is (its driver begins one only before a
    write), so there it is `engine` itself: autocommit mode would cost a `PRAGMA
    read_uncommitted` each time a connection goes back to the pool, which expires every
    prepared statement of the connection.
    """
    if engine.dialect.name != "postgresql":
        return engine
    with _READERS_LOCK:
        reader = _READERS.get(engine)
        if reader is None:
            reader = make_engine(
                engine.url.render_as_string(hide_password=False),
                isolation_level="AUTOCOMMIT",
                pool_reset_on_return=None,
                # Single reads return their connection at once: a smaller pool than the
                # engine's (5 + 10) keeps a worker's connections to PostgreSQL at most
                # 15 + 10 + the audit writer's 2.
                pool_size=5,
                max_overflow=5,
            )
            _READERS[engine] = reader
            event.listen(engine, "engine_disposed", partial(_dispose_reader, reader))
    return reader


def _dispose_reader(reader: Engine, _engine: Engine) -> None:
    reader.dispose()
