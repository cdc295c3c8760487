"""Every path that decrypts identity data leaves exactly one audit entry with actor and purpose.

The table below is written by hand from docs/privacy.md: each way a person can see
identity values (web page, API, `zicht link explain --show-identities`,
`zicht quarantine export`), who the trail must name and with which action. A path
that decrypts without its entry, or records two, fails here.
"""

from __future__ import annotations

import base64
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from tests.web.conftest import WebWorld, build_world
from zicht.access import PurposeError, verify
from zicht.access._identities import Look
from zicht.cli import app
from zicht.privacy import Cipher, generate_key
from zicht.store.audit import AuditEntryRow

PURPOSE = "checking a referral"
QUARANTINE_PURPOSE = "correct quarantined rows of the own organisation"
CLI_ACTOR = f"cli:{getpass.getuser()}"
KEY = generate_key()

# (path, who asks, request, action recorded, actor recorded, purpose recorded); a request
# "POST path" is a form POSTed with the purpose (the purpose never in the URL).
WEB_CASES: list[tuple[str, str, str, str, str, str | None]] = [
    (
        "list page",
        "coordinator",
        "POST /registrations",
        "view_identity",
        "coordinator",
        PURPOSE,
    ),
    (
        "list page without identities",
        "coordinator",
        "/registrations?q=1",
        "list_registrations",
        "coordinator",
        None,
    ),
    (
        "list export with identities",
        "coordinator",
        "POST /registrations/export.csv",
        "view_identity",
        "coordinator",
        PURPOSE,
    ),
    (
        "list export",
        "coordinator",
        "/registrations/export.csv?year=2023",
        "export_registrations",
        "coordinator",
        None,
    ),
    (
        "registration page",
        "coordinator",
        "POST /registrations/victim_registration/1",
        "view_identity",
        "coordinator",
        PURPOSE,
    ),
    (
        "registration page without identities",
        "coordinator",
        "/registrations/victim_registration/1",
        "view_registration",
        "coordinator",
        None,
    ),
    (
        "person page",
        "coordinator",
        "/persons/{person}?identities=1&purpose=" + PURPOSE,
        "view_identity",
        "coordinator",
        PURPOSE,
    ),
    (
        "person page without identities",
        "coordinator",
        "/persons/{person}",
        "view_person",
        "coordinator",
        None,
    ),
    (
        "API list",
        "coordinator",
        f"/api/registrations?identities=true&purpose={PURPOSE}",
        "view_identity",
        "coordinator",
        PURPOSE,
    ),
    (
        "API registration",
        "coordinator",
        f"/api/registrations/victim_registration/1?identities=true&purpose={PURPOSE}",
        "view_identity",
        "coordinator",
        PURPOSE,
    ),
    (
        "API person",
        "coordinator",
        "/api/persons/{person}?identities=true&purpose=" + PURPOSE,
        "view_identity",
        "coordinator",
        PURPOSE,
    ),
    (
        "API list with a token",
        "token",
        f"/api/registrations?identities=true&purpose={PURPOSE}",
        "view_identity",
        "token:test-system",
        PURPOSE,
    ),
    (
        "quarantine row page",
        "data_steward",
        "/quarantine/1",
        "view_quarantine_row",
        "data_steward",
        QUARANTINE_PURPOSE,
    ),
    (
        "quarantine export page",
        "data_steward",
        "/quarantine/export.csv",
        "export_quarantine",
        "data_steward",
        QUARANTINE_PURPOSE,
    ),
]


@pytest.fixture
def keyed_world(engine: Engine, tmp_path: Path) -> WebWorld:
    """The web world under a key the CLI can be given as well."""
    return build_world(engine, Cipher(KEY), tmp_path)


def _entries(engine: Engine) -> list[dict[str, Any]]:
    table = AuditEntryRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.seq)).all()
    return [dict(row._mapping) for row in rows]


def _one_new_entry(engine: Engine, act: Callable[[], None]) -> dict[str, Any]:
    before = len(_entries(engine))
    act()
    new = _entries(engine)[before:]
    assert len(new) == 1, [entry["action"] for entry in new]
    return new[0]


