"""What the commands share: settings, the engine, the cipher, one-line errors."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from zicht.config import Settings
from zicht.i18n import Translator
from zicht.privacy import Cipher, MissingKeyError
from zicht.store import current_revision, head_revision, make_engine

__all__ = [
    "DATABASE_OPTION",
    "console",
    "err_console",
    "fail",
    "messages",
    "open_cipher",
    "open_engine",
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
    return Translator(Settings.from_env().language)


def fail(command: str, message: str, code: int = 2) -> NoReturn:
    """Print one error line naming the command and stop with `code`."""
    t = messages()
    print(
        t("zicht %(command)s: error: %(message)s", command=command, message=message),
        file=sys.stderr,
    )
    raise typer.Exit(code)


def open_engine(command: str, database_url: str | None, *, migrate: bool = False) -> Engine:
    """The engine of the configured database, checked to be at the newest migration."""
    url = database_url or Settings.from_env().database_url
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
        return Settings.from_env().cipher()
    except MissingKeyError as exc:
        fail(command, str(exc))
