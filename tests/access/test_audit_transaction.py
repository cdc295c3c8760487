"""Audit entries in the caller's transaction: the act and its entry commit together.

Every test runs on SQLite and PostgreSQL. The "act" is a row of a scratch table made
for the test, so the oracle is plain SQL: which act rows exist, which entries name them.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import Engine, func, select, text

from zicht.access import (
    AuditEvent,
    Checkpoints,
    audited_transaction,
    checkpoint_audit,
    log_action,
    verify,
)
from zicht.privacy import Cipher, generate_key
from zicht.store.audit import AuditEntryRow

THREADS = 8
PER_THREAD = 12


@pytest.fixture
def acts(engine: Engine) -> Iterator[str]:
    """A scratch table of acts (one row per act) and its name."""
    name = f"act_{uuid.uuid4().hex[:12]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, label TEXT)"))
    yield name
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE {name}"))


def _event(label: str, action: str = "act_done") -> AuditEvent:
    return AuditEvent(actor="tester", action=action, object_type="act", object_ids=[label])


def _act(engine: Engine, acts: str, number: int, label: str) -> None:
    with audited_transaction(engine) as transaction:
        transaction.connection.execute(
            text(f"INSERT INTO {acts} (id, label) VALUES (:id, :label)"),
            {"id": number, "label": label},
        )
        transaction.log(_event(label))


def _act_labels(engine: Engine, acts: str) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(text(f"SELECT label FROM {acts}")).scalars())


def _logged(engine: Engine, action: str = "act_done") -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntryRow.object_ids).where(AuditEntryRow.action == action)
        ).scalars()
        return sorted(str(r) for r in rows)


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(AuditEntryRow)).scalar_one())


def test_an_act_and_its_entry_commit_together(engine: Engine, acts: str) -> None:
    _act(engine, acts, 1, "a1")
    assert _act_labels(engine, acts) == ["a1"]
    assert _logged(engine) == ["a1"]
    report = verify(engine)
    assert report.ok and report.entries == 1


def test_an_act_that_fails_leaves_no_entry(engine: Engine, acts: str) -> None:
    def failing_act() -> None:
        with audited_transaction(engine) as tx:
            tx.connection.execute(text(f"INSERT INTO {acts} (id, label) VALUES (1, 'lost')"))
            tx.log(_event("lost"))
            raise RuntimeError("act failed")

    with pytest.raises(RuntimeError, match="act failed"):
        failing_act()
    assert _act_labels(engine, acts) == []
    assert _count(engine) == 0
    _act(engine, acts, 2, "kept")  # the chain goes on where it was
    assert _logged(engine) == ["kept"] and verify(engine).ok


def test_an_entry_that_cannot_be_written_undoes_the_act(engine: Engine, acts: str) -> None:
    def failing(connection: object, builds: object) -> None:
        raise RuntimeError("audit trail unavailable")

    with (  # the chain on SQLite, the waiting entries on PostgreSQL
        mock.patch("zicht.access._audit_transaction.append_in", failing),
        mock.patch("zicht.access._audit_transaction.add_pending", failing),
        pytest.raises(RuntimeError, match="audit trail unavailable"),
    ):
        _act(engine, acts, 1, "unrecorded")
    assert _act_labels(engine, acts) == []
    assert _count(engine) == 0


def test_a_duplicate_act_rolls_back_its_entry(engine: Engine, acts: str) -> None:
    _act(engine, acts, 1, "first")
    with pytest.raises(Exception, match=r"(?i)unique|duplicate|constraint"):
        _act(engine, acts, 1, "again")  # same primary key: the database refuses the act
    assert _act_labels(engine, acts) == ["first"]
    assert _logged(engine) == ["first"]


def test_chain_holds_under_concurrent_transactions_and_group_writes(
    engine: Engine, acts: str
) -> None:
    start = threading.Barrier(THREADS)

    def work(thread: int) -> None:
        start.wait()
        for i in range(PER_THREAD):
            number = thread * PER_THREAD + i
            if (thread + i) % 2:
                _act(engine, acts, number, f"t{number}")
            else:  # a page view: the group writer, beside the in-transaction appends
                log_action(engine, _event(f"v{number}", "page_viewed"))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    total = THREADS * PER_THREAD
    in_transaction = [
        f"t{t * PER_THREAD + i}" for t in range(THREADS) for i in range(PER_THREAD) if (t + i) % 2
    ]
    assert _act_labels(engine, acts) == sorted(in_transaction)
    assert _logged(engine) == sorted(in_transaction)
    assert len(_logged(engine, "page_viewed")) == total - len(in_transaction)
    report = verify(engine)
    assert report.ok and report.entries == total
    with engine.connect() as connection:
        seqs = connection.execute(select(AuditEntryRow.seq).order_by(AuditEntryRow.seq)).scalars()
        assert list(seqs) == list(range(1, total + 1))


def test_search_returns_typed_frozen_rows(engine: Engine) -> None:
    import dataclasses
    import datetime as dt

    from zicht.access import AuditEntry, search

    log_action(
        engine,
        AuditEvent(
            actor="tester",
            action="view_person",
            object_type="person",
            object_ids=[7, 9],
            purpose="case review",
            details={"path": "/persons/7"},
        ),
    )
    entries, total = search(engine, action="view_person")
    assert total == 1
    (entry,) = entries
    assert isinstance(entry, AuditEntry)
    assert (entry.seq, entry.actor, entry.action, entry.purpose) == (
        1,
        "tester",
        "view_person",
        "case review",
    )
    assert entry.object_ids == "7,9" and entry.ids == ("7", "9")
    assert entry.details == {"path": "/persons/7"} and isinstance(entry.at, dt.datetime)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.actor = "forger"  # type: ignore[misc]


def test_an_orm_session_on_the_connection_joins_the_transaction(engine: Engine, acts: str) -> None:
    from sqlalchemy.orm import Session

    with audited_transaction(engine) as transaction:
        with Session(bind=transaction.connection) as session:
            session.execute(text(f"INSERT INTO {acts} (id, label) VALUES (1, 'orm')"))
            session.flush()
        transaction.log(_event("orm"))
    assert _act_labels(engine, acts) == ["orm"]  # the session's close did not undo it
    assert _logged(engine) == ["orm"] and verify(engine).ok


def test_a_checkpoint_that_fails_after_the_commit_does_not_fail_the_act(
    engine: Engine,
    acts: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The act and its entry are committed when the checkpoint step runs: an error there
    # (of any kind) must not reach the caller, who would retry an act already done.
    monkeypatch.setattr("zicht.access._audit.CHECKPOINT_EVERY", 1)
    checkpoints = Checkpoints.of(engine, Cipher(generate_key()), tmp_path)
    assert checkpoint_audit(engine, checkpoints)

    def broken(*_args: object) -> None:
        raise RuntimeError("secret-value-7731")

    monkeypatch.setattr(Checkpoints, "advance", broken)
    caplog.set_level("ERROR", logger="zicht.access._audit_transaction")
    with audited_transaction(engine, batched=True) as transaction:
        transaction.connection.execute(text(f"INSERT INTO {acts} (id, label) VALUES (1, 'a1')"))
        transaction.log(_event("a1"))
    assert _act_labels(engine, acts) == ["a1"] and _logged(engine) == ["a1"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "RuntimeError" in logged and "secret-value-7731" not in logged
    monkeypatch.undo()  # verify checkpoints too
    assert verify(engine).ok
