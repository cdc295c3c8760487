"""docs/web.md and docs/privacy.md say what the code does."""

from __future__ import annotations

from pathlib import Path

from zicht.access import ACTIONS, ROLES, permission_table

DOCS = Path(__file__).parents[2] / "docs"


def test_the_permission_table_in_the_docs_is_the_code() -> None:
    assert permission_table() in (DOCS / "web.md").read_text(encoding="utf-8")


def test_every_role_action_and_command_is_documented() -> None:
    text = (DOCS / "web.md").read_text(encoding="utf-8")
    for name in [*ROLES, *ACTIONS]:
        assert name in text
    for command in (
        "zicht serve",
        "zicht users add",
        "zicht users list",
        "zicht users disable",
        "zicht users enable",
        "zicht users reset",
        "zicht tokens create",
        "zicht tokens list",
        "zicht tokens revoke",
        "zicht audit verify",
    ):
        assert f"`{command}" in text, command


def test_privacy_has_the_web_section() -> None:
    assert "## Web application and audit trail" in (DOCS / "privacy.md").read_text("utf-8")
