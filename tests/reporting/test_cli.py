"""`zicht reporting`: keys under a checked password, retention, published counts."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zicht.access import Actor, add_user
from zicht.cli import app
from zicht.privacy import generate_key
from zicht.store import make_engine, upgrade


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    for name, organisation in (("anna", "comensha"), ("bram", "comensha"), ("cem", "fairwork")):
        add_user(engine, Actor("test"), name, "report_handler", organisation, f"{name} password 1")
    engine.dispose()
    monkeypatch.setenv("ZICHT_SECRET_KEY", base64.b64encode(generate_key()).decode())
    return url


def test_key_create_grant_purge_and_counts(database: str) -> None:
    runner = CliRunner()
    create = ["reporting", "key", "create", "--organisation", "comensha", "--user", "anna"]
    wrong = runner.invoke(app, [*create, "--database-url", database], input="not hers\n")
    assert wrong.exit_code == 2 and "password" in wrong.output
    made = runner.invoke(app, [*create, "--database-url", database], input="anna password 1\n")
    assert made.exit_code == 0, made.output
    again = runner.invoke(app, [*create, "--database-url", database], input="anna password 1\n")
    assert again.exit_code == 2 and "already has a key" in again.output
    grant = ["reporting", "key", "grant", "--user", "anna", "--database-url", database]
    other_org = runner.invoke(app, [*grant, "--to", "cem"])
    assert other_org.exit_code == 2
    granted = runner.invoke(
        app, [*grant, "--to", "bram"], input="anna password 1\nbram password 1\n"
    )
    assert granted.exit_code == 0, granted.output
    from zicht.reporting import unlock_key

    engine = make_engine(database)
    unlock_key(engine, "comensha", 2, "bram password 1")  # bram (user 2) holds a copy now
    engine.dispose()
    purged = runner.invoke(app, ["reporting", "purge", "--database-url", database])
    assert purged.exit_code == 0 and "0" in purged.output
    counts = runner.invoke(app, ["reporting", "counts", "--database-url", database])
    assert counts.exit_code == 0
    assert json.loads(counts.output)["total"] == 0
