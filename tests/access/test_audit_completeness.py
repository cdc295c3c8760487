"""Every path that decrypts or exports identities is enumerated from the code (issue 23).

The doors are the functions that record a look (`record_look`): they decrypt and audit
in one place. Every web route (read from the app's route table) and every CLI command
whose code reaches a door, directly or through a helper of its module, must appear in
COVERED with the test that asserts exactly one audit entry with actor and purpose per
call. A new path to identities fails here until it has such a test; a door called from
any other module fails too.
"""

from __future__ import annotations

import ast
import base64
import getpass
import re
from functools import cache
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import Engine, select
from typer.testing import CliRunner

import zicht
from tests.access import test_identity_door
from tests.web.conftest import WebWorld, build_world
from zicht.cli import app as cli_app
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, read_quarantine
from zicht.store.audit import AuditEntryRow
from zicht.web.app import all_routes

ROOT = Path(zicht.__file__).parent
KEY = generate_key()
PURPOSE = "checking a referral"
LOOK_RECORDERS = {"record_look", "record_look_async"}
# Where the doors are defined (they call record_look themselves).
DOOR_MODULES = {
    "access/_identities.py",
    "ingest/_quarantine.py",
    "web/uploads.py",
    "shelter/_places.py",
    "reporting/_triage.py",
    "platforms/_licence_lookup.py",
    "platforms/notices/_decisions.py",
}

# Entry point -> the test (in this module or test_identity_door) that asserts one audit
# entry with actor and purpose per call. Written by hand from docs/privacy.md.
COVERED: dict[str, str] = {
    "GET /registrations": "test_each_web_and_api_path_leaves_one_entry",
    "GET /registrations/{record_type}/{record_id}": "test_each_web_and_api_path_leaves_one_entry",
    "POST /registrations": "test_each_web_and_api_path_leaves_one_entry",
    "POST /registrations/{record_type}/{record_id}": "test_each_web_and_api_path_leaves_one_entry",
    "GET /registrations/export.csv": "test_each_web_and_api_path_leaves_one_entry",
    "POST /registrations/export.csv": "test_each_web_and_api_path_leaves_one_entry",
    "GET /persons/{person_id}": "test_each_web_and_api_path_leaves_one_entry",
    "POST /persons/{person_id}": "test_each_web_and_api_path_leaves_one_entry",
    "GET /api/registrations": "test_each_web_and_api_path_leaves_one_entry",
    "GET /api/registrations/{record_type}/{record_id}": (
        "test_each_web_and_api_path_leaves_one_entry"
    ),
    "GET /api/persons/{person_id}": "test_each_web_and_api_path_leaves_one_entry",
    "GET /quarantine/{entry_id}": "test_each_web_and_api_path_leaves_one_entry",
    "GET /quarantine/export.csv": "test_each_web_and_api_path_leaves_one_entry",
    "POST /quarantine/{entry_id}": "test_a_correction_that_is_refused_is_one_look",
    "cli link.explain": "test_link_explain_show_identities_leaves_one_entry",
    "cli ingest.export": "test_quarantine_export_leaves_one_entry",
    "cli ingest.flagged": "test_quarantine_flagged_leaves_one_entry",
    "GET /shelter/places/{code}/address": "test_a_shelter_address_is_one_look",
    "POST /licences/lookup": "test_a_licence_lookup_is_one_look",
    "POST /triage/{report_id}/open": "test_opening_a_report_and_its_attachment_is_one_look_each",
    "POST /triage/{report_id}/attachments/{attachment_id}": (
        "test_opening_a_report_and_its_attachment_is_one_look_each"
    ),
    "GET /networks/{network}": "test_a_network_with_identities_is_one_look",
    "POST /networks/{network}": "test_a_network_with_identities_is_one_look",
    # one look (view_identity, with the purpose) and the export's own network_export entry
    "cli network.export": "test_a_network_export_with_identities_is_one_look",
}

