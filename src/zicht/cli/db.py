"""`zicht db`: migrations of the application database."""

from __future__ import annotations

import typer
from sqlalchemy.exc import SQLAlchemyError

from zicht.cli._common import DATABASE_OPTION, console, current_settings, fail, messages
from zicht.store import current_revision, head_revision, make_engine, upgrade

__all__ = ["register"]

db_app = typer.Typer(help="The application database.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(database_url: str | None = DATABASE_OPTION) -> None:
    """Create or migrate the database to the newest schema (Alembic)."""
    t = messages()
    url = database_url or current_settings().database_url
    engine = make_engine(url)
    try:
        upgrade(engine)
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        fail("db upgrade", t("cannot migrate the database (%(error)s)", error=type(exc).__name__))
    finally:
        engine.dispose()
    console.print(
        t(
            "Database at revision %(revision)s (newest: %(head)s).",
            revision=revision,
            head=head_revision(),
        )
    )


def register(app: typer.Typer) -> None:
    """Add `zicht db`."""
    app.add_typer(db_app, name="db")
