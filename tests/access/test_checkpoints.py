"""Signed checkpoints of the audit head catch what the chain alone cannot (issue 11, point 9).

Two attacks by someone who can write the database: deleting the newest entries, and
rewriting an entry together with every later hash. Both leave a valid chain; both must
fail against the last checkpoint, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from tests.web.conftest import BASE_URL, TestClient, WebWorld
from zicht.access import (
    AuditEvent,
    CheckpointError,
    Checkpoints,
    checkpoint_audit,
    entry_hash,
    log_action,
    verify,
)
from zicht.cli import app
from zicht.privacy import Cipher, generate_key
from zicht.store.audit import AuditEntryRow


def _drop_guards(engine: Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))
        else:
            connection.execute(text("DROP TRIGGER audit_entry_no_update"))
            connection.execute(text("DROP TRIGGER audit_entry_no_delete"))


def _fill(engine: Engine, count: int) -> None:
    for i in range(count):
        log_action(engine, AuditEvent(actor="tester", action="view_identity", object_ids=[i]))


def _rewrite_from(engine: Engine, seq: int) -> None:
    """Change entry `seq`'s actor and recompute its hash and every later one."""
    table = AuditEntryRow.__table__
    with engine.begin() as connection:
        rows = [
            dict(r._mapping)
            for r in connection.execute(select(table).where(table.c.seq >= seq).order_by("seq"))
        ]
        previous = None
        for row in rows:
            if previous is None:
                row["actor"] = "forger"
            else:
                row["previous_hash"] = previous
            row["entry_hash"] = entry_hash(row)
            previous = row["entry_hash"]
            connection.execute(
                table.update()
                .where(table.c.seq == row["seq"])
                .values(
                    actor=row["actor"],
                    previous_hash=row["previous_hash"],
                    entry_hash=row["entry_hash"],
                )
            )


def test_removing_the_newest_entries_fails(engine: Engine, cipher: Cipher, tmp_path: Path) -> None:
    checkpoints = Checkpoints.of(engine, cipher, tmp_path)
    _fill(engine, 6)
    assert verify(engine, checkpoints=checkpoints).ok  # checkpoints entry 6
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entry WHERE seq >= 5"))
    assert verify(engine).ok  # the chain alone does not see it
    report = verify(engine, checkpoints=checkpoints)
    assert not report.ok and report.entries == 4 and report.checkpoint_seq == 6
    assert report.problem is not None and "removed" in report.problem
    # the evidence stays: the checkpoint is not moved back to the shortened chain
    assert not checkpoints.advance(engine, 4, report.head_hash)
    checkpoint = checkpoints.read()
    assert checkpoint is not None and checkpoint.seq == 6


def test_rewriting_an_entry_and_every_later_hash_fails(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    checkpoints = Checkpoints.of(engine, cipher, tmp_path)
    _fill(engine, 6)
    assert verify(engine, checkpoints=checkpoints).ok
    _drop_guards(engine)
    _rewrite_from(engine, 3)
    assert verify(engine).ok  # a consistent forgery of the chain
    report = verify(engine, checkpoints=checkpoints)
    assert not report.ok and report.first_broken_seq == 6
    assert report.problem is not None and "checkpoint" in report.problem


def test_a_checkpoint_is_signed(engine: Engine, cipher: Cipher, tmp_path: Path) -> None:
    checkpoints = Checkpoints.of(engine, cipher, tmp_path)
    _fill(engine, 3)
    assert verify(engine, checkpoints=checkpoints).ok
    stored = json.loads(checkpoints.path.read_text(encoding="utf-8"))
    checkpoints.path.write_text(json.dumps({**stored, "seq": 2}), encoding="utf-8")
    with pytest.raises(CheckpointError):
        checkpoints.read()
    report = verify(engine, checkpoints=checkpoints)
    assert not report.ok and report.problem is not None and "signature" in report.problem
    other_key = Checkpoints.of(engine, Cipher(generate_key()), tmp_path)
    checkpoints.path.write_text(json.dumps(stored), encoding="utf-8")
    with pytest.raises(CheckpointError):
        other_key.read()  # a checkpoint signed under another key is refused too


def test_the_writer_checkpoints_every_n_entries(
    engine: Engine, cipher: Cipher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zicht.access._audit.CHECKPOINT_EVERY", 5)
    checkpoints = Checkpoints.of(engine, cipher, tmp_path)
    assert checkpoint_audit(engine, checkpoints)  # at start: the empty chain
    first = checkpoints.read()
    assert first is not None and first.seq == 0
    _fill(engine, 12)
    written = checkpoints.read()
    # one entry per commit: the last multiple of 5 passed is entry 10
    assert written is not None and written.seq == 10
    with engine.connect() as connection:
        tenth = connection.execute(
            select(AuditEntryRow.entry_hash).where(AuditEntryRow.seq == 10)
        ).scalar_one()
    assert written.head_hash == tenth


def test_cli_verify_checkpoints_and_catches_removal(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = generate_key()
    monkeypatch.setenv("ZICHT_DATABASE_URL", database_url)
    monkeypatch.setenv("ZICHT_SECRET_KEY", base64.b64encode(key).decode())
    monkeypatch.delenv("ZICHT_SECRET_KEY_FILE", raising=False)
    monkeypatch.setenv("ZICHT_AUDIT_CHECKPOINT_DIR", str(tmp_path / "anchors"))
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    for name in ("anna", "bert", "carla"):
        added = runner.invoke(app, ["users", "add", name, "--role", "analyst"])
        assert added.exit_code == 0, added.output
    first = runner.invoke(app, ["audit", "verify"])
    assert first.exit_code == 0 and "no earlier checkpoint" in first.output, first.output
    second = runner.invoke(app, ["audit", "verify"])
    assert second.exit_code == 0 and "checkpoint at entry 3 held" in second.output
    from zicht.store import make_engine

    engine = make_engine(database_url)
    try:
        _drop_guards(engine)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
    finally:
        engine.dispose()
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "newest entries were removed" in broken.output


def test_the_server_checkpoints_at_start(sqlite_world: WebWorld) -> None:
    world = sqlite_world
    database = world.engine.url.database
    assert database is not None
    checkpoints = Checkpoints.of(world.engine, world.cipher, Path(database).parent)
    with world.engine.connect() as connection:
        seq, head = connection.execute(
            select(AuditEntryRow.seq, AuditEntryRow.entry_hash).order_by(AuditEntryRow.seq.desc())
        ).first() or (0, "")
    assert seq > 0  # the world's accounts were audited
    assert checkpoints.read() is None
    with TestClient(world.app, base_url=BASE_URL):  # type: ignore[arg-type]
        pass  # start and stop: the lifespan of a server process
    checkpoint = checkpoints.read()
    assert checkpoint is not None and (checkpoint.seq, checkpoint.head_hash) == (seq, head)
