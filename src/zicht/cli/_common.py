"""What the commands share: settings, the engine, the cipher, one-line errors."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from typer._click.globals import get_current_context

from zicht.config import Settings, settings_errors
from zicht.i18n import Translator
from zicht.privacy import Cipher, MissingKeyError
from zicht.store import current_revision, head_revision, make_engine

__all__ = [
    "DATABASE_OPTION",
    "console",
    "current_settings",
    "err_console",
    "fail",
    "messages",
    "open_cipher",
    "open_engine",
    "read_settings",
    "show_refusals",
]

# Wide enough for the summary tables when output goes to a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)

DATABASE_OPTION = typer.Option(
    None,
    "--database-url",
    help="SQLAlchemy URL of the application database (default: ZICHT_DATABASE_URL, "
    "else sqlite:///var/zicht.db).",
    show_default=False,
)


def messages() -> Translator:
    """The command line's messages, in the language of ZICHT_LANGUAGE (Dutch by default)."""
    return Translator(current_settings().language)


def fail(command: str, message: str, code: int = 2) -> NoReturn:
    """Print one error line naming the command and stop with `code`."""
    t = messages()
    print(
        t("zicht %(command)s: error: %(message)s", command=command, message=message),
        file=sys.stderr,
    )
    raise typer.Exit(code)


def read_settings() -> Settings:
    """The settings from the environment, or one error line per invalid variable and exit 2."""
    try:
        return Settings()
    except ValidationError as exc:
        for line in settings_errors(exc):
            print(f"zicht: error: {line}", file=sys.stderr)
        raise typer.Exit(2) from None


def current_settings() -> Settings:
    """The settings this invocation read at its start (the root command's `obj`)."""
    # Typer's own copy of click keeps the context of the running command.
    context = get_current_context(silent=True)
    root = context.find_root() if context is not None else None
    if root is not None and isinstance(root.obj, Settings):
        return root.obj
    return read_settings()


def open_engine(command: str, database_url: str | None, *, migrate: bool = False) -> Engine:
    """The engine of the configured database, checked to be at the newest migration."""
    url = database_url or current_settings().database_url
    engine = make_engine(url)
    try:
        if migrate:
            from zicht.store import upgrade

            upgrade(engine)
            return engine
        if current_revision(engine) == head_revision():
            return engine
        t = messages()
        problem = t("the database is not up to date: run `zicht db upgrade` first")
    except SQLAlchemyError as exc:
        t = messages()
        problem = t("cannot use the database (%(error)s)", error=type(exc).__name__)
    engine.dispose()
    fail(command, problem)


def open_cipher(command: str) -> Cipher:
    """The cipher for identity data, or a clear error on how to make a key."""
    try:
        return current_settings().cipher()
    except MissingKeyError as exc:
        fail(command, str(exc))


SHOWN_REFUSALS = 20


def show_refusals(refusals: list[str]) -> None:
    """The first refused rows of a file on standard error (file, row, field, rule; no values)."""
    for line in refusals[:SHOWN_REFUSALS]:
        print(f"refused: {line}", file=sys.stderr)
    if len(refusals) > SHOWN_REFUSALS:
        print(f"... and {len(refusals) - SHOWN_REFUSALS} more", file=sys.stderr)
