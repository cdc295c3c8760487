"""Every path that decrypts identity data leaves exactly one audit entry with actor and purpose.

The table below is written by hand from docs/privacy.md: each way a person can see
identity values (web page, API, `zicht link explain --show-identities`,
`zicht quarantine export`), who the trail must name and with which action. A path
that decrypts without its entry, or records two, fails here.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from typer.testing import CliRunner

from tests.web.conftest import WebWorld, build_world
from zicht.access import PurposeError, search, verify
from zicht.access._identities import Look
from zicht.cli import app
from zicht.privacy import Cipher, generate_key
from zicht.store.audit import AuditEntryRow
from zicht.store.audit_exports import export_ids

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
        "POST /persons/{person}",
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
    if action == "export_registrations":
        # The ids are named beside the chain (up to 100,000 of them), under the export's key
        # in the entry, hashed into it, and the trail finds the export by each of them.
        details = entry["details"]
        if not isinstance(details, dict):
            details = json.loads(str(details))
        with world.engine.connect() as connection:
            exported = export_ids(connection, details["export_key"])
        assert exported and details["rows"] == len(exported)
        in_order = ",".join(str(i) for i in exported).encode()
        assert details["ids_sha256"] == hashlib.sha256(in_order).hexdigest()
        for record in (exported[0], exported[-1]):
            found, _ = search(world.engine, object_id=str(record))
            assert entry["id"] in [e.id for e in found]
    else:
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


def test_registrations_of_several_types_are_one_look(keyed_world: WebWorld) -> None:
    """reveal_registrations: every type decrypted, one entry naming `type/id` of each."""
    from zicht.access import Actor, reveal_registrations

    world = keyed_world
    look = Look(Actor("analyst-7", kind="user", organisation="comensha"), PURPOSE)
    asked = {"victim_registration": [1, 2], "suspect_registration": [7]}
    found: dict[str, dict[int, dict[str, Any]]] = {}

    def call() -> None:
        found.update(reveal_registrations(world.engine, world.cipher, look, asked))

    revealed = _one_new_entry(world.engine, call)
    # registration 1 is the first police row of examples/police_victims.csv
    assert found["victim_registration"][1]["family_name"] == "Popescu"
    assert set(found["victim_registration"]) == {1, 2}
    assert found["suspect_registration"] == {}  # no suspect 7 in this store
    assert (revealed["action"], revealed["actor"], revealed["purpose"]) == (
        "view_identity",
        "analyst-7",
        PURPOSE,
    )
    assert (revealed["object_type"], revealed["object_ids"]) == (
        "registration",
        "victim_registration/1,victim_registration/2,suspect_registration/7",
    )
    assert (revealed["actor_kind"], revealed["actor_organisation"]) == ("user", "comensha")
    assert verify(world.engine).ok


def test_a_purpose_of_five_characters_is_enough_and_four_is_not() -> None:
    from zicht.access import MIN_PURPOSE, Actor

    assert MIN_PURPOSE == 5
    assert Look(Actor("someone"), "  abcde ").purpose == "abcde"
    with pytest.raises(PurposeError, match=r"^a purpose of at least 5 characters is required$"):
        Look(Actor("someone"), " abcd  ")
    assert Look(Actor("someone"), "x" * 401).purpose == "x" * 400  # kept to 400


def test_a_look_s_entry_names_actor_kind_organisation_client_and_details(
    engine: Engine,
) -> None:
    import asyncio

    from zicht.access import Actor, record_look, record_look_async

    actor = Actor("steward-3", kind="user", organisation="police", client="192.0.2.9")
    look = Look(actor, PURPOSE, {"run": 4})
    record_look(engine, look, "view_identity", "victim_registration", [3, 5])
    asyncio.run(record_look_async(engine, look, "export_flagged", "flagged_record", ["a-1"]))
    first, second = _entries(engine)
    for entry in (first, second):
        assert (entry["actor"], entry["actor_kind"], entry["actor_organisation"]) == (
            "steward-3",
            "user",
            "police",
        )
        assert (entry["purpose"], entry["client"]) == (PURPOSE, "192.0.2.9")
        assert entry["details"] == {"run": 4}
    assert (first["action"], first["object_type"], first["object_ids"]) == (
        "view_identity",
        "victim_registration",
        "3,5",
    )
    assert (second["action"], second["object_type"], second["object_ids"]) == (
        "export_flagged",
        "flagged_record",
        "a-1",
    )
    assert verify(engine).ok


def test_records_are_read_from_the_reader_and_the_look_written_to_the_engine(
    keyed_world: WebWorld, tmp_path: Path
) -> None:
    """The web app reads from a read pool and writes the trail to the primary: values
    come from `reader`, the entry goes to `engine` only; a row without identity is {}."""
    import asyncio

    from zicht.access import Actor, reveal_identities, reveal_identities_async
    from zicht.store import VictimRegistrationRow, make_engine, upgrade

    world = keyed_world
    with world.engine.begin() as connection:
        connection.execute(
            update(VictimRegistrationRow).where(VictimRegistrationRow.id == 2).values(identity=None)
        )
    trail = make_engine(f"sqlite:///{tmp_path / 'trail.db'}")
    upgrade(trail)
    look = Look(Actor("coordinator"), PURPOSE)
    before = len(_entries(world.engine))
    try:

        def plain() -> dict[int, dict[str, Any]]:
            return reveal_identities(
                trail, world.cipher, look, "victim_registration", [1, 2], reader=world.engine
            )

        def awaited() -> dict[int, dict[str, Any]]:
            return asyncio.run(
                reveal_identities_async(
                    trail, world.cipher, look, "victim_registration", [1, 2], reader=world.engine
                )
            )

        for reveal in (plain, awaited):
            values = reveal()
            assert values[1]["family_name"] == "Popescu" and values[2] == {}
        entries = _entries(trail)
        assert [(e["action"], e["object_type"], e["object_ids"]) for e in entries] == [
            ("view_identity", "victim_registration", "1,2"),
            ("view_identity", "victim_registration", "1,2"),
        ]
        assert [(e["actor"], e["purpose"]) for e in entries] == [("coordinator", PURPOSE)] * 2
        assert len(_entries(world.engine)) == before
    finally:
        trail.dispose()
