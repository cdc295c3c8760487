"""An export's record ids beside the audit chain: written with its entry, found by the
search, rehashed by `verify` (SQLite and PostgreSQL).

The oracles are plain SQL on `audit_export_id` and `hashlib` over the ids as the test
chose them, not the code under test.
"""

from __future__ import annotations

import hashlib
import json
from unittest import mock

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from zicht.access import AuditEvent, audited_transaction, log_action, search, verify
from zicht.store.audit import AuditEntryRow
from zicht.store.audit_exports import AuditExportIdRow
from zicht.store.models import Base

EXPORTED = [907, 13, 5, 4242, 13_000_001]
"""In the file's order: not sorted, so that a digest over sorted ids would differ."""


def _event(n: int) -> AuditEvent:
    return AuditEvent(actor=f"tester{n}", action="view_identity", object_ids=[n], purpose="t")


def _export(engine: Engine, ids: list[int], actor: str = "exporter") -> str:
    with audited_transaction(engine) as transaction:
        return transaction.log_export(
            AuditEvent(
                actor=actor,
                action="export_registrations",
                object_type="victim_registration",
                details={"filters": {"year": "2023"}},
            ),
            ids,
        )


def _world(engine: Engine) -> str:
    """Entries 1-2, the export at 3, entries 4-5; the export's key."""
    log_action(engine, _event(1))
    log_action(engine, _event(2))
    key = _export(engine, EXPORTED)
    log_action(engine, _event(4))
    log_action(engine, _event(5))
    return key


def _details(engine: Engine, seq: int) -> dict[str, object]:
    with engine.connect() as connection:
        value = connection.execute(
            select(AuditEntryRow.details).where(AuditEntryRow.seq == seq)
        ).scalar_one()
    return value if isinstance(value, dict) else json.loads(str(value))  # type: ignore[no-any-return]


def _drop_guards(engine: Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_export_id_append_only ON audit_export_id"))
        else:
            connection.execute(text("DROP TRIGGER audit_export_id_no_update"))
            connection.execute(text("DROP TRIGGER audit_export_id_no_delete"))


def test_models_and_migration_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert [d for d in differences if "audit_export_id" in repr(d)] == []


def test_the_ids_are_stored_in_order_under_the_key_the_entry_chains(engine: Engine) -> None:
    key = _world(engine)
    details = _details(engine, 3)
    assert details["export_key"] == key and details["rows"] == len(EXPORTED)
    assert details["filters"] == {"year": "2023"}
    joined = ",".join(str(i) for i in EXPORTED).encode()
    assert details["ids_sha256"] == hashlib.sha256(joined).hexdigest()
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT record_id FROM audit_export_id WHERE export_key = :key ORDER BY position"),
            {"key": key},
        ).all()
    assert [r[0] for r in rows] == EXPORTED
    assert verify(engine).ok


def test_the_search_finds_an_export_by_each_id_it_contains(engine: Engine) -> None:
    _world(engine)
    _export(engine, [13, 77], actor="second exporter")
    for record in EXPORTED:
        found, total = search(engine, object_id=str(record))
        exporters = {e.actor for e in found if e.action == "export_registrations"}
        expected = {"exporter", "second exporter"} if record == 13 else {"exporter"}
        assert exporters == expected, record
        assert total == len(found)
    # The entry naming id 5 in its object_ids and the export containing 5, nothing else.
    assert sorted(e.seq for e in search(engine, object_id="5")[0]) == [3, 5]
    assert search(engine, object_id="6")[1] == 0
    assert search(engine, object_id="77", actor="second")[1] == 1
    assert search(engine, object_id="77", action="view_identity")[1] == 0
    assert search(engine, object_id="not a number")[1] == 0


def test_the_database_refuses_changes_to_exported_ids(engine: Engine) -> None:
    _world(engine)
    with pytest.raises(SQLAlchemyError), engine.begin() as connection:
        connection.execute(text("UPDATE audit_export_id SET record_id = 1"))
    with pytest.raises(SQLAlchemyError), engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_export_id"))
    assert verify(engine).ok


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_export_id SET record_id = 6 WHERE record_id = 4242",
        "DELETE FROM audit_export_id WHERE record_id = 13",
        "INSERT INTO audit_export_id (export_key, position, record_id) VALUES (:key, 99, 6)",
        "UPDATE audit_export_id SET position = 10 - position",  # the order reversed
    ],
)
def test_altered_exported_ids_break_verify_at_the_export(engine: Engine, tamper: str) -> None:
    key = _world(engine)
    assert verify(engine).ok
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text(tamper), {"key": key} if ":key" in tamper else {})
    report = verify(engine)
    assert not report.ok
    assert report.first_broken_seq == 3 and report.problem is not None
    assert "exported record ids" in report.problem


def test_a_failed_act_leaves_neither_entry_nor_ids(engine: Engine) -> None:
    log_action(engine, _event(1))

    def failing_export() -> None:
        with audited_transaction(engine) as transaction:
            transaction.log_export(AuditEvent(actor="x", action="export_registrations"), EXPORTED)
            raise RuntimeError("the export failed")

    with pytest.raises(RuntimeError):
        failing_export()
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(AuditExportIdRow)).scalar() == 0
        assert connection.execute(select(func.count()).select_from(AuditEntryRow)).scalar() == 1
    assert verify(engine).ok


def test_a_large_export_is_stored_whole(engine: Engine) -> None:
    ids = list(range(25_000, 0, -1))  # more than one insert chunk
    _export(engine, ids)
    assert verify(engine).ok
    assert search(engine, object_id="1")[1] == 1 and search(engine, object_id="25000")[1] == 1


def test_ids_left_unwritten_are_found_by_verify(engine: Engine) -> None:
    """The planted bug: the entry chains a digest but the ids are never stored."""
    with mock.patch("zicht.access._audit_transaction.write_export_ids"):
        _world(engine)
    report = verify(engine)
    assert not report.ok and report.first_broken_seq == 3
    assert search(engine, object_id=str(EXPORTED[0]))[1] == 0
