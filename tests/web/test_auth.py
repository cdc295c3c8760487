"""Login, lockout, throttling, session cookies, CSRF and API tokens."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import Engine, select, text, update

from tests.web.conftest import BASE_URL, PASSWORD, TestClient, WebWorld
from zicht import access as auth
from zicht.access import (
    CLIENT_FAILURES,
    LOCKOUT_AFTER,
    Actor,
    AuditEvent,
    hash_token,
    log_action,
    reset_password,
    revoke_token,
    set_organisation_active,
)
from zicht.config import Settings
from zicht.store.accounts import ApiTokenRow, SessionRow, UserRow
from zicht.web.app import create_app


def _login(client: TestClient, username: str, password: str) -> object:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": token.group(1),
            "next": "/registrations",
        },
        follow_redirects=False,
    )


def test_login_sets_a_strict_http_only_session_cookie(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client()
    response = _login(client, "data_steward", PASSWORD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/registrations"  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"]  # type: ignore[attr-defined]
    assert "zicht_session=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    assert "Secure" not in cookie.split("zicht_login_csrf")[0]  # localhost over http
    assert client.get("/registrations").status_code == 200
    # only the SHA-256 of the session token is stored
    token = client.cookies.get("zicht_session")
    with sqlite_world.engine.connect() as connection:
        stored = connection.execute(select(SessionRow.token_hash)).scalars().all()
    assert token not in stored
    assert hash_token(str(token)) in stored


def test_cookie_is_secure_outside_localhost(sqlite_world: WebWorld) -> None:
    client = TestClient(sqlite_world.app, base_url="https://zicht.example")  # type: ignore[arg-type]
    response = _login(client, "data_steward", PASSWORD)
    assert "Secure" in response.headers["set-cookie"]  # type: ignore[attr-defined]
    assert "strict-transport-security" in response.headers  # type: ignore[attr-defined]


def test_wrong_password_and_unknown_user_look_the_same(sqlite_world: WebWorld) -> None:
    wrong = _login(sqlite_world.client(), "data_steward", "not the password")
    unknown = _login(sqlite_world.client(), "nobody-at-all", "not the password")
    assert wrong.status_code == unknown.status_code == 400  # type: ignore[attr-defined]
    assert "zicht_session" not in wrong.headers.get("set-cookie", "")  # type: ignore[attr-defined]


def test_lockout_after_failures_and_reset_by_administrator(sqlite_world: WebWorld) -> None:
    for _ in range(LOCKOUT_AFTER):
        _login(sqlite_world.client(), "analyst", "wrong password!")
    locked = _login(sqlite_world.client(), "analyst", PASSWORD)
    assert locked.status_code == 400  # type: ignore[attr-defined]
    with sqlite_world.engine.connect() as connection:
        until = connection.execute(
            select(UserRow.locked_until).where(UserRow.username == "analyst")
        ).scalar_one()
    assert until is not None and until > dt.datetime.now(dt.UTC).replace(tzinfo=None)
    new_password = reset_password(sqlite_world.engine, Actor("admin"), "analyst")
    assert _login(sqlite_world.client(), "analyst", new_password).status_code == 303  # type: ignore[attr-defined]


def test_per_address_throttling(sqlite_world: WebWorld) -> None:
    statuses = [
        _login(sqlite_world.client(), f"user{i}", "wrong password!").status_code  # type: ignore[attr-defined]
        for i in range(25)
    ]
    assert 429 in statuses
    assert statuses.index(429) == CLIENT_FAILURES


def test_throttling_counts_failures_of_every_server_process(
    world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each app has its own memory, as each server process does: the count is shared."""
    other = create_app(
        Settings(str(world.engine.url), None, None),
        engine=world.engine,
        cipher=world.cipher,
        report_dir=world.report_dir,
    )
    apps = [world.app, other]
    for i in range(CLIENT_FAILURES):
        client = TestClient(apps[i % 2], base_url=BASE_URL)  # type: ignore[arg-type]
        assert _login(client, f"user{i}", "wrong password!").status_code == 400  # type: ignore[attr-defined]
    for app in apps:
        client = TestClient(app, base_url=BASE_URL)  # type: ignore[arg-type]
        assert _login(client, "analyst", PASSWORD).status_code == 429  # type: ignore[attr-defined]
    # time passes
    monkeypatch.setattr("zicht.access._auth.CLIENT_WINDOW", dt.timedelta(microseconds=1))
    client = TestClient(other, base_url=BASE_URL)  # type: ignore[arg-type]
    assert _login(client, "analyst", PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_disabled_user_and_organisation_cannot_log_in(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("data_steward")
    assert client.get("/upload").status_code == 200
    set_organisation_active(sqlite_world.engine, Actor("admin"), "police", False)
    assert client.get("/upload", follow_redirects=False).status_code == 303
    assert _login(sqlite_world.client(), "data_steward", PASSWORD).status_code == 400  # type: ignore[attr-defined]


def test_login_form_needs_its_csrf_token(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client()
    client.get("/login")
    response = client.post("/login", data={"username": "analyst", "password": PASSWORD})
    assert response.status_code == 403


def test_forms_need_the_session_csrf_token(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("administrator")
    data = {"username": "new-user", "role": "analyst", "organisation": ""}
    assert client.post("/admin/users", data=data).status_code == 403
    assert client.post("/admin/users", data={**data, "csrf_token": "forged"}).status_code == 403
    ok = client.post("/admin/users", data={**data, "csrf_token": sqlite_world.csrf(client)})
    assert ok.status_code == 200
    assert "new-user" in ok.text
    # header form for scripts
    response = client.post(
        "/admin/organisations/other",
        data={"active": "1"},
        headers={"x-csrf-token": sqlite_world.csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_logout_ends_the_session(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("analyst")
    token = client.cookies.get("zicht_session")
    assert (
        client.post(
            "/logout", data={"csrf_token": sqlite_world.csrf(client)}, follow_redirects=False
        ).status_code
        == 303
    )
    other = sqlite_world.client()
    other.cookies.set("zicht_session", str(token))
    assert other.get("/dashboard", follow_redirects=False).status_code == 303


def test_idle_session_expires(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("analyst")
    with sqlite_world.engine.begin() as connection:
        connection.execute(update(SessionRow).values(last_seen_at=dt.datetime(2000, 1, 1)))
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_api_token_lifecycle(sqlite_world: WebWorld) -> None:
    token = sqlite_world.token(["list_registrations"])
    headers = {"authorization": f"Bearer {token}"}
    client = sqlite_world.client()
    listing = client.get("/api/registrations", headers=headers)
    assert listing.status_code == 200
    assert {i["fields"]["source"] for i in listing.json()["items"]} == {"police"}
    assert client.get("/api/estimates", headers=headers).status_code == 403
    with sqlite_world.engine.connect() as connection:
        row = connection.execute(select(ApiTokenRow)).scalars().first()
        stored = connection.execute(text("SELECT token_hash FROM api_token")).scalars().all()
    assert token not in stored
    assert hash_token(token) in stored
    del row
    with sqlite_world.engine.begin() as connection:
        connection.execute(update(ApiTokenRow).values(expires_at=dt.datetime(2000, 1, 1)))
    assert client.get("/api/registrations", headers=headers).status_code == 401
    with sqlite_world.engine.begin() as connection:
        connection.execute(update(ApiTokenRow).values(expires_at=dt.datetime(2100, 1, 1)))
    assert client.get("/api/registrations", headers=headers).status_code == 200
    token_id = sqlite_world.engine.connect().execute(select(ApiTokenRow.id)).scalar_one()
    revoke_token(sqlite_world.engine, Actor("admin"), token_id)
    assert client.get("/api/registrations", headers=headers).status_code == 401
    assert (
        client.get("/api/registrations", headers={"authorization": "Bearer nonsense"}).status_code
        == 401
    )


def test_api_does_not_need_csrf_with_a_token(sqlite_world: WebWorld) -> None:
    token = sqlite_world.token(["upload"])
    response = sqlite_world.client().post(
        "/api/uploads",
        headers={"authorization": f"Bearer {token}"},
        files={
            "file": ("v.csv", b"source_record_id,registration_date,forms\nA1,2023-01-02,labour\n")
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["new"] == 1


def test_api_with_a_session_needs_the_csrf_header(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("data_steward")
    body = {"file": ("v.csv", b"source_record_id,registration_date,forms\nA2,2023-01-02,labour\n")}
    assert client.post("/api/uploads", files=body).status_code == 403
    response = client.post(
        "/api/uploads", files=body, headers={"x-csrf-token": sqlite_world.csrf(client)}
    )
    assert response.status_code == 201


def test_failures_without_a_known_address_are_counted_together(engine: Engine) -> None:
    for _ in range(CLIENT_FAILURES):
        log_action(engine, AuditEvent(actor="unknown", action="login_failed", client=None))
    log_action(engine, AuditEvent(actor="unknown", action="login_failed", client="10.0.0.1"))
    assert auth.client_throttled(engine, None)
    assert not auth.client_throttled(engine, "10.0.0.1")
    assert not auth.client_throttled(engine, "10.0.0.2")
