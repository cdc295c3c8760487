"""Fixtures of the web tests: a populated store, one user per role, logged-in clients."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from starlette.exceptions import StarletteDeprecationWarning

from zicht import access as auth
from zicht.access import ROLES, Actor, add_user, create_token
from zicht.config import Settings
from zicht.ingest import ingest_file, load_mapping
from zicht.privacy import Cipher
from zicht.store import VictimRegistrationRow, make_engine, upgrade
from zicht.store import linkage as link_store
from zicht.store.accounts import SessionRow
from zicht.web.app import create_app

# Starlette's TestClient warns once, at import, that it would prefer the `httpx2`
# package; Zicht pins httpx. The warning is about the test client only.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

EXAMPLES = Path(__file__).parents[2] / "examples"
BASE_URL = "http://localhost"
PASSWORD = "correct horse battery staple"
# Role -> the organisation its test user belongs to.
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
OTHER_ORGANISATION = "fairwork"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the tests check behaviour, not cost."""
    monkeypatch.setattr(
        "zicht.access._auth.password_hasher",
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )


def ingest_examples(engine: Engine, cipher: Cipher) -> None:
    """Police (CSV) and FairWork (XLSX) victim files of the examples."""
    for name, source in (("police_victims.csv", "police"), ("fairwork_victims.xlsx", "fairwork")):
        stem = name.split(".")[0]
        ingest_file(
            EXAMPLES / name,
            source=source,
            engine=engine,
            cipher=cipher,
            mapping=load_mapping(EXAMPLES / f"{stem}.mapping.yaml"),
        )


def fake_link_run(engine: Engine) -> tuple[int, int]:
    """A finished link run: every registration its own person, except the first police and
    the first FairWork registration, which are one. Returns (run id, linked person id)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(VictimRegistrationRow.id, VictimRegistrationRow.source).order_by(
                VictimRegistrationRow.id
            )
        ).all()
    run_id = link_store.start_link_run(engine, mode="test", backend="none", parameters={})
    police = next(r.id for r in rows if r.source == "police")
    fairwork = next(r.id for r in rows if r.source == "fairwork")
    others = [r.id for r in rows if r.id not in (police, fairwork)]
    ids = link_store.allocate_person_ids(engine, run_id, len(others) + 1)
    linked = ids[0]
    assignments = pd.DataFrame(
        {
            "registration_id": [police, fairwork, *others],
            "person_id": [linked, linked, *ids[1:]],
        }
    )
    link_store.write_person_registrations(engine, run_id, assignments)
    persons = assignments.groupby("person_id").size().reset_index(name="registrations")
    persons["suspicious"] = False
    persons["reasons"] = None
    link_store.write_linked_persons(engine, run_id, persons)
    link_store.finish_link_run(
        engine,
        run_id,
        model={},
        timings={},
        metrics={},
        registrations=len(rows),
        persons=len(persons),
    )
    return run_id, linked


@dataclass
class WebWorld:
    """A populated app with one user per role."""

    engine: Engine
    cipher: Cipher
    app: object
    report_dir: Path
    linked_person: int

    def client(self, role: str | None = None) -> TestClient:
        """A client logged in as the test user of `role` (anonymous for None)."""
        client = TestClient(self.app, base_url=BASE_URL)  # type: ignore[arg-type]
        if role is not None:
            user_id = self.user_id(role)
            token = auth.create_session(self.engine, user_id, "testclient")
            client.cookies.set("zicht_session", token)
        return client

    def csrf(self, client: TestClient) -> str:
        """The CSRF token of a client's session."""
        token = client.cookies.get("zicht_session")
        assert token
        with self.engine.connect() as connection:
            value = connection.execute(
                select(SessionRow.csrf_token).where(SessionRow.token_hash == auth.hash_token(token))
            ).scalar_one()
        return str(value)

    def user_id(self, role: str) -> int:
        from zicht.store.accounts import UserRow

        with self.engine.connect() as connection:
            return int(
                connection.execute(select(UserRow.id).where(UserRow.username == role)).scalar_one()
            )

    def token(self, actions: list[str], organisation: str = "police") -> str:
        """A fresh API token."""
        _, token = create_token(
            self.engine, Actor("test"), "test-system", organisation, actions, days=30
        )
        return token


def build_world(engine: Engine, cipher: Cipher, tmp_path: Path) -> WebWorld:
    ingest_examples(engine, cipher)
    _, linked = fake_link_run(engine)
    from zicht.store.notice_cases import save_platform

    save_platform(engine, "kinky-nl", "Kinky NL", "dsa@kinky.example", "NL")  # a tenant
    for role in ROLES:
        add_user(engine, Actor("test"), role, role, ORGANISATION_OF[role], PASSWORD)
    report_dir = tmp_path / "report"
    report_dir.mkdir()
    (report_dir / "monitor-2023.html").write_text("<html><body>monitor</body></html>")
    (report_dir / "monitor-2023.csv").write_text("table,count\nvictims,10\n")
    app = create_app(
        Settings(database_url=str(engine.url)), engine=engine, cipher=cipher, report_dir=report_dir
    )
    return WebWorld(engine, cipher, app, report_dir, linked)


def web_on(engine: Engine, cipher: Cipher, report_dir: Path, role: str = "analyst") -> WebWorld:
    """The app on a store another fixture filled, with one user `role` (username = role)."""
    add_user(engine, Actor("test"), role, role, ORGANISATION_OF[role], PASSWORD)
    app = create_app(
        Settings(database_url=str(engine.url)), engine=engine, cipher=cipher, report_dir=report_dir
    )
    return WebWorld(engine, cipher, app, report_dir, 0)


@pytest.fixture
def world(engine: Engine, cipher: Cipher, tmp_path: Path) -> WebWorld:
    """The web world on SQLite and on PostgreSQL."""
    return build_world(engine, cipher, tmp_path)


@pytest.fixture
def sqlite_world(cipher: Cipher, tmp_path: Path) -> Iterator[WebWorld]:
    """The web world on SQLite only (for the large tables of cases)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(engine)
    try:
        yield build_world(engine, cipher, tmp_path)
    finally:
        engine.dispose()