# Paths to identities that record one look per call through their door but have no
# one-entry test of this kind yet. A path not listed here or in COVERED fails below.
NOT_YET_COVERED: dict[str, str] = {}


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def _root(node: ast.expr) -> str | None:
    """The name an attribute chain starts from: `access` in `zicht.access.door`'s `zicht`."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _imported(tree: ast.AST) -> frozenset[str]:
    """Names bound by an import anywhere in a module (at its top or inside a function)."""
    return frozenset(
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    )


def _names_used(node: ast.AST, modules: frozenset[str] | None = None) -> set[str]:
    """Names a function uses: called, passed on (run_in_threadpool(door, ...)), imported,
    and (with `modules`, the names its module imports) reached as an attribute of an
    imported module (access.reveal_identities(...)). An attribute of anything else (a
    result's `n.referrals`, a count) is data, not a way to a door."""
    used = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            used.add(child.id)
        elif isinstance(child, ast.alias):
            used.add(child.asname or child.name)
        elif (
            modules is not None
            and isinstance(child, ast.Attribute)
            and _root(child.value) in modules
        ):
            used.add(child.attr)
    return used


def _commands(tree: ast.Module) -> set[str]:
    """Typer commands of a CLI module: @x.command(...) functions and x.command(...)(name)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and target.attr == "command":
                    found.add(node.name)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Call)
            and isinstance(node.func.func, ast.Attribute)
            and node.func.func.attr == "command"
        ):
            found |= {arg.id for arg in node.args if isinstance(arg, ast.Name)}
    return found


Functions = dict[str, ast.FunctionDef | ast.AsyncFunctionDef]


@cache
def _trees() -> dict[str, ast.Module]:
    """Module path (relative to the package) -> its syntax tree."""
    return {
        path.relative_to(ROOT).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(ROOT.rglob("*.py"))
    }


@cache
def _modules() -> dict[str, Functions]:
    """Module path (relative to the package) -> its top-level functions."""
    return {module: _functions(tree) for module, tree in _trees().items()}


@cache
def _module_names(module: str) -> frozenset[str]:
    return _imported(_trees()[module])


@cache
def _doors() -> frozenset[str]:
    """Functions that record a look, read from the code."""
    return frozenset(
        name
        for module, functions in _modules().items()
        for name, node in functions.items()
        if _names_used(node, _module_names(module)) & LOOK_RECORDERS and name not in LOOK_RECORDERS
    )


def _locals(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """A function's parameters and the names it assigns: a parameter `network` is not
    the module's function `network`."""
    arguments = node.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    parameters += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    assigned = {
        child.id
        for child in ast.walk(node)
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store)
    }
    return {a.arg for a in parameters} | assigned


def _reaching(module: str, functions: Functions, doors: frozenset[str]) -> set[str]:
    """Functions of one module that reach a door directly or through a module helper."""
    imported = _module_names(module)
    used = {
        name: (_names_used(node, imported) & doors)
        | ((_names_used(node) - _locals(node)) & set(functions))
        for name, node in functions.items()
    }
    reaching = {name for name, names in used.items() if names & doors}
    grew = True
    while grew:
        more = {name for name, names in used.items() if names & reaching} - reaching
        reaching |= more
        grew = bool(more)
    return reaching


def _is_library(module: str) -> bool:
    return module not in DOOR_MODULES and not module.startswith(("web/", "cli/"))


@cache
def _ways_in() -> frozenset[str]:
    """The doors and every function outside the web app and the CLI that reaches one,
    through helpers of its module or through another module's way in (network export ->
    node_identities -> reveal_identities)."""
    ways = _doors()
    while True:
        more = {
            name
            for module, functions in _modules().items()
            if _is_library(module)
            for name in _reaching(module, functions, ways)
        }
        if more <= ways:
            return ways
        ways = ways | more


def _entry_points() -> set[str]:
    """Routes and CLI commands that reach a door, and library functions that reach one
    but that no other code calls (a door used from nowhere that is tested)."""
    from zicht.config import Settings
    from zicht.web.app import create_app

    found: set[str] = set()
    modules = _modules()
    ways = _ways_in()
    reaching_by_module = {
        m: _reaching(m, f, ways) for m, f in modules.items() if m not in DOOR_MODULES
    }
    web = create_app(
        Settings(database_url="sqlite://"), engine=make_engine("sqlite://"), cipher=Cipher(KEY)
    )
    for route in all_routes(web.routes):
        if not isinstance(route, APIRoute):
            continue
        module = route.endpoint.__module__.removeprefix("zicht.").replace(".", "/") + ".py"
        if route.endpoint.__name__ in reaching_by_module.get(module, set()):
            found |= {f"{method} {route.path}" for method in (route.methods or set()) - {"HEAD"}}
    for module, reaching in reaching_by_module.items():
        if module.startswith("cli/"):
            tree = _trees()[module]
            command = module.removeprefix("cli/").removesuffix(".py")
            found |= {f"cli {command}.{name}" for name in reaching & _commands(tree)}
    called = {
        name
        for module, functions in modules.items()
        for node in functions.values()
        for name in _names_used(node, _module_names(module)) - {node.name}
    }
    for module, functions in modules.items():
        if _is_library(module):
            found |= {f"{module}:{name}" for name in (set(functions) & ways) - called}
    return found


