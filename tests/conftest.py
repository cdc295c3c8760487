"""Shared fixtures: the same store tests run against SQLite and PostgreSQL.

PostgreSQL comes from ZICHT_TEST_POSTGRES_URL (the Makefile sets it to the local
server). Each test gets its own schema, dropped afterwards. When CI=true a missing or
unreachable PostgreSQL fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.store.writing import start_batch

# How the browser tests start Debian's chromium as root on a machine without a network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Property tests check what they find, not how fast: a loaded machine (two test workers,
# a browser) must not turn a slow example into a failure. Found examples are kept in
# .hypothesis/ and replayed first.
settings.register_profile("zicht", deadline=None)
settings.load_profile("zicht")

POSTGRES_URL = os.environ.get("ZICHT_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def english_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Command-line messages in English, as the tests of each command read them.

    Dutch is the default (ZICHT_LANGUAGE unset); tests/cli/test_language.py checks it.
    """
    monkeypatch.setenv("ZICHT_LANGUAGE", "en")


def _postgres_or_skip() -> str:
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI=true but ZICHT_TEST_POSTGRES_URL is not set")
        pytest.skip("ZICHT_TEST_POSTGRES_URL is not set")
    return POSTGRES_URL


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh, empty PostgreSQL schema."""
    base = _postgres_or_skip()
    schema = f"zicht_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and not reachable: {type(exc).__name__}")
        pytest.skip("PostgreSQL not reachable")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zicht.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated engine on each database."""
    engine = make_engine(database_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def cipher() -> Cipher:
    """A cipher with a fresh random key."""
    return Cipher(generate_key())


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's chromium (installed by `make browser`); required when CI=true."""
    import shutil

    path = os.environ.get("ZICHT_CHROMIUM") or shutil.which("chromium")
    if not path:
        if IN_CI:
            pytest.fail("CI=true but chromium is not installed (make browser)")
        pytest.skip("chromium is not installed: run `make browser`")
    return path


def start_victim_batch(session: Session, source: str = "police") -> int:
    """A victim-registration ingest batch opened in `session` (for writing rows directly)."""
    batch = start_batch(
        session,
        source=source,
        record_type="victim_registration",
        file_name="f.csv",
        file_sha256="0" * 64,
    )
    return batch.id