@pytest.mark.parametrize(
    ("path", "who", "url", "action", "actor", "purpose"),
    WEB_CASES,
    ids=[case[0] for case in WEB_CASES],
)
def test_each_web_and_api_path_leaves_one_entry(
    keyed_world: WebWorld,
    path: str,
    who: str,
    url: str,
    action: str,
    actor: str,
    purpose: str | None,
) -> None:
    world = keyed_world
    if who == "token":
        client = world.client()
        client.headers["authorization"] = "Bearer " + world.token(
            ["list_registrations", "view_identity"]
        )
    else:
        client = world.client(who)
    url = url.format(person=world.linked_person)

    def call() -> None:
        if url.startswith("POST "):
            form = {"purpose": PURPOSE, "csrf_token": world.csrf(client)}
            response = client.post(url.removeprefix("POST "), data=form)
        else:
            response = client.get(url)
        assert response.status_code == 200, response.text[:300]

    entry = _one_new_entry(world.engine, call)
    assert (entry["action"], entry["actor"], entry["purpose"]) == (action, actor, purpose)
    assert entry["object_ids"]
    assert verify(world.engine).ok


def _cli_env(world: WebWorld) -> dict[str, str]:
    return {
        "ZICHT_DATABASE_URL": world.engine.url.render_as_string(hide_password=False),
        "ZICHT_SECRET_KEY": base64.b64encode(KEY).decode(),
        "ZICHT_SECRET_KEY_FILE": "",
    }


def test_link_explain_show_identities_leaves_one_entry(keyed_world: WebWorld) -> None:
    world = keyed_world
    arguments = ["link", "explain", "--person", str(world.linked_person), "--show-identities"]

    def call() -> None:
        result = CliRunner().invoke(app, [*arguments, "--purpose", PURPOSE], env=_cli_env(world))
        assert result.exit_code == 0, result.output
        assert "Popescu" in result.output  # the values were decrypted and shown

    entry = _one_new_entry(world.engine, call)
    assert (entry["action"], entry["actor"], entry["purpose"]) == (
        "view_identity",
        CLI_ACTOR,
        PURPOSE,
    )
    assert entry["actor_kind"] == "system" and entry["object_type"] == "victim_registration"
    before = len(_entries(world.engine))
    refused = CliRunner().invoke(app, arguments, env=_cli_env(world))
    assert refused.exit_code == 2 and "--purpose" in refused.output
    assert "Popescu" not in refused.output and len(_entries(world.engine)) == before
    verified = CliRunner().invoke(app, ["audit", "verify"], env=_cli_env(world))
    assert verified.exit_code == 0, verified.output


def test_quarantine_export_leaves_one_entry(keyed_world: WebWorld, tmp_path: Path) -> None:
    world = keyed_world
    out = tmp_path / "fix.csv"
    arguments = ["quarantine", "export", "--source", "police", "--out", str(out)]

    def call() -> None:
        result = CliRunner().invoke(app, [*arguments, "--purpose", PURPOSE], env=_cli_env(world))
        assert result.exit_code == 0, result.output

    entry = _one_new_entry(world.engine, call)
    assert (entry["action"], entry["actor"], entry["purpose"]) == (
        "export_quarantine",
        CLI_ACTOR,
        PURPOSE,
    )
    # the entry names exactly the rows the file holds (4 quarantined police rows)
    exported = out.read_text(encoding="utf-8").splitlines()[1:]
    ids = sorted(line.split(",")[0] for line in exported)
    assert len(ids) == 4 and sorted(entry["object_ids"].split(",")) == ids
    before = len(_entries(world.engine))
    refused = CliRunner().invoke(app, arguments, env=_cli_env(world))
    assert refused.exit_code == 2
    short = CliRunner().invoke(app, [*arguments, "--purpose", "x"], env=_cli_env(world))
    assert short.exit_code == 2 and "purpose" in short.output
    assert len(_entries(world.engine)) == before
    verified = CliRunner().invoke(app, ["audit", "verify"], env=_cli_env(world))
    assert verified.exit_code == 0, verified.output


def test_a_look_needs_a_purpose() -> None:
    from zicht.access import Actor

    with pytest.raises(PurposeError):
        Look(Actor("someone"), "   ")
    assert Look(Actor("someone"), "  why not  ").purpose == "why not"


def test_with_no_ids_nothing_is_decrypted_but_the_look_is_recorded(engine: Engine) -> None:
    from zicht.access import Actor, reveal_identities

    look = Look(Actor("someone"), PURPOSE)
    assert reveal_identities(engine, Cipher(KEY), look, "victim_registration", []) == {}
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(AuditEntryRow)).scalar_one()
    assert count == 1
