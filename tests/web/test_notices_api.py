"""The notice API: logged out or as trusted flagger; bad input is a clear error, never a 500."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from zicht.access import Actor, Principal, create_token
from zicht.config import Settings
from zicht.platforms.notices import designate_flagger, register_platform
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.store.notices import NoticeRow
from zicht.web import create_app

ADMIN = Principal.for_user(1, "admin", "administrator", None)
URL = "/api/platforms/kinky-nl/notices"
NOTICE: dict[str, Any] = {
    "category": "STATEMENT_CATEGORY_VIOLENCE",
    "keywords": ["KEYWORD_HUMAN_TRAFFICKING"],
    "explanation": "Same template as a known network's ads.",
    "items": [{"url": "https://kinky.example/ad/A-1", "ad_id": "A-1"}],
    "good_faith": True,
}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Engine]]:
    folder: Path = tmp_path_factory.mktemp("notices-api")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    register_platform(engine, ADMIN, "kinky-nl", "Kinky NL", "dsa@kinky.example")
    designate_flagger(engine, ADMIN, "police", dt.date(2026, 1, 1))
    app = create_app(
        Settings(database_url=str(engine.url)),
        engine=engine,
        cipher=Cipher(generate_key()),
        report_dir=folder,
    )
    with TestClient(app, base_url="https://testserver") as client:  # type: ignore[arg-type]
        yield client, engine
    engine.dispose()


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(NoticeRow)) or 0)


def test_anonymous_notice_is_stored_before_the_receipt(api: tuple[TestClient, Engine]) -> None:
    client, engine = api
    before = _count(engine)
    response = client.post(URL, json={**NOTICE, "email": "melder@example.org"})
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["reference"].startswith("N-") and receipt["lane"] == "standard"
    assert _count(engine) == before + 1


def test_trusted_flagger_token_jumps_the_queue(api: tuple[TestClient, Engine]) -> None:
    client, engine = api
    _, token = create_token(engine, Actor("test"), "police-flagger", "police", ["file_notice"])
    response = client.post(URL, json=NOTICE, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 201 and response.json()["lane"] == "trusted_flagger"
    _, other = create_token(engine, Actor("test"), "police-reader", "police", ["view_aggregates"])
    assert (
        client.post(URL, json=NOTICE, headers={"authorization": f"Bearer {other}"}).status_code
        == 403
    )
    assert (
        client.post(URL, json=NOTICE, headers={"authorization": "Bearer zt_nope"}).status_code
        == 401
    )


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"category": "STATEMENT_CATEGORY_TRAFFICKING"}, "category", "code"),
        ({"items": [{"url": "javascript:alert(1)"}]}, "items[1].url", "url"),
        ({"items": [{"url": "https://exa mple.org/x"}]}, "items[1].url", "url"),
        ({"good_faith": False}, "good_faith", "required"),
        ({"explanation": "   "}, "explanation", "length"),
        (
            {"category": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "name": "A"},
            "contact",
            "not_asked",
        ),
    ],
)
def test_rules_are_named(
    api: tuple[TestClient, Engine], change: dict[str, Any], field: str, rule: str
) -> None:
    client, _ = api
    response = client.post(URL, json={**NOTICE, **change})
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {"field": field, "rule": rule} in [
        {"field": p["field"], "rule": p["rule"]} for p in problems
    ]


def test_oversized_and_unknown_are_clear(api: tuple[TestClient, Engine]) -> None:
    client, _ = api
    assert client.post(URL, json={**NOTICE, "explanation": "x" * 5001}).status_code == 422
    assert client.post(URL, json={**NOTICE, "secret": 1}).status_code == 422
    assert client.post("/api/platforms/nowhere/notices", json=NOTICE).status_code == 404
    assert (
        client.post(
            URL, content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )


def test_a_flood_is_refused_with_429(api: tuple[TestClient, Engine]) -> None:
    client, _ = api
    statuses = [
        client.post(URL, json={**NOTICE, "email": "flood@example.org"}).status_code
        for _ in range(22)
    ]
    assert statuses[:20] == [201] * 20 and statuses[20:] == [429, 429]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        _JSON,
        st.fixed_dictionaries({k: st.one_of(_JSON, st.just(v)) for k, v in NOTICE.items()}),
    )
)
def test_no_input_is_a_server_error(api: tuple[TestClient, Engine], body: Any) -> None:
    client, _ = api
    response = client.post(URL, json=body)
    assert response.status_code in (201, 422, 429), response.text
