"""The engine seam of the application database: SQLite (WAL) by default, PostgreSQL."""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NoReturn, cast

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.sql import ClauseElement, Executable

from zicht.store.errors import scrub_errors

__all__ = [
    "bulk_page_cache",
    "engine_beside",
    "make_engine",
    "read_rows",
    "reader_engine",
    "transaction_rows",
    "transaction_write",
]

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


_BESIDE_LOCK = threading.Lock()


def _new_beside_lock() -> None:
    # A forked child must not inherit the lock held by a thread it does not have.
    global _BESIDE_LOCK
    _BESIDE_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_new_beside_lock)


def engine_beside(
    engine: Engine,
    made: weakref.WeakKeyDictionary[Engine, Engine],
    **options: Any,
) -> tuple[Engine, bool]:
    """An engine of its own on `engine`'s database (a pool apart, with `options` for
    `make_engine`), made once per engine and kept in `made`, the caller's record of
    them; disposed when `engine` is. Returns the engine and whether it was made now.
    """
    with _BESIDE_LOCK:
        own = made.get(engine)
        if own is not None:
            return own, False
        own = make_engine(engine.url.render_as_string(hide_password=False), **options)
        made[engine] = own
        event.listen(engine, "engine_disposed", partial(_dispose_beside, own))
    return own, True


def _dispose_beside(own: Engine, _engine: Engine) -> None:
    own.dispose()


_READERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def reader_engine(engine: Engine, pool_size: int = 5, max_overflow: int = 5) -> Engine:
    """An engine for reads of one statement each on `engine`'s database: on PostgreSQL a
    pool of its own whose connections are in autocommit mode from the moment they
    connect and are not rolled back when they go back to the pool (no BEGIN or ROLLBACK
    round trips, and none of the switching to autocommit and back that an
    `isolation_level` execution option costs each checkout). Made once per engine and
    disposed with it; `pool_size` and `max_overflow` are its pool's when it is made (a
    server process gives its own, `store.server_pools`).

    SQLite reads outside a transaction as it is (its driver begins one only before a
    write), so there it is `engine` itself: autocommit mode would cost a `PRAGMA
    read_uncommitted` each time a connection goes back to the pool, which expires every
    prepared statement of the connection.
    """
    if engine.dialect.name != "postgresql":
        return engine
    reader, made = engine_beside(
        engine,
        _READERS,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        pool_size=pool_size,
        max_overflow=max_overflow,
    )
    if made:
        _PLAIN_READERS.add(reader)
    return reader


# The readers `reader_engine` made: autocommit connections with nothing to reset.
_PLAIN_READERS: weakref.WeakSet[Engine] = weakref.WeakSet()


@dataclass(frozen=True)
class _PlainRead:
    """A statement compiled for a reader's driver, when the driver's rows need nothing of
    SQLAlchemy: no value converted on the way in or out, no parameter expanded."""

    compiled: Any
    sql: str


# Per statement object and dialect. The statements read here are built once and kept
# by their modules (a few dozen shapes in use); should more come, the record starts
# afresh rather than grow (a weak one would not do: the compiled form holds its
# statement).
_PLAIN: dict[tuple[Executable, Any], _PlainRead | None] = {}
_PLAIN_MOST = 1024
_PLAIN_LOCK = threading.Lock()


