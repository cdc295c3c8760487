"""docs/linkage.md names every `zicht link` command and option."""

from __future__ import annotations

from pathlib import Path

import typer.main

from zicht.cli.link import link_app

DOCS = (Path(__file__).parents[2] / "docs" / "linkage.md").read_text(encoding="utf-8")


def test_every_link_command_and_option_is_documented() -> None:
    group = typer.main.get_command(link_app)
    missing = [
        flag
        for param in group.params
        for flag in param.opts[:1]
        if flag.startswith("--") and "completion" not in flag and flag not in DOCS
    ]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if f"zicht link {name}" not in DOCS:
            missing.append(f"zicht link {name}")
        for param in command.params:
            flag = next((o for o in param.opts if o.startswith("--")), None)
            if flag and flag != "--help" and flag not in DOCS:
                missing.append(f"zicht link {name} {flag}")
    assert not missing, f"not in docs/linkage.md: {missing}"
