"""Entries that wait for their place in the chain (`audit_pending`): the path acts take on
PostgreSQL when the chain's lock is busy, forced here on SQLite too (and the lock
reported busy where a test needs it), so every test runs on both engines. Where the lock
is free an act appends its entries itself, in its own commit; both ways are checked.

The oracle is plain SQL on a scratch table of acts and on the two audit tables: which
acts committed, which entries name them, which entries still wait.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from zicht.access import AuditEvent, audited_transaction, log_action, search, verify
from zicht.store import make_engine
from zicht.store.audit import AuditEntryRow, AuditPendingRow

THREADS = 6
PER_THREAD = 10
_BOTH = frozenset({"postgresql", "sqlite"})


_TRY_LOCK = "zicht.access._audit_transaction.try_chain_lock"


@pytest.fixture(autouse=True)
def deferring() -> Iterator[None]:
    """Acts take PostgreSQL's path on SQLite as well: the chain's lock if it is free at
    once, else their entries wait."""
    with mock.patch("zicht.access._audit._DEFERRING_DIALECTS", _BOTH):
        yield


def _busy(_connection: object) -> bool:
    """Stands in for `try_chain_lock` when another writer holds the chain's lock."""
    return False


@pytest.fixture
def busy() -> Iterator[None]:
    """Every act finds the chain's lock busy: its entries wait in audit_pending."""
    with mock.patch(_TRY_LOCK, _busy):
        yield


@pytest.fixture(params=["free", "busy"])
def chain_lock(request: pytest.FixtureRequest) -> Iterator[str]:
    """The chain's lock as acts find it: as it is (free when nobody else writes), or busy."""
    if request.param == "busy":
        with mock.patch(_TRY_LOCK, _busy):
            yield request.param
    else:
        yield request.param


@pytest.fixture
def acts(engine: Engine) -> Iterator[str]:
    """A scratch table of acts and its name; `parent` must name a row of `{name}_parent`,
    checked at the commit (a deferred foreign key, on both engines)."""
    name = f"act_{uuid.uuid4().hex[:12]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {name}_parent (id INTEGER PRIMARY KEY)"))
        connection.execute(text(f"INSERT INTO {name}_parent (id) VALUES (1)"))
        connection.execute(
            text(
                f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, label TEXT, parent INTEGER "
                f"REFERENCES {name}_parent (id) DEFERRABLE INITIALLY DEFERRED)"
            )
        )
    yield name
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE {name}"))
        connection.execute(text(f"DROP TABLE {name}_parent"))


def _event(label: str, action: str = "act_done") -> AuditEvent:
    return AuditEvent(actor="tester", action=action, object_type="act", object_ids=[label])


def _act(engine: Engine, acts: str, number: int, label: str, parent: int = 1) -> None:
    with audited_transaction(engine) as transaction:
        transaction.connection.execute(
            text(f"INSERT INTO {acts} (id, label, parent) VALUES (:id, :label, :parent)"),
            {"id": number, "label": label, "parent": parent},
        )
        transaction.log(_event(label))


def _act_labels(engine: Engine, acts: str) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(text(f"SELECT label FROM {acts}")).scalars())


def _chained(engine: Engine, action: str = "act_done") -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntryRow.object_ids).where(AuditEntryRow.action == action)
        ).scalars()
        return sorted(str(r) for r in rows)


def _waiting(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(select(AuditPendingRow.object_ids)).scalars()
        return sorted(str(r) for r in rows)


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(AuditEntryRow)).scalar_one())


def _crash_after_commit(engine: Engine, wait: bool = True) -> None:
    """Stands in for `chain_pending`: the process is gone before its entries are chained."""


