"""Schemathesis against the OpenAPI schema: no input makes the API fail with a server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.web.conftest import WebWorld, build_world
from zicht.access import TOKEN_ACTIONS
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade


@pytest.fixture(scope="module")
def api_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    folder = tmp_path_factory.mktemp("schema")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    yield build_world(engine, Cipher(generate_key()), folder)
    engine.dispose()


@pytest.fixture(scope="module")
def api_token(api_world: WebWorld) -> str:
    # a partner's token: importing licences is for a municipality's token only
    # (tests/web/test_ads_pages.py covers that endpoint with one)
    return api_world.token([a for a in TOKEN_ACTIONS if a not in ("import_licences", "import_ads")])


def _fuzzer(operation: Any, token: str) -> Any:
    path = operation.path

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def fuzz(case: Any) -> None:
        response = case.call(headers={"authorization": f"Bearer {token}"})
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
        )
        anonymous = case.call()
        assert anonymous.status_code < 500
        if path == "/api/platforms/{platform}/notices":  # public: anyone may file
            assert anonymous.status_code in (201, 404, 422, 429), path
        elif path != "/api/health":
            assert anonymous.status_code in (401, 422), path

    return fuzz


def test_no_server_error(api_world: WebWorld, api_token: str) -> None:
    """Every operation, fuzzed from its schema, with a token and anonymously."""
    # schemathesis' pytest plugin (from_fixture) does not run under pytest 9, so the
    # operations are driven with Hypothesis directly.
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api_world.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        _fuzzer(operation, api_token)()


def test_the_schema_documents_every_api_route(api_world: WebWorld) -> None:
    client = api_world.client()
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert {
        "/api/registrations",
        "/api/persons",
        "/api/estimates",
        "/api/uploads",
        "/api/reports",
    } <= paths
    assert not any(not p.startswith("/api/") for p in paths)