def test_the_doors_are_the_known_ones() -> None:
    assert set(_doors()) == {
        "reveal_identities",
        "reveal_identities_async",
        "export_quarantine",
        "export_flagged",
        "original_cells",
        "reveal_address",
        "read_report",
        "read_attachment",
        "lookup_licence",
        "referrals",
        "reveal_registrations",
    }


def test_every_path_to_identities_has_a_one_entry_test() -> None:
    assert _entry_points() == set(COVERED) | set(NOT_YET_COVERED)
    assert not set(COVERED) & set(NOT_YET_COVERED)


def test_every_named_test_exists() -> None:
    here = globals()
    for name in set(COVERED.values()):
        assert callable(here.get(name) or getattr(test_identity_door, name, None)), name


@pytest.fixture
def keyed_world(engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(engine, Cipher(KEY), tmp_path)


def _looks(engine: Engine) -> list[dict[str, object]]:
    table = AuditEntryRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.seq)).all()
    return [dict(row._mapping) for row in rows]


def test_quarantine_flagged_leaves_one_entry(keyed_world: WebWorld, tmp_path: Path) -> None:
    world = keyed_world
    out = tmp_path / "flagged.csv"
    env = {
        "ZICHT_DATABASE_URL": world.engine.url.render_as_string(hide_password=False),
        "ZICHT_SECRET_KEY": base64.b64encode(KEY).decode(),
        "ZICHT_SECRET_KEY_FILE": "",
    }
    arguments = ["quarantine", "flagged", "--source", "police", "--out", str(out)]
    before = len(_looks(world.engine))
    result = CliRunner().invoke(cli_app, [*arguments, "--purpose", PURPOSE], env=env)
    assert result.exit_code == 0, result.output
    new = _looks(world.engine)[before:]
    assert [(e["action"], e["actor"], e["purpose"]) for e in new] == [
        ("export_flagged", f"cli:{getpass.getuser()}", PURPOSE)
    ]
    refused = CliRunner().invoke(cli_app, [*arguments, "--purpose", "x"], env=env)
    assert refused.exit_code != 0 and len(_looks(world.engine)) == before + 1


def test_a_correction_that_is_refused_is_one_look(keyed_world: WebWorld) -> None:
    """POST /quarantine/{id}: the original row is decrypted once per call, and audited once."""
    world = keyed_world
    entry = next(e for e in read_quarantine(world.engine, source="police"))
    client = world.client("data_steward")
    before = len(_looks(world.engine))
    response = client.post(
        f"/quarantine/{entry.id}",
        data={"csrf_token": world.csrf(client), "purpose": PURPOSE, "cell-1": "31-02-2023"},
        follow_redirects=False,
    )
    assert response.status_code in (303, 400), response.text[:300]
    new = _looks(world.engine)[before:]
    looks = [e for e in new if e["action"] == "view_quarantine_row"]
    assert [(e["actor"], e["purpose"]) for e in looks] == [("data_steward", PURPOSE)]


def _new_looks(engine: Engine, before: int) -> list[tuple[object, object, object]]:
    return [(e["action"], e["actor"], e["purpose"]) for e in _looks(engine)[before:]]


def test_a_shelter_address_is_one_look(keyed_world: WebWorld) -> None:
    """GET /shelter/places/{code}/address: the address decrypted once, audited once."""
    world = keyed_world
    address = "Geheime Laan 7, Utrecht"
    coordinator = world.client("coordinator")
    form = {
        "csrf_token": world.csrf(coordinator),
        "code": "opvang-utrecht",
        "name": "Opvang Utrecht",
        "kind": "municipal",
        "region": "midden-nederland",
        "address": address,
        "languages": "nl",
        "security": "2",
        "wheelchair": "yes",
    }
    saved = coordinator.post("/shelter/admin/places", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:300]
    url = "/shelter/places/opvang-utrecht/address"
    for _ in range(2):  # each call is its own look
        before = len(_looks(world.engine))
        shown = coordinator.get(url, params={"purpose": PURPOSE})
        assert shown.status_code == 200 and address in shown.text
        assert _new_looks(world.engine, before) == [
            ("shelter_address_viewed", "coordinator", PURPOSE)
        ]
    # without a purpose, or too short a one, nothing is decrypted and nothing recorded
    before = len(_looks(world.engine))
    for params in ({}, {"purpose": "x"}):
        page = coordinator.get(url, params=params)
        assert page.status_code in (200, 400) and address not in page.text
    assert _looks(world.engine)[before:] == []


