"""Ids no row has — above 2^63-1, negative, zero, not a number — are 404/422, never 500.

Issue 11, point 6: five page routes answered 500 (OverflowError) to ids above 2^63-1
where the API gave 422. The cases are taken from the route table, so a new route with
an integer in its path is checked without being listed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute

from tests.web.conftest import WebWorld, build_world
from zicht.access import ROLES, Principal, authorize
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.web.app import all_routes, route_action

# Values of an integer path parameter that name no row (hand-written, not derived).
HOSTILE_IDS = [
    "9223372036854775808",  # 2^63: OverflowError in SQLite's driver on today's main
    "99999999999999999999999999",
    "9223372036854775807",
    "2147483648",  # 2^31: above the store's INTEGER ids
    "-1",
    "0",
    "abc",
    "1e3",
    "%C2%B2",  # "²": str.isdigit() says yes, int() says no
    "%D9%A3",  # Arabic-Indic three
]
ORGANISATION_OF = {
    "administrator": None,
    "data_steward": "police",
    "coordinator": "comensha",
    "analyst": None,
    "auditor": None,
    "caseworker": "police",
    "shelter_staff": "shelter",
    "report_handler": "comensha",
    "municipality": "GM0363",
    "platform_moderator": "kinky-nl",
    "trusted_flagger": "police",
}
# Query parameters the pages read themselves, with values that are no valid number.
QUERY_CASES = [
    ("/registrations", "page"),
    ("/registrations", "page_size"),
    ("/registrations", "year"),
    ("/persons", "page"),
    ("/audit", "page"),
    ("/quarantine", "page"),
    ("/quarantine", "fixed"),
    ("/api/registrations", "page"),
    ("/api/registrations", "year"),
    ("/api/persons", "page"),
]


@pytest.fixture(scope="module")
def hostile_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    folder = tmp_path_factory.mktemp("hostile-ids")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    yield build_world(engine, Cipher(generate_key()), folder)
    engine.dispose()


def _integer_routes(world: WebWorld) -> list[tuple[str, str, str]]:
    """(method, path template, action) of every route with an integer path parameter."""
    found = []
    for route in all_routes(world.app.routes):  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute):
            continue
        integers = [p.name for p in route.dependant.path_params if p.field_info.annotation is int]
        if integers:
            action = route_action(route)
            assert action is not None
            found += [(method, route.path, action) for method in sorted(route.methods - {"HEAD"})]
    return found


def _fill(path: str, value: str, world: WebWorld) -> str:
    # Integer parameters get the hostile value; a record type gets a real one.
    path = path.replace("{record_type}", "victim_registration")
    return re.sub(r"\{[a-z_]+\}", value, path)


def test_the_route_table_has_the_integer_routes(hostile_world: WebWorld) -> None:
    paths = {path for _, path, _ in _integer_routes(hostile_world)}
    assert {
        "/uploads/{batch_id}",
        "/quarantine/{entry_id}",
        "/registrations/{record_type}/{record_id}",
        "/persons/{person_id}",
        "/admin/tokens/{token_id}/revoke",
        "/api/uploads/{batch_id}",
        "/api/registrations/{record_type}/{record_id}",
        "/api/persons/{person_id}",
    } <= paths


@pytest.mark.parametrize("role", list(ROLES))
def test_hostile_ids_in_paths(hostile_world: WebWorld, role: str) -> None:
    client = hostile_world.client(role)
    csrf = hostile_world.csrf(client)
    principal = Principal.for_user(1, role, role, ORGANISATION_OF[role])
    for method, template, action in _integer_routes(hostile_world):
        for value in HOSTILE_IDS:
            path = _fill(template, value, hostile_world)
            data = {"csrf_token": csrf} if method == "POST" else None
            response = client.request(method, path, data=data, follow_redirects=False)
            where = f"{role} {method} {path}"
            if not authorize(principal, action):
                assert response.status_code == 403, where
            elif path.startswith("/api/"):
                assert response.status_code in (404, 422), where
            else:
                assert response.status_code == 404, where
                assert "<html" in response.text, where  # the error page, not JSON


@pytest.mark.parametrize(("path", "name"), QUERY_CASES)
def test_hostile_numbers_in_queries(hostile_world: WebWorld, path: str, name: str) -> None:
    for role in ROLES:
        client = hostile_world.client(role)
        for value in HOSTILE_IDS:
            response = client.get(f"{path}?{name}={value}", follow_redirects=False)
            assert response.status_code in (200, 403, 404, 422), f"{role} {path}?{name}={value}"
