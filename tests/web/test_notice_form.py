"""The public notice form: logged out, two steps, no contact asked about child abuse."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from zicht.access import Principal
from zicht.config import Settings
from zicht.platforms.notices import register_platform
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.store.notices import NoticeRow
from zicht.web import create_app

ADMIN = Principal.for_user(1, "admin", "administrator", None)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Engine]]:
    folder: Path = tmp_path_factory.mktemp("notice-form")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    register_platform(engine, ADMIN, "kinky-nl", "Kinky NL", "dsa@kinky.example")
    app = create_app(
        Settings(database_url=str(engine.url)),
        engine=engine,
        cipher=Cipher(generate_key()),
        report_dir=folder,
    )
    with TestClient(app, base_url="http://localhost") as client:  # type: ignore[arg-type]
        yield client, engine
    engine.dispose()


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_two_steps_and_a_receipt(site: tuple[TestClient, Engine]) -> None:
    client, engine = site
    first = client.get("/report/kinky-nl/ad/A-17")
    assert first.status_code == 200 and 'name="category"' in first.text
    assert "Wat voor illegale inhoud" in first.text and "A-17" in first.text  # Dutch default
    second = client.get("/report/kinky-nl/ad/A-17?category=STATEMENT_CATEGORY_VIOLENCE")
    assert 'name="email"' in second.text and 'name="explanation"' in second.text
    data = {
        "csrf_token": _token(second.text),
        "category": "STATEMENT_CATEGORY_VIOLENCE",
        "url": "https://kinky.example/ad/A-17",
        "explanation": "Zelfde sjabloon als advertenties van een netwerk.",
        "good_faith": "yes",
        "email": "melder@example.org",
    }
    done = client.post("/report/kinky-nl/ad/A-17", data=data)
    assert done.status_code == 201, done.text
    reference = re.search(r"(N-[A-Za-z0-9_-]+)", done.text)
    assert reference
    with Session(engine) as session:
        row = session.scalars(
            select(NoticeRow).where(NoticeRow.reference == reference.group(1))
        ).one()
    assert row.ad_ids == ["A-17"] and row.contact is not None and row.language == "nl"


def test_no_contact_fields_for_child_abuse_and_errors_named(
    site: tuple[TestClient, Engine],
) -> None:
    client, _ = site
    page = client.get("/report/kinky-nl?category=STATEMENT_CATEGORY_PROTECTION_OF_MINORS&lang=en")
    assert 'name="email"' not in page.text and 'name="name"' not in page.text
    assert "You may stay anonymous" in page.text
    bad = client.post(
        "/report/kinky-nl",
        data={
            "csrf_token": _token(page.text),
            "category": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
            "url": "javascript:alert(1)",
            "explanation": "",
        },
    )
    assert bad.status_code == 400
    assert (
        "Give the exact web address" in bad.text
        and "Confirm the statement of good faith" in bad.text
    )
    assert "javascript:alert(1)" not in bad.text.split("<form")[0]  # the summary names no value


def test_without_the_form_token_or_for_an_unknown_platform(site: tuple[TestClient, Engine]) -> None:
    client, _ = site
    fresh = TestClient(client.app, base_url="http://localhost")  # type: ignore[arg-type]
    assert fresh.post("/report/kinky-nl", data={"category": "x"}).status_code == 403
    assert client.get("/report/nowhere").status_code == 404
    assert client.get("/report/" + "x" * 61).status_code == 404