def test_the_model_and_migration_0018_agree(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zicht.store.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert [d for d in differences if "audit_pending" in repr(d)] == []


def test_the_act_returns_with_its_entry_chained(engine: Engine, acts: str, chain_lock: str) -> None:
    _act(engine, acts, 1, "a1")
    assert _act_labels(engine, acts) == ["a1"]
    assert _chained(engine) == ["a1"] and _waiting(engine) == []
    report = verify(engine)
    assert report.ok and report.entries == 1


def test_a_lone_act_chains_its_entry_in_its_own_commit(engine: Engine, acts: str) -> None:
    # Nobody else writes, so the chain's lock is free: the act appends its entry itself,
    # in its own transaction, and has no chaining step to wait for (one commit, not two).
    chaining: list[Engine] = []

    def chain_step(target: Engine, wait: bool = True) -> None:
        chaining.append(target)

    with mock.patch("zicht.access._audit_transaction.chain_pending", chain_step):
        _act(engine, acts, 1, "a1")
    assert chaining == []
    assert _chained(engine) == ["a1"] and _waiting(engine) == []
    assert verify(engine).entries == 1


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_act_commits_beside_a_held_chain_lock_and_is_chained_after(
    engine: Engine, acts: str
) -> None:
    # No stand-in here: another connection really holds the chain's lock. The act must
    # neither wait for it before its commit nor append without it: it commits with its
    # entry waiting, and returns once the lock is free and the entry chained.
    from zicht.store.audit import _lock_log

    with ThreadPoolExecutor(1) as pool, engine.connect() as holder:
        _lock_log(holder)  # held until this transaction ends
        act = pool.submit(_act, engine, acts, 1, "a1")
        deadline = time.monotonic() + 20
        while _waiting(engine) != ["a1"] and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _act_labels(engine, acts) == ["a1"] and _waiting(engine) == ["a1"]
        assert _count(engine) == 0 and not act.done()  # the caller waits for the chaining
        holder.rollback()
        act.result(20)
    assert _chained(engine) == ["a1"] and _waiting(engine) == []
    assert verify(engine).entries == 1


def test_a_batched_act_chains_within_its_own_transaction(engine: Engine, acts: str) -> None:
    with (
        mock.patch("zicht.access._audit_transaction.chain_pending", _crash_after_commit),
        audited_transaction(engine, batched=True) as transaction,
    ):
        for number in (1, 2):
            transaction.connection.execute(
                text(f"INSERT INTO {acts} (id, label, parent) VALUES (:id, :label, 1)"),
                {"id": number, "label": f"b{number}"},
            )
            transaction.log(_event(f"b{number}"))
    assert _chained(engine) == _act_labels(engine, acts) == ["b1", "b2"]
    assert _waiting(engine) == [] and verify(engine).entries == 2


def test_an_act_refused_at_its_commit_leaves_no_entry_waiting(
    engine: Engine, acts: str, chain_lock: str
) -> None:
    # The deferred foreign key fails only at COMMIT, after the entry was written: the
    # entry must go with the act (written in its transaction, not beside it).
    with pytest.raises(IntegrityError):
        _act(engine, acts, 1, "orphan", parent=99)
    assert _act_labels(engine, acts) == []
    assert _waiting(engine) == [] and _count(engine) == 0
    _act(engine, acts, 2, "kept")
    assert _chained(engine) == ["kept"] and _waiting(engine) == []
    assert verify(engine).entries == 1


def test_an_act_that_fails_in_its_block_leaves_nothing(
    engine: Engine, acts: str, chain_lock: str
) -> None:
    def failing_act() -> None:
        with audited_transaction(engine) as tx:
            tx.connection.execute(
                text(f"INSERT INTO {acts} (id, label, parent) VALUES (1, 'x', 1)")
            )
            tx.log(_event("lost"))
            raise RuntimeError("act failed")

    with pytest.raises(RuntimeError, match="act failed"):
        failing_act()
    assert _act_labels(engine, acts) == [] and _waiting(engine) == [] and _count(engine) == 0


def test_an_entry_that_cannot_wait_undoes_the_act(engine: Engine, acts: str, busy: None) -> None:
    def failing(connection: object, entries: object) -> None:
        raise RuntimeError("audit trail unavailable")

    with (
        mock.patch("zicht.access._audit_transaction.add_pending", failing),
        pytest.raises(RuntimeError, match="audit trail unavailable"),
    ):
        _act(engine, acts, 1, "unrecorded")
    assert _act_labels(engine, acts) == [] and _waiting(engine) == [] and _count(engine) == 0


def test_entries_left_by_a_crash_are_chained_before_the_trail_is_read(
    engine: Engine, acts: str, busy: None
) -> None:
    with mock.patch("zicht.access._audit_transaction.chain_pending", _crash_after_commit):
        _act(engine, acts, 1, "a1")
        _act(engine, acts, 2, "a2")
    assert _act_labels(engine, acts) == ["a1", "a2"]  # the acts are kept ...
    assert _waiting(engine) == ["a1", "a2"] and _count(engine) == 0  # ... and their entries
    entries, total = search(engine, action="act_done")
    assert total == 2 and [e.object_ids for e in entries] == ["a2", "a1"]  # newest first
    assert _waiting(engine) == []
    report = verify(engine)
    assert report.ok and report.entries == 2


def test_the_next_group_write_chains_waiting_entries_first(
    engine: Engine, acts: str, busy: None
) -> None:
    with mock.patch("zicht.access._audit_transaction.chain_pending", _crash_after_commit):
        _act(engine, acts, 1, "a1")
    log_action(engine, _event("v1", "page_viewed"))
    with engine.connect() as connection:
        order = connection.execute(
            select(AuditEntryRow.seq, AuditEntryRow.object_ids).order_by(AuditEntryRow.seq)
        ).all()
    assert [tuple(row) for row in order] == [(1, "a1"), (2, "v1")]
    assert _waiting(engine) == [] and verify(engine).ok


def test_a_waiting_entry_keeps_the_time_of_its_act(engine: Engine, acts: str, busy: None) -> None:
    with mock.patch("zicht.access._audit_transaction.chain_pending", _crash_after_commit):
        _act(engine, acts, 1, "a1")
    with engine.connect() as connection:
        written_at = connection.execute(select(AuditPendingRow.at)).scalar_one()
    (entry,), _ = search(engine, action="act_done")
    assert entry.at == written_at and verify(engine).ok


def test_one_transactions_entries_keep_their_order(
    engine: Engine, acts: str, chain_lock: str
) -> None:
    start = threading.Barrier(THREADS)

    def work(thread: int) -> None:
        start.wait()
        for i in range(4):
            with audited_transaction(engine) as transaction:
                for step in ("a", "b", "c"):
                    transaction.log(_event(f"{thread}-{i}-{step}", "step"))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    with engine.connect() as connection:
        seq_of = {
            str(ids): int(seq)
            for ids, seq in connection.execute(select(AuditEntryRow.object_ids, AuditEntryRow.seq))
        }
    assert len(seq_of) == THREADS * 4 * 3
    for thread in range(THREADS):
        for i in range(4):
            a, b, c = (seq_of[f"{thread}-{i}-{step}"] for step in "abc")
            assert a < b < c
    assert verify(engine).ok


def test_concurrent_acts_failures_and_page_views_keep_one_chain(
    engine: Engine, acts: str, chain_lock: str
) -> None:
    start = threading.Barrier(THREADS)

    def work(thread: int) -> None:
        start.wait()
        for i in range(PER_THREAD):
            number = thread * PER_THREAD + i
            if i % 3 == 0:  # a page view: the group writer appends it directly
                log_action(engine, _event(f"v{number}", "page_viewed"))
            elif i % 3 == 1:
                _act(engine, acts, number, f"t{number}")
            else:  # refused at the commit: neither the act nor its entry
                with pytest.raises(IntegrityError):
                    _act(engine, acts, number, f"r{number}", parent=99)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    kept = sorted(
        f"t{t * PER_THREAD + i}" for t in range(THREADS) for i in range(PER_THREAD) if i % 3 == 1
    )
    views = THREADS * sum(1 for i in range(PER_THREAD) if i % 3 == 0)
    assert _act_labels(engine, acts) == kept
    assert _chained(engine) == kept and _waiting(engine) == []
    assert len(_chained(engine, "page_viewed")) == views
    report = verify(engine)
    assert report.ok and report.entries == len(kept) + views
    with engine.connect() as connection:
        seqs = connection.execute(select(AuditEntryRow.seq).order_by(AuditEntryRow.seq)).scalars()
        assert list(seqs) == list(range(1, len(kept) + views + 1))


def _exit_at_once(_engine: Engine, wait: bool = True) -> None:
    os._exit(0)


def _acts_in_a_process(url: str, acts: str, first: int, crash: bool, busy: bool) -> None:
    with (
        mock.patch("zicht.access._audit._DEFERRING_DIALECTS", _BOTH),
        mock.patch(_TRY_LOCK, _busy) if busy else contextlib.nullcontext(),
    ):
        engine = make_engine(url)
        if crash:  # the process dies right after its act committed
            with mock.patch(
                "zicht.access._audit_transaction.chain_pending", side_effect=_exit_at_once
            ):
                _act(engine, acts, first, f"p{first}")
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda n: _act(engine, acts, n, f"p{n}"), range(first, first + 20)))
        engine.dispose()


