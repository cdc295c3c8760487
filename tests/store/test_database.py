"""The engine seam: a PostgreSQL connection that died while idle in the pool is replaced;
the reader engine of single-statement reads, and `read_rows` on it; the engines made
beside an engine (the reader, the audit chain's)."""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    TypeDecorator,
    bindparam,
    cast,
    event,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from zicht.store import database, make_engine, read_rows, reader_engine


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


_PEOPLE = Table(
    "read_rows_probe",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(40)),
    Column("born", Date),
    Column("seen_at", DateTime),
    Column("active", Boolean),
)


class _Shouting(TypeDecorator[str]):
    """A type that changes what the driver returns: the direct path must not be taken."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else value.upper()


def _probe(engine: Engine) -> None:
    _PEOPLE.create(engine)
    with engine.begin() as connection:
        connection.execute(
            _PEOPLE.insert(),
            [
                {
                    "id": 1,
                    "name": "Synth A",
                    "born": dt.date(1990, 1, 2),
                    "seen_at": None,
                    "active": True,
                },
                {
                    "id": 2,
                    "name": "Synth B",
                    "born": None,
                    "seen_at": dt.datetime(2024, 5, 6, 7, 8, 9, 123456),
                    "active": False,
                },
                {"id": 3, "name": None, "born": None, "seen_at": None, "active": None},
            ],
        )


@pytest.fixture
def probed(postgres_schema_url: str) -> Iterator[tuple[Engine, Engine]]:
    """An engine on PostgreSQL with the probe table filled, and its reader engine."""
    engine = make_engine(postgres_schema_url)
    try:
        _probe(engine)
        yield engine, reader_engine(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_read_rows_on_the_postgresql_reader_gives_what_sqlalchemy_gives(
    probed: tuple[Engine, Engine],
) -> None:
    engine, reader = probed
    by_id = select(_PEOPLE).where(_PEOPLE.c.id >= bindparam("low")).order_by(_PEOPLE.c.id)
    count = select(func.count(), func.current_date()).select_from(_PEOPLE)
    shouting = select(cast(_PEOPLE.c.name, _Shouting)).order_by(_PEOPLE.c.id)
    # The oracle: the same statements through SQLAlchemy on the engine itself.
    with engine.connect() as connection:
        expected = [
            [tuple(r) for r in connection.execute(by_id, {"low": 2})],
            [tuple(r) for r in connection.execute(count)],
            [tuple(r) for r in connection.execute(shouting)],
        ]
    # Before the reader's first connection its server's settings are unknown: no
    # statement is compiled for the direct path yet.
    assert database._plain_read(reader, by_id) is None
    reader.connect().close()
    assert database._plain_read(reader, by_id) is not None  # the direct path is taken
    assert database._plain_read(reader, shouting) is None  # a converting type is not
    for _ in range(7):  # past psycopg's threshold for preparing a statement
        got = [
            read_rows(reader, by_id, {"low": 2}),
            read_rows(reader, count),
            read_rows(reader, shouting),
        ]
        assert got == expected
    assert expected[2][0] == ("SYNTH A",)
    # Neither path leaves a transaction open on the reader's connections.
    with reader.connect() as connection:
        assert connection.connection.driver_connection.info.transaction_status == 0  # type: ignore[union-attr]


@pytest.mark.postgres
def test_read_rows_errors_are_scrubbed_as_sqlalchemy_scrubs_them(
    probed: tuple[Engine, Engine],
) -> None:
    _engine, reader = probed
    secret = "Synth-Secret-Value"
    statement = select(_PEOPLE.c.id).where(
        _PEOPLE.c.id == func.cast(bindparam("value", type_=String), Integer)
    )
    reader.connect().close()
    assert database._plain_read(reader, statement) is not None
    with pytest.raises(DBAPIError) as raised:
        read_rows(reader, statement, {"value": secret})
    assert secret not in str(raised.value) and "SQLSTATE 22P02" in str(raised.value)
    # The reader goes on reading after the error.
    assert read_rows(reader, select(func.count()).select_from(_PEOPLE)) == [(3,)]


def test_read_rows_on_sqlite_reads_through_sqlalchemy(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'zicht.db'}")
    try:
        _probe(engine)
        statement = select(_PEOPLE).order_by(_PEOPLE.c.id)
        assert database._plain_read(reader_engine(engine), statement) is None
        rows = read_rows(reader_engine(engine), statement)
        # SQLAlchemy's conversions of SQLite's text into dates and times were applied.
        assert rows[0][2] == dt.date(1990, 1, 2)
        assert rows[1][3] == dt.datetime(2024, 5, 6, 7, 8, 9, 123456)
    finally:
        engine.dispose()


def test_an_engine_beside_is_made_once_per_engine_and_disposed_with_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'zicht.db'}")
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    made: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
    elsewhere: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
    own, new = database.engine_beside(engine, made, pool_size=1, max_overflow=0)
    assert new and own is not engine and made[engine] is own
    assert own.url == engine.url and own.pool.size() == 1  # type: ignore[attr-defined]
    assert database.engine_beside(engine, made, pool_size=1) == (own, False)
    assert database.engine_beside(other, made)[0] is not own  # one per engine
    assert database.engine_beside(engine, elsewhere)[0] is not own  # one per record
    disposed: list[Engine] = []
    event.listen(own, "engine_disposed", disposed.append)
    engine.dispose()
    assert disposed == [own]
    other.dispose()


@pytest.mark.postgres
def test_the_audit_chain_appends_with_an_engine_of_its_own(postgres_schema_url: str) -> None:
    from zicht.access import _audit

    engine = make_engine(postgres_schema_url)
    try:
        own = _audit._chain_engine(engine)
        assert own is not engine and own is not reader_engine(engine)
        assert _audit._chain_engine(engine) is own
        assert own.pool.size() == 1  # type: ignore[attr-defined]
        with own.connect() as connection:  # not the reader's autocommit connections
            assert connection.connection.driver_connection.autocommit is False  # type: ignore[union-attr]
        disposed: list[Engine] = []
        event.listen(own, "engine_disposed", disposed.append)
    finally:
        engine.dispose()
    assert disposed == [own]


@pytest.mark.postgres
def test_read_rows_starts_its_record_afresh_when_full(
    postgres_schema_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(postgres_schema_url)
    reader = reader_engine(engine)
    monkeypatch.setattr(database, "_PLAIN", {})
    monkeypatch.setattr(database, "_PLAIN_MOST", 2)
    try:
        statements = [select(func.abs(bindparam("n", type_=Integer)) + k) for k in range(5)]
        for k, statement in enumerate(statements):
            assert read_rows(reader, statement, {"n": -3}) == [(3 + k,)]
            assert len(database._PLAIN) <= 2
        assert (statements[-1], reader.dialect) in database._PLAIN
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


@pytest.mark.postgres
def test_read_rows_of_numbers_go_through_sqlalchemy_and_a_refused_value_keeps_the_connection(
    probed: tuple[Engine, Engine],
) -> None:
    _engine, reader = probed
    connects: list[object] = []
    event.listen(reader, "connect", lambda *_args: connects.append(1))
    reader.connect().close()
    # psycopg's numeric types are converted by the column's type code: not plain.
    amount = select(
        cast(literal_column("1.50"), Numeric(10, 2)), cast(literal_column("2.5"), Float)
    )
    assert database._plain_read(reader, amount) is None
    assert read_rows(reader, amount) == [(Decimal("1.50"), 2.5)]
    # A value the driver refuses before sending (a NUL byte) is the statement's
    # error, not the connection's: raised, scrubbed, and no new backend per request.
    by_name = select(_PEOPLE.c.id).where(_PEOPLE.c.name == bindparam("name", type_=String))
    assert database._plain_read(reader, by_name) is not None
    before = len(connects)
    for _ in range(3):
        with pytest.raises(DBAPIError) as raised:
            read_rows(reader, by_name, {"name": "Synth\x00Name"})
        assert "Synth" not in str(raised.value)
    assert len(connects) == before
    assert read_rows(reader, by_name, {"name": "Synth A"}) == [(1,)]


@pytest.mark.postgres
def test_transaction_rows_and_writes_run_in_the_connections_transaction(
    probed: tuple[Engine, Engine],
) -> None:
    engine, _reader = probed
    insert_returning = _PEOPLE.insert().returning(_PEOPLE.c.id, _PEOPLE.c.seen_at)
    by_id = select(_PEOPLE).where(_PEOPLE.c.id >= bindparam("low")).order_by(_PEOPLE.c.id)
    with engine.connect() as connection:
        expected = [tuple(r) for r in connection.execute(by_id, {"low": 1})]
    with engine.connect() as connection, connection.begin() as transaction:
        assert database._in_transaction(connection, by_id, {"low": 1}) is not None
        for _ in range(7):  # past psycopg's threshold for preparing a statement
            assert [tuple(r) for r in database.transaction_rows(connection, by_id, {"low": 1})] == (
                expected
            )
        seen = dt.datetime(2025, 1, 2, 3, 4, 5, 6)
        assert database.transaction_rows(
            connection, insert_returning, {"id": 4, "name": "Synth D", "seen_at": seen}
        ) == [(4, seen)]
        database.transaction_write(
            connection,
            _PEOPLE.insert(),
            [{"id": 5, "name": "Synth E"}, {"id": 6, "name": None}],
        )
        # SQLAlchemy sees the rows in the same transaction; the rollback undoes them.
        assert connection.execute(select(func.count()).select_from(_PEOPLE)).scalar_one() == 6
        transaction.rollback()
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(_PEOPLE)).scalar_one() == 3
    # Outside a transaction: through SQLAlchemy.
    with engine.connect() as connection:
        assert database._in_transaction(connection, by_id, {"low": 1}) is None
    # A listener of statements sees those run on the driver (a statement count stays true).
    seen: list[tuple[str, str]] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(("before", a[2])))
    event.listen(engine, "after_cursor_execute", lambda *a: seen.append(("after", a[2])))
    with engine.begin() as connection:
        assert database._in_transaction(connection, by_id, {"low": 1}) is not None
        database.transaction_rows(connection, by_id, {"low": 1})
        database.transaction_write(connection, _PEOPLE.insert(), [{"id": 7}, {"id": 8}])
    assert [when for when, _ in seen] == ["before", "after", "before", "after"]
    assert seen[0][1].startswith("SELECT") and seen[2][1].startswith("INSERT")


@pytest.mark.postgres
def test_transaction_rows_errors_are_raised_as_sqlalchemy_raises_them(
    probed: tuple[Engine, Engine],
) -> None:
    engine, _reader = probed
    secret = "Synth-Secret-Value"
    with engine.connect() as connection, connection.begin():
        assert database._in_transaction(connection, _PEOPLE.insert(), {"id": 1}) is not None
        with pytest.raises(IntegrityError) as raised:
            database.transaction_write(connection, _PEOPLE.insert(), [{"id": 1, "name": secret}])
    assert secret not in str(raised.value) and "SQLSTATE 23505" in str(raised.value)
    statement = select(_PEOPLE.c.id).where(
        _PEOPLE.c.id == func.cast(bindparam("value", type_=String), Integer)
    )
    with pytest.raises(DBAPIError) as failed, engine.begin() as connection:
        database.transaction_rows(connection, statement, {"value": secret})
    assert secret not in str(failed.value) and "SQLSTATE 22P02" in str(failed.value)
    with engine.connect() as connection:  # the connection went back to the pool fit for use
        assert connection.execute(select(func.count()).select_from(_PEOPLE)).scalar_one() == 3


@pytest.mark.postgres
def test_transaction_rows_raise_other_errors_as_sqlalchemy_and_refuse_empty_writes(
    probed: tuple[Engine, Engine],
) -> None:
    # The oracle is SQLAlchemy's own execution of the same statement.
    engine, _reader = probed

    def refuse(*_args: object) -> None:
        raise RuntimeError("a listener's own error")

    by_id = select(_PEOPLE.c.id).where(_PEOPLE.c.id >= bindparam("low"))
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        raised: list[type[BaseException]] = []
        for run in (
            lambda c: c.execute(by_id, {"low": 1}),
            lambda c: database.transaction_rows(c, by_id, {"low": 1}),
            lambda c: database.transaction_write(c, _PEOPLE.insert(), [{"id": 9}]),
        ):
            with engine.connect() as connection, connection.begin():
                with pytest.raises(RuntimeError) as error:
                    run(connection)
                raised.append(type(error.value))
        assert raised == [RuntimeError] * 3  # not wrapped in a StatementError
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    # No parameters (an empty executemany, which SQLAlchemy deprecates): refused, on the
    # driver's path and SQLAlchemy's alike, and nothing written.
    with engine.begin() as connection, pytest.raises(ValueError):
        database.transaction_write(connection, _PEOPLE.insert(), [])
    with engine.connect() as connection, pytest.raises(ValueError):  # no transaction
        database.transaction_write(connection, _PEOPLE.insert(), [])
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(_PEOPLE)).scalar_one() == 3


def test_transaction_rows_on_sqlite_run_through_sqlalchemy(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'zicht.db'}")
    try:
        _probe(engine)
        statement = select(_PEOPLE).order_by(_PEOPLE.c.id)
        with engine.begin() as connection:
            assert database._in_transaction(connection, statement, None) is None
            rows = database.transaction_rows(connection, statement)
            database.transaction_write(connection, _PEOPLE.insert(), [{"id": 4}])
        assert rows[1][3] == dt.datetime(2024, 5, 6, 7, 8, 9, 123456)
        assert len(read_rows(engine, statement)) == 4
    finally:
        engine.dispose()