def read_rows(
    engine: Engine, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> Sequence[Sequence[Any]]:
    """The rows of one read statement (the driver's tuples, or SQLAlchemy's rows).

    On a PostgreSQL `reader_engine` the statement runs on the driver's cursor directly
    when SQLAlchemy would hand back the driver's values unchanged (no type converts
    them, on the way in or out): the same rows without SQLAlchemy's execution steps
    (some 0.1 ms a statement, three on every page request); otherwise through
    SQLAlchemy. Meant for statements built once (the compiled form is remembered per
    statement object).

    A driver error is not raised from the direct path: the connection is discarded and
    the statement runs again through SQLAlchemy, which scrubs what it raises.
    """
    plain = _plain_read(engine, statement)
    if plain is not None:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(plain.sql, plain.compiled.construct_params(parameters))
                rows: Sequence[Sequence[Any]] = cursor.fetchall()
                return rows
            finally:
                cursor.close()
        except engine.dialect.loaded_dbapi.Error as exc:
            # Discarded only when the connection broke: an error of the statement (a
            # value the driver refuses, a timeout) leaves an autocommit connection fit
            # for use, and a request must not cost the server a new backend.
            if engine.dialect.is_disconnect(exc, connection.driver_connection, None):
                connection.invalidate()
        finally:
            connection.close()
    with engine.connect() as sqlalchemy_connection:
        return sqlalchemy_connection.execute(statement, parameters).all()


def _plain_read(engine: Engine, statement: Executable) -> _PlainRead | None:
    if engine not in _PLAIN_READERS or _observed(engine):
        return None
    dialect = engine.dialect
    if dialect.server_version_info is None:
        # Not connected yet: the server's settings (which the compiled form depends on)
        # are read at the first connection, which SQLAlchemy's path makes.
        return None
    # Per dialect object (one per engine): readers of other drivers or servers differ.
    key = (statement, dialect)
    try:
        return _PLAIN[key]
    except KeyError:
        pass
    compiled: Any = cast(ClauseElement, statement).compile(dialect=dialect)
    plain = None
    if (
        dialect.paramstyle == "pyformat"
        and not compiled.positional
        and not compiled._bind_processors
        and not compiled.literal_execute_params
        and not compiled.post_compile_params
        and not compiled.escaped_bind_names
        and not any(_converts(column[3], dialect) for column in compiled._result_columns)
    ):
        plain = _PlainRead(compiled, compiled.string)
    with _PLAIN_LOCK:
        if len(_PLAIN) >= _PLAIN_MOST:
            _PLAIN.clear()
        _PLAIN[key] = plain
    return plain


def _converts(column_type: Any, dialect: Any) -> bool:
    """Whether SQLAlchemy converts what the driver returns for a result column; a type
    that cannot tell without the column's type code (numerics on psycopg) converts."""
    try:
        return column_type._cached_result_processor(dialect, None) is not None
    except Exception:  # its processor needs the driver's type code: SQLAlchemy's path
        return True


def _observed(engine: Engine) -> bool:
    # Listeners on statements (a test counting them) see every statement: through SQLAlchemy.
    return bool(engine.dispatch.before_cursor_execute or engine.dispatch.after_cursor_execute)


# Statements run by `transaction_rows` / `transaction_write`, compiled for the driver.
_IN_TRANSACTION: dict[tuple[Executable, Any, tuple[str, ...]], _DriverStatement | None] = {}


@dataclass(frozen=True)
class _DriverStatement:
    """A statement compiled once for a psycopg connection: its SQL, the compiled form
    (for the bound values' defaults) and the converters of its bound values."""

    compiled: Any
    sql: str
    processors: Mapping[str, Any]

    def parameters(self, given: Mapping[str, Any] | None) -> dict[str, Any]:
        values: dict[str, Any] = self.compiled.construct_params(given)
        for key, process in self.processors.items():
            values[key] = process(values[key])
        return values


def transaction_rows(
    connection: Connection, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> Sequence[Sequence[Any]]:
    """The rows of one statement (a read, or a write with RETURNING) run in `connection`'s
    transaction: the driver's tuples, or SQLAlchemy's rows (read by position alike).

    On PostgreSQL the statement runs on the driver's cursor of the same connection, in
    the same transaction, when SQLAlchemy would hand back the driver's values unchanged
    (no result type converts them; the bound values are converted as SQLAlchemy would):
    the same rows without SQLAlchemy's execution steps (0.2-0.5 ms of CPU for a wide
    result). A driver error is raised as SQLAlchemy raises it (scrubbed, the connection
    invalidated when it broke); listeners of statements (`before_cursor_execute`,
    `after_cursor_execute`) are called for it. Meant for statements built once (the
    compiled form is remembered per statement object). Elsewhere, through SQLAlchemy.
    """
    direct = _in_transaction(connection, statement, parameters)
    if direct is None:
        return connection.execute(statement, parameters).all()
    values = direct.parameters(parameters)
    rows: Sequence[Sequence[Any]] = ()
    cursor = connection.connection.cursor()
    try:
        sql, values = _before(connection, cursor, direct.sql, values, many=False)
        cursor.execute(sql, values)
        # Not `description`: psycopg builds an object per column for it.
        rows = cursor.fetchall()
        _after(connection, cursor, sql, values, many=False)
    except BaseException as exc:
        _raise_as_sqlalchemy(connection, exc, direct.sql, values, cursor)
    finally:
        cursor.close()
    return rows


def _raise_as_sqlalchemy(
    connection: Connection, exc: BaseException, sql: str, values: Any, cursor: Any
) -> NoReturn:
    """Raise `exc` as SQLAlchemy's execution would: a driver error wrapped and scrubbed
    (the connection invalidated when it broke), an interrupt with the connection
    invalidated; any other error (a listener's, a value the driver cannot take) as it is."""
    if isinstance(exc, Exception) and not isinstance(exc, connection.dialect.loaded_dbapi.Error):
        raise exc
    connection._handle_dbapi_exception(exc, sql, values, cursor, None)
    raise exc  # not reached: SQLAlchemy raises


def _before(
    connection: Connection, cursor: Any, sql: str, values: Any, *, many: bool
) -> tuple[str, Any]:
    """The listeners of statements see one run on the driver as SQLAlchemy shows them
    theirs (with no execution context): a statement counted is never missed."""
    for listen in connection.dispatch.before_cursor_execute:
        sql, values = listen(connection, cursor, sql, values, None, many)
    return sql, values


def _after(connection: Connection, cursor: Any, sql: str, values: Any, *, many: bool) -> None:
    for listen in connection.dispatch.after_cursor_execute:
        listen(connection, cursor, sql, values, None, many)


def transaction_write(
    connection: Connection, statement: Executable, parameters: Sequence[Mapping[str, Any]]
) -> None:
    """Run a write without RETURNING once per set of `parameters` (an executemany), in
    `connection`'s transaction, as `transaction_rows` runs its statement."""
    if not parameters:  # SQLAlchemy deprecates an empty executemany: a caller's mistake
        raise ValueError("transaction_write needs at least one set of parameters")
    direct = _in_transaction(connection, statement, parameters[0])
    if direct is None:
        connection.execute(statement, list(parameters))
        return
    values = [direct.parameters(given) for given in parameters]
    cursor = connection.connection.cursor()
    try:
        if len(values) == 1:
            sql, one = _before(connection, cursor, direct.sql, values[0], many=False)
            cursor.execute(sql, one)
            _after(connection, cursor, sql, one, many=False)
        else:
            sql, values = _before(connection, cursor, direct.sql, values, many=True)
            cursor.executemany(sql, values)
            _after(connection, cursor, sql, values, many=True)
    except BaseException as exc:
        _raise_as_sqlalchemy(connection, exc, direct.sql, values, cursor)
    finally:
        cursor.close()


def _in_transaction(
    connection: Connection, statement: Executable, given: Mapping[str, Any] | None
) -> _DriverStatement | None:
    dialect = connection.dialect
    if dialect.driver != "psycopg" or not connection.in_transaction():
        return None
    # The names given shape the compiled form of an INSERT or UPDATE (its columns).
    keys = tuple(sorted(given)) if given else ()
    key = (statement, dialect, keys)
    try:
        return _IN_TRANSACTION[key]
    except KeyError:
        pass
    compiled: Any = cast(ClauseElement, statement).compile(dialect=dialect, column_keys=keys)
    direct = None
    if (
        dialect.paramstyle == "pyformat"
        and not compiled.insert_prefetch  # defaults computed in Python: SQLAlchemy's
        and not compiled.update_prefetch
        and not compiled.positional
        and not compiled.literal_execute_params
        and not compiled.post_compile_params
        and not compiled.escaped_bind_names
        and not any(_converts(column[3], dialect) for column in compiled._result_columns)
    ):
        direct = _DriverStatement(compiled, compiled.string, dict(compiled._bind_processors))
    with _PLAIN_LOCK:
        if len(_IN_TRANSACTION) >= _PLAIN_MOST:
            _IN_TRANSACTION.clear()
        _IN_TRANSACTION[key] = direct
    return direct
