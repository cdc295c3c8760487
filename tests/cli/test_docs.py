"""README's command table lists every command of the CLI, and no command that is gone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main

from zicht.cli import app

README = Path(__file__).parents[2] / "README.md"
_WORD = re.compile(r"[a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)*")


def cli_commands() -> set[tuple[str, ...]]:
    """Every command and subcommand of `zicht` as a path of names, walked from Click."""

    def walk(command: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = [path] if path else []
        for name, sub in (getattr(command, "commands", None) or {}).items():
            if not sub.hidden:
                found.extend(walk(sub, (*path, name)))
        return found

    return set(walk(typer.main.get_command(app), ()))


def table_commands(markdown: str) -> set[tuple[str, ...]]:
    """The command paths named in the first column of the `## Commands` table.

    A cell names commands in code spans (`zicht users add\\|list`, `link export ...`);
    a span's command words end at the first option, argument or placeholder, and
    `a\\|b` names both. Every leading part of a path counts as named (`users`).
    """
    section = markdown.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    named: set[tuple[str, ...]] = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cell = line.replace("\\|", "\x00").split("|")[1].replace("\x00", "|")
        for span in re.findall(r"`([^`]+)`", cell):
            words = span.split()
            words = words[1:] if words[:1] == ["zicht"] else words
            paths: list[tuple[str, ...]] = [()]
            for word in words:
                if not _WORD.fullmatch(word):
                    break
                paths = [(*path, choice) for path in paths for choice in word.split("|")]
                named.update(paths)
    return named


def test_the_table_parser_reads_the_forms_the_readme_uses() -> None:
    table = (
        "# Zicht\n\n## Commands\n\n| command | what |\n|---|---|\n"
        "| `zicht link [--backend duckdb\\|spark]` | x |\n"
        "| `zicht link explain` / `link export --out FILE.csv` | x |\n"
        "| `zicht users add\\|list` | x |\n"
        "| `zicht estimate --table FILE.csv` / `--linked [--by year]` | x |\n"
        "| `zicht standard vocabularies [NAME] [--lang nl\\|en]` | x |\n"
        "| `zicht ingest FILE --source ORG` | x |\n\n## Next\n| `zicht ghost` | x |\n"
    )
    assert table_commands(table) == {
        ("link",),
        ("link", "explain"),
        ("link", "export"),
        ("users",),
        ("users", "add"),
        ("users", "list"),
        ("estimate",),
        ("standard",),
        ("standard", "vocabularies"),
        ("ingest",),
    }


def test_the_walk_finds_commands_groups_and_subcommands() -> None:
    commands = cli_commands()
    for path in [("serve",), ("users",), ("users", "add"), ("link",), ("link", "explain")]:
        assert path in commands
    assert ("users", "wizard") not in commands


def test_readme_command_table_is_the_cli() -> None:
    documented = table_commands(README.read_text(encoding="utf-8"))
    commands = cli_commands()
    assert sorted(commands - documented) == [], "commands missing from README's table"
    assert sorted(documented - commands) == [], "README's table names commands that do not exist"