def test_a_licence_lookup_is_one_look(keyed_world: WebWorld, tmp_path: Path) -> None:
    """POST /licences/lookup: one entry per lookup, found or not, holder shown or not."""
    from zicht.platforms import import_licences

    world = keyed_world
    register = tmp_path / "groningen.csv"
    register.write_text(
        "licence_number,holder_name,date_of_birth,valid_from,valid_to,status\n"
        "GM0014-004217-87,Sanne Voorbeeld,1990-05-01,2025-01-01,,active\n",
        encoding="utf-8",
    )
    import_licences(register, municipality="GM0014", engine=world.engine, cipher=world.cipher)
    cases = [
        # who, number, the one action recorded, whether the holder's name is shown
        ("coordinator", "GM0014-004217-87", "view_identity", True),
        ("platform_moderator", "GM0014-004217-87", "lookup_licence", False),
        ("coordinator", "GM0014-000002-25", "lookup_licence", False),  # not registered
        ("coordinator", "GM0014-004217-88", "lookup_licence", False),  # check digits wrong
    ]
    for who, number, action, named in cases:
        client = world.client(who)
        before = len(_looks(world.engine))
        response = client.post(
            "/licences/lookup",
            data={"number": number, "purpose": PURPOSE, "csrf_token": world.csrf(client)},
        )
        assert response.status_code == 200, (who, number, response.status_code)
        assert ("Sanne Voorbeeld" in response.text) is named, (who, number)
        assert _new_looks(world.engine, before) == [(action, who, PURPOSE)], (who, number)
    client = world.client("coordinator")
    before = len(_looks(world.engine))
    refused = client.post(
        "/licences/lookup",
        data={"number": "GM0014-004217-87", "purpose": "", "csrf_token": world.csrf(client)},
    )
    assert refused.status_code == 400 and "Sanne Voorbeeld" not in refused.text
    assert _looks(world.engine)[before:] == []


