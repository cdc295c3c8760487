"""`zicht standard`: the shared data standard as JSON Schema and vocabulary lists."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from zicht.cli._common import console
from zicht.standard import VOCABULARIES, data_standard_markdown, json_schemas

__all__ = ["register"]

standard_app = typer.Typer(help="The shared data standard.", no_args_is_help=True)


@standard_app.command("schema")
def schema(
    out: Path = typer.Option(..., "--out", help="Folder to write one JSON Schema per record type."),
) -> None:
    """Write a JSON Schema per record type (victim_registration, suspect_registration, report)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, document in json_schemas().items():
        target = out / f"{name}.schema.json"
        target.write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        console.print(f"Wrote {target}")


@standard_app.command("vocabularies")
def vocabularies(
    name: str = typer.Argument(None, help="One vocabulary; all names when omitted."),
    lang: str = typer.Option("nl", "--lang", help="Label language: nl or en."),
) -> None:
    """List the vocabularies, or the codes of one with labels and CTDC/HTCDS values."""
    if name is None:
        table = Table("vocabulary", "label", "codes")
        for vocabulary in VOCABULARIES.values():
            table.add_row(
                vocabulary.name,
                vocabulary.nl if lang == "nl" else vocabulary.en,
                str(len(vocabulary)),
            )
        console.print(table)
        return
    if name not in VOCABULARIES:
        raise typer.BadParameter(f"no vocabulary '{name}'; one of {', '.join(VOCABULARIES)}")
    table = Table("code", "label", "CTDC", "HTCDS")
    for term in VOCABULARIES[name]:
        table.add_row(term.code, term.label(lang), term.ctdc or "", term.htcds or "")
    console.print(table)


@standard_app.command("docs")
def docs(
    out: Path = typer.Option(..., "--out", help="Markdown file to write (docs/data-standard.md)."),
) -> None:
    """Write the standard, every field and value in Dutch and English, as Markdown."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_standard_markdown(), encoding="utf-8")
    console.print(f"Wrote {out}")


def register(app: typer.Typer) -> None:
    """Add `zicht standard`."""
    app.add_typer(standard_app, name="standard")
