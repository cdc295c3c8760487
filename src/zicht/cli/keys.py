"""`zicht keys`: make the key that encrypts identity data."""

from __future__ import annotations

from pathlib import Path

import typer

from zicht.cli._common import console, fail, messages
from zicht.privacy import write_key_file

__all__ = ["register"]

keys_app = typer.Typer(help="Encryption keys for identity data.", no_args_is_help=True)


@keys_app.command("new")
def new(
    out: Path = typer.Option(..., "--out", help="File to write the new key to (mode 0600)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing key file."),
) -> None:
    """Write a new random AES-256 key; point ZICHT_SECRET_KEY_FILE at it."""
    try:
        write_key_file(out, overwrite=force)
    except FileExistsError as exc:
        fail("keys new", str(exc))
    t = messages()
    console.print(
        t("Wrote a new key to %(out)s. Use it with: export ZICHT_SECRET_KEY_FILE=%(out)s", out=out)
    )
    console.print(t("Keep it safe: identity data encrypted with it cannot be read without it."))


def register(app: typer.Typer) -> None:
    """Add `zicht keys`."""
    app.add_typer(keys_app, name="keys")