def test_opening_a_report_and_its_attachment_is_one_look_each(
    keyed_world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POST /triage/{id}/open and /attachments/{id}: one entry each per call, with the
    handler and the purpose; a wrong password or no purpose opens nothing and records
    no look."""
    import io

    from PIL import Image

    from tests.web.conftest import PASSWORD
    from zicht.reporting import (
        NewReport,
        ReportingPolicy,
        create_organisation_key,
        issue_challenge,
        solve,
        submit_report,
    )

    # argon2id with small parameters, as in tests/reporting: behaviour, not cost
    for name, value in (("WRAP_OPS", 1), ("WRAP_MEMORY", 8192)):
        monkeypatch.setattr(f"zicht.reporting._sealing.{name}", value)
    for name, value in (("RECEIPT_OPS", 1), ("RECEIPT_MEMORY", 8192)):
        monkeypatch.setattr(f"zicht.reporting._sealing.{name}", value)
    world = keyed_world
    handler = world.user_id("report_handler")  # CoMensha's handler
    create_organisation_key(world.engine, "comensha", handler, PASSWORD, "test")
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(image, format="JPEG")
    policy = ReportingPolicy(work_key=b"w" * 32, pepper=b"p" * 32, work_bits=6, form_wait=0)
    challenge = issue_challenge(policy.work_key)
    what = "Wij werken 14 uur per dag"
    new = NewReport(audience="client", language="nl", what=what, attachments=[image.getvalue()])
    receipt = submit_report(
        world.engine, policy, new, challenge=challenge, nonce=solve(challenge, policy.work_bits)
    )
    report = receipt.report_id
    client = world.client("report_handler")
    csrf = world.csrf(client)
    opened = {"password": PASSWORD, "purpose": PURPOSE, "csrf_token": csrf}

    before = len(_looks(world.engine))
    page = client.post(f"/triage/{report}/open", data=opened)
    assert page.status_code == 200 and "Wij werken 14 uur per dag" in page.text
    assert _new_looks(world.engine, before) == [("view_report", "report_handler", PURPOSE)]
    [attachment] = re.findall(rf"/triage/{report}/attachments/(\d+)", page.text)

    before = len(_looks(world.engine))
    download = client.post(f"/triage/{report}/attachments/{attachment}", data=opened)
    assert download.status_code == 200 and download.headers["content-type"] == "image/jpeg"
    assert _new_looks(world.engine, before) == [
        ("view_report_attachment", "report_handler", PURPOSE)
    ]

    before = len(_looks(world.engine))
    for path in (f"/triage/{report}/open", f"/triage/{report}/attachments/{attachment}"):
        wrong = client.post(path, data={**opened, "password": "not the password"})
        aimless = client.post(path, data={**opened, "purpose": ""})
        assert wrong.status_code == aimless.status_code == 400
        assert "Wij werken" not in wrong.text + aimless.text
    assert _new_looks(world.engine, before) == []


def _top_network(world: WebWorld) -> int:
    from tests.network.world import fake_network_run
    from zicht.store import network as network_store

    run_id = fake_network_run(world.engine)
    return int(network_store.read_networks(world.engine, run_id, top=1).iloc[0]["network"])


# The top network of tests/network/world.py: victims 1 and 2 (Ioana Popescu, the first
# police row, is registration 1) and suspect 7 (no such row in this store).
TOP_NETWORK_IDS = "victim_registration/1,victim_registration/2,suspect_registration/7"


def test_a_network_with_identities_is_one_look(keyed_world: WebWorld) -> None:
    """POST /networks/{id} with a purpose: victims and suspects decrypted, one entry per call;
    a purpose in the URL decrypts nothing."""
    world = keyed_world
    top = _top_network(world)
    client = world.client("coordinator")
    url = f"/networks/{top}?lang=en"
    for _ in range(2):
        before = len(_looks(world.engine))
        page = client.post(url, data={"purpose": PURPOSE, "csrf_token": world.csrf(client)})
        assert page.status_code == 200 and "Ioana Popescu" in page.text
        new = _looks(world.engine)[before:]
        assert [(e["action"], e["actor"], e["purpose"]) for e in new] == [
            ("view_identity", "coordinator", PURPOSE)
        ]
        assert (new[0]["object_type"], new[0]["object_ids"]) == ("registration", TOP_NETWORK_IDS)
    before = len(_looks(world.engine))
    plain = client.get(f"/networks/{top}?lang=en&identities=1&purpose={PURPOSE}")
    assert plain.status_code == 200 and "Ioana Popescu" not in plain.text
    assert _new_looks(world.engine, before) == [("view_network", "coordinator", None)]


def test_a_network_export_with_identities_is_one_look(
    keyed_world: WebWorld, tmp_path: Path
) -> None:
    """`zicht network export --show-identities`: one look with actor and purpose, then the
    export's own entry; without identities no look at all."""
    world = keyed_world
    top = _top_network(world)
    env = {
        "ZICHT_DATABASE_URL": world.engine.url.render_as_string(hide_password=False),
        "ZICHT_SECRET_KEY": base64.b64encode(KEY).decode(),
        "ZICHT_SECRET_KEY_FILE": "",
    }
    out = tmp_path / "named.graphml"
    arguments = ["network", "export", "--format", "graphml", "--out", str(out)]
    arguments += ["--network", str(top)]
    actor = f"cli:{getpass.getuser()}"
    before = len(_looks(world.engine))
    named = CliRunner().invoke(
        cli_app, [*arguments, "--show-identities", "--purpose", PURPOSE], env=env
    )
    assert named.exit_code == 0, named.output
    assert "Ioana Popescu" in out.read_text(encoding="utf-8")
    new = _looks(world.engine)[before:]
    looks = [e for e in new if e["action"] == "view_identity"]
    assert [(e["actor"], e["purpose"], e["object_ids"]) for e in looks] == [
        (actor, PURPOSE, TOP_NETWORK_IDS)
    ]
    assert [e["action"] for e in new] == ["view_identity", "network_export"]
    before = len(_looks(world.engine))
    plain = CliRunner().invoke(cli_app, arguments, env=env)
    assert plain.exit_code == 0, plain.output
    assert "Ioana Popescu" not in out.read_text(encoding="utf-8")
    assert _new_looks(world.engine, before) == [("network_export", actor, None)]
