"""The audit trail: every identity view leaves an entry; tampering is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import SQLAlchemyError
from typer.testing import CliRunner

from tests.web.conftest import WebWorld
from zicht.access import AuditEvent, log_action, verify
from zicht.cli import app as cli_app
from zicht.store.audit import AuditEntryRow


def _entries(engine: Engine, action: str) -> list[dict[str, object]]:
    table = AuditEntryRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table).where(table.c.action == action)).all()
    return [dict(row._mapping) for row in rows]


def test_every_identity_view_is_recorded(world: WebWorld) -> None:
    coordinator = world.client("coordinator")
    purpose = "checking a referral"
    csrf = world.csrf(coordinator)
    page = coordinator.post("/registrations", data={"purpose": purpose, "csrf_token": csrf})
    assert page.status_code == 200
    single = coordinator.post(
        "/registrations/victim_registration/1", data={"purpose": purpose, "csrf_token": csrf}
    )
    assert single.status_code == 200
    api = coordinator.get("/api/registrations", params={"identities": "true", "purpose": purpose})
    assert api.status_code == 200 and api.json()["items"][0]["identity"] is not None
    person = coordinator.get(
        f"/api/persons/{world.linked_person}", params={"identities": "true", "purpose": purpose}
    )
    assert person.status_code == 200
    steward = world.client("data_steward")
    steward.get("/quarantine/1")
    steward.get("/quarantine/export.csv")
    views = _entries(world.engine, "view_identity")
    assert len(views) == 4
    assert all(v["actor"] == "coordinator" and v["purpose"] == purpose for v in views)
    assert all(v["object_ids"] for v in views)
    assert views[1]["object_ids"] == "1"
    assert _entries(world.engine, "view_quarantine_row")[0]["object_ids"] == "1"
    assert _entries(world.engine, "export_quarantine")
    # never identity values in the log
    with world.engine.connect() as connection:
        dump = " ".join(str(r) for r in connection.execute(select(AuditEntryRow.__table__)).all())
    assert "Popescu" not in dump and "Ioana" not in dump


def test_identities_need_a_purpose(world: WebWorld) -> None:
    coordinator = world.client("coordinator")
    page = coordinator.post(
        "/registrations", data={"purpose": "", "csrf_token": world.csrf(coordinator)}
    )
    assert page.status_code == 200 and "Popescu" not in page.text
    api = coordinator.get("/api/registrations", params={"identities": "true"})
    assert api.status_code == 400
    analyst_api = world.client("analyst").get(
        "/api/registrations", params={"identities": "true", "purpose": "x" * 9}
    )
    assert analyst_api.status_code == 403
    assert not _entries(world.engine, "view_identity")


def test_account_changes_are_recorded(world: WebWorld) -> None:
    client = world.client("administrator")
    client.post(
        "/admin/users",
        data={"username": "someone", "role": "analyst", "csrf_token": world.csrf(client)},
    )
    client.post("/admin/users/someone/disable", data={"csrf_token": world.csrf(client)})
    actions = {e["action"] for e in _entries(world.engine, "user_added")} | {
        e["action"] for e in _entries(world.engine, "user_disabled")
    }
    assert actions == {"user_added", "user_disabled"}
    assert _entries(world.engine, "user_disabled")[0]["actor"] == "administrator"


def _drop_guards(engine: Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))
        else:
            connection.execute(text("DROP TRIGGER audit_entry_no_update"))
            connection.execute(text("DROP TRIGGER audit_entry_no_delete"))


def _fill(engine: Engine, count: int = 6) -> None:
    for i in range(count):
        log_action(
            engine,
            AuditEvent(
                actor="tester",
                action="view_identity",
                object_type="victim_registration",
                object_ids=[i],
                purpose="test",
                details={"n": i},
            ),
        )


def test_the_database_refuses_changes(engine: Engine) -> None:
    _fill(engine, 2)
    with pytest.raises(SQLAlchemyError), engine.begin() as connection:
        connection.execute(text("UPDATE audit_entry SET actor = 'someone else'"))
    with pytest.raises(SQLAlchemyError), engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entry"))
    assert verify(engine).ok


@pytest.mark.parametrize(
    ("tamper", "broken_seq"),
    [
        ("UPDATE audit_entry SET actor = 'someone else' WHERE seq = 3", 3),
        ("UPDATE audit_entry SET purpose = 'other' WHERE seq = 5", 5),
        ("DELETE FROM audit_entry WHERE seq = 4", 5),
        ("DELETE FROM audit_entry WHERE seq = 1", 2),
    ],
)
def test_tampering_is_detected(engine: Engine, tamper: str, broken_seq: int) -> None:
    _fill(engine)
    assert verify(engine).ok
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text(tamper))
    report = verify(engine)
    assert not report.ok
    assert report.first_broken_seq == broken_seq


def test_a_recomputed_entry_still_breaks_the_chain(engine: Engine) -> None:
    from zicht.access import entry_hash

    _fill(engine)
    _drop_guards(engine)
    table = AuditEntryRow.__table__
    with engine.begin() as connection:
        row = dict(connection.execute(select(table).where(table.c.seq == 2)).one()._mapping)
        row["actor"] = "forger"
        connection.execute(
            table.update()
            .where(table.c.seq == 2)
            .values(actor="forger", entry_hash=entry_hash(row))
        )
    report = verify(engine)
    assert not report.ok and report.first_broken_seq == 3


def test_removing_the_newest_entries_is_detected_with_an_anchor(engine: Engine) -> None:
    _fill(engine)
    head = verify(engine).head_hash
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entry WHERE seq = 6"))
    assert verify(engine).ok  # a chain cut at its end is still a chain ...
    report = verify(engine, anchor=head)  # ... but the recorded head is gone
    assert not report.ok


def test_cli_audit_verify(world: WebWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_DATABASE_URL", world.engine.url.render_as_string(hide_password=False))
    _fill(world.engine)
    runner = CliRunner()
    result = runner.invoke(cli_app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    _drop_guards(world.engine)
    with world.engine.begin() as connection:
        connection.execute(text("UPDATE audit_entry SET client = 'elsewhere' WHERE seq = 2"))
    result = runner.invoke(cli_app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "zicht audit verify: error: audit trail broken at entry 2" in result.output


def test_the_auditor_sees_the_broken_chain(world: WebWorld) -> None:
    _fill(world.engine)
    auditor = world.client("auditor")
    page = auditor.get("/audit?action=view_identity")
    assert page.status_code == 200 and "intact" in page.text
    assert "tester" in page.text
