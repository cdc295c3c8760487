"""`zicht demo` lists a moderator of its notice platform with the demo accounts, and that
account logs in and sees the platform's queue (and no other platform's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from zicht.access import Principal, authorize, create_session, login, principal_for_session
from zicht.cli import demo as demo_cli
from zicht.config import Settings
from zicht.platforms.notices import DEMO_PLATFORM, register_platform
from zicht.store import make_engine, upgrade

ADMIN = Principal.for_user(1, "admin", "administrator", None)


def test_the_demo_accounts_include_a_moderator_of_the_demo_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    register_platform(engine, ADMIN, DEMO_PLATFORM, "Synthetic platform", "dsa@demo.example")
    register_platform(engine, ADMIN, "other-platform", "Other", "dsa@other.example")
    served: list[Settings] = []
    monkeypatch.setattr("zicht.web.serve", lambda settings, **_: served.append(settings))
    printed = Console(record=True, width=200)
    monkeypatch.setattr(demo_cli, "console", printed)
    demo_cli._serve(Settings(database_url=url), "127.0.0.1", 8000)
    assert len(served) == 1
    lines = printed.export_text().splitlines()
    rows = [line.split("│") for line in lines if "demo-moderator" in line]
    assert len(rows) == 1, printed.export_text()
    user, role, organisation, password = (cell.strip() for cell in rows[0][1:5])
    assert (user, role, organisation) == ("demo-moderator", "platform_moderator", DEMO_PLATFORM)

    outcome = login(engine, user, password)
    assert outcome.ok and outcome.user_id is not None
    principal = principal_for_session(engine, create_session(engine, outcome.user_id, "test"))
    assert principal is not None
    assert authorize(principal, "list_notices", DEMO_PLATFORM)
    assert authorize(principal, "decide_notice", DEMO_PLATFORM)
    assert not authorize(principal, "list_notices", "other-platform")
    engine.dispose()
