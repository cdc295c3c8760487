"""Hypothesis drives every page route from the route table, as each role: 0 server errors.

The API is fuzzed from its OpenAPI schema by Schemathesis (`test_api_schema.py`); the
pages are not in that schema (they read their own query strings and forms), so here
each page route is taken from the app's route table and given hostile path values,
query parameters the pages read, and form fields, logged in as each role and anonymous,
with and without a valid CSRF token. Issue 11: "Schemathesis also drives the page routes".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import WebWorld, build_world
from zicht.access import ROLES, Actor, add_user
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.web.app import all_routes

EXAMPLES = 300  # about 20 s on one core; raise locally to search longer
# Names the pages read from query strings and forms (grep of request.query_params / form).
QUERY_NAMES = [
    "page",
    "page_size",
    "year",
    "form",
    "sort",
    "record_type",
    "organisation",
    "identities",
    "purpose",
    "suspicious",
    "fixed",
    "actor",
    "action",
    "object_id",
    "since",
    "until",
    "lang",
    "next",
    "rule",
]
FORM_NAMES = [
    "username",
    "password",
    "role",
    "organisation",
    "name",
    "days",
    "actions",
    "record_type",
    "purpose",
    "cell-0",
    "cell-1",
    "cell-99",
    "next",
    "enabled",
]
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
_NUMBER = st.one_of(
    st.sampled_from(["0", "-1", "2147483648", "9223372036854775808", "²", "٣", "1e3", "NaN"]),
    st.integers(-(2**70), 2**70).map(str),
)
_VALUE = st.one_of(
    _TEXT,
    _NUMBER,
    st.sampled_from(
        ["victim_registration", "report", "police", "fairwork", "labour", "-id", "1", "en", "nl"]
    ),
)


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    folder = tmp_path_factory.mktemp("page-fuzz")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    world = build_world(engine, Cipher(generate_key()), folder)
    add_user(engine, Actor("test"), "target-user", "analyst", None, "x" * 20)
    yield world
    engine.dispose()


def _page_routes(world: WebWorld) -> list[tuple[str, APIRoute]]:
    routes = []
    for route in all_routes(world.app.routes):  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and not route.path.startswith("/api/"):
            routes += [(method, route) for method in sorted(route.methods - {"HEAD"})]
    return routes


@st.composite
def _path_of(draw: st.DrawFn, route: APIRoute) -> str:
    path = route.path
    for name in re.findall(r"\{([a-z_]+)(?::path)?\}", path):
        field = next(p for p in route.dependant.path_params if p.name == name)
        if field.field_info.annotation is int:
            value = draw(st.one_of(_NUMBER, st.integers(1, 12).map(str)))
        else:
            value = draw(_VALUE)
        safe = "/" if ":path}" in path else ""
        path = re.sub(r"\{" + name + r"(?::path)?\}", quote(value, safe=safe) or "x", path)
    return path


def _check(world: WebWorld, routes: list[tuple[str, APIRoute]]) -> None:
    roles = [None, *ROLES]

    @given(data=st.data())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples in every run: `make test` does not flake
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(data: st.DataObject) -> None:
        method, route = data.draw(st.sampled_from(routes), label="route")
        role = data.draw(st.sampled_from(roles), label="role")
        path = data.draw(_path_of(route), label="path")
        query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), _VALUE, max_size=4))
        client = world.client(role)
        request: dict[str, Any] = {"params": query, "follow_redirects": False}
        if method == "POST":
            form = data.draw(st.dictionaries(st.sampled_from(FORM_NAMES), _VALUE, max_size=5))
            if role is not None and data.draw(st.booleans(), label="csrf"):
                form["csrf_token"] = world.csrf(client)
            request["data"] = form
            if route.path == "/upload" and data.draw(st.booleans(), label="file"):
                name = data.draw(st.sampled_from(["a.csv", "b.xlsx", "c.jsonl", "d.exe", ""]))
                content = data.draw(st.binary(max_size=200))
                request["files"] = {"file": (name, content, "application/octet-stream")}
        response = client.request(method, path, **request)
        where = f"{role} {method} {path} {query}"
        assert response.status_code < 500, where
        assert "Traceback" not in response.text, where

    fuzz()


def test_every_page_route_as_every_role_gives_no_server_error(fuzz_world: WebWorld) -> None:
    routes = _page_routes(fuzz_world)
    paths = {route.path for _, route in routes}
    assert {"/quarantine/{entry_id}", "/upload", "/registrations", "/audit"} <= paths
    _check(fuzz_world, routes)