@pytest.mark.parametrize("busy", [False, True], ids=["as-found", "busy"])
def test_two_processes_keep_one_chain(engine: Engine, acts: str, busy: bool) -> None:
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_acts_in_a_process, args=(url, acts, 1000 * (i + 1), False, busy))
        for i in range(2)
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(120)
        assert process.exitcode == 0
    assert len(_act_labels(engine, acts)) == 40
    assert _chained(engine) == _act_labels(engine, acts) and _waiting(engine) == []
    report = verify(engine)
    assert report.ok and report.entries == 40


def test_an_entry_of_a_process_killed_after_its_commit_is_not_lost(
    engine: Engine, acts: str
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    process = multiprocessing.get_context("spawn").Process(
        target=_acts_in_a_process, args=(url, acts, 1, True, True)
    )
    process.start()
    process.join(120)
    assert process.exitcode == 0
    assert _act_labels(engine, acts) == ["p1"] and _waiting(engine) == ["p1"]
    report = verify(engine)
    assert report.ok and report.entries == 1 and _chained(engine) == ["p1"]


def _log_alone(engine: Engine, event: AuditEvent) -> None:
    with audited_transaction(engine) as transaction:
        transaction.log(event)


@pytest.mark.postgres
def test_the_chain_lock_is_one_per_schema(postgres_schema_url: str) -> None:
    # A writer holding one store's chain lock does not hold up another store's writers.
    from zicht.store import upgrade
    from zicht.store.audit import _lock_log

    other_schema = f"zicht_test_{uuid.uuid4().hex[:12]}"
    base = postgres_schema_url.split("options=")[0].rstrip("?&")
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{other_schema}"'))
    separator = "&" if "?" in base else "?"
    first = make_engine(postgres_schema_url)
    second = make_engine(f"{base}{separator}options=-csearch_path%3D{other_schema}")
    try:
        upgrade(first)
        upgrade(second)
        with first.connect() as holder:
            _lock_log(holder)  # held until this transaction ends
            with ThreadPoolExecutor(1) as pool:
                pool.submit(log_action, second, _event("elsewhere", "page_viewed")).result(20)
                # An act of the other store finds its chain's lock free: chained in its
                # own commit, with no chaining step after it.
                with mock.patch(
                    "zicht.access._audit_transaction.chain_pending", _crash_after_commit
                ):
                    pool.submit(_log_alone, second, _event("act elsewhere")).result(20)
            holder.rollback()
        assert _waiting(second) == [] and _chained(second) == ["act elsewhere"]
        assert _count(second) == 2 and verify(second).ok
    finally:
        first.dispose()
        second.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{other_schema}" CASCADE'))
        admin.dispose()
