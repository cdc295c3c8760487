"""`zicht serve`, `zicht users`, `zicht tokens` and `zicht audit`: the web app and its accounts.

FastAPI and uvicorn are imported inside the commands, so that starting the CLI stays cheap.
"""

from __future__ import annotations

import typer
from rich.table import Table

from zicht.cli._common import DATABASE_OPTION, console, fail, open_cipher, open_engine

__all__ = ["register"]

users_app = typer.Typer(help="Accounts of the web application.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens of partner systems.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on.", min=1, max=65535),
    workers: int | None = typer.Option(
        None,
        "--workers",
        help="Server processes (default: one per CPU core, at most 4).",
        min=1,
        max=64,
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Run the web application with uvicorn (SQLite by default, PostgreSQL via ZICHT_DATABASE_URL)."""  # noqa: E501
    import dataclasses

    from zicht.config import Settings

    engine = open_engine("serve", database_url)
    engine.dispose()
    open_cipher("serve")
    settings = Settings.from_env()
    if database_url:
        settings = dataclasses.replace(settings, database_url=database_url)
    from zicht.web import default_workers
    from zicht.web import serve as run

    processes = workers or default_workers()
    console.print(
        f"Zicht runs at http://{host}:{port}/ ({processes} worker processes) — stop it with Ctrl-C."
    )
    try:
        run(host, port, settings=settings, workers=processes)
    except RuntimeError as exc:
        fail("serve", str(exc))


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Login name (a-z, 0-9, '.', '_', '-')."),
    role: str = typer.Option(
        ..., "--role", help="administrator | data_steward | coordinator | analyst | auditor"
    ),
    organisation: str | None = typer.Option(
        None, "--organisation", help="Organisation code (required for a data steward)."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Add a user; the generated password is printed once."""
    from zicht.access import AccountError, Actor, add_user

    engine = open_engine("users add", database_url)
    try:
        password = add_user(engine, Actor.command_line(), username, role, organisation)
    except AccountError as exc:
        fail("users add", str(exc))
    finally:
        engine.dispose()
    console.print(f"User {username} ({role}) added. Password (shown once): {password}")


def _set_active(command: str, username: str, active: bool, database_url: str | None) -> None:
    from zicht.access import AccountError, Actor, set_user_active

    engine = open_engine(command, database_url)
    try:
        set_user_active(engine, Actor.command_line(), username, active)
    except AccountError as exc:
        fail(command, str(exc))
    finally:
        engine.dispose()
    console.print(f"User {username} {'enabled' if active else 'disabled'}.")


@users_app.command("disable")
def users_disable(
    username: str = typer.Argument(...), database_url: str | None = DATABASE_OPTION
) -> None:
    """Disable a user and end their sessions."""
    _set_active("users disable", username, False, database_url)


@users_app.command("enable")
def users_enable(
    username: str = typer.Argument(...), database_url: str | None = DATABASE_OPTION
) -> None:
    """Enable a disabled user again."""
    _set_active("users enable", username, True, database_url)


@users_app.command("reset")
def users_reset(
    username: str = typer.Argument(...), database_url: str | None = DATABASE_OPTION
) -> None:
    """Give a user a new password (printed once), lift a lockout, end their sessions."""
    from zicht.access import AccountError, Actor, reset_password

    engine = open_engine("users reset", database_url)
    try:
        password = reset_password(engine, Actor.command_line(), username)
    except AccountError as exc:
        fail("users reset", str(exc))
    finally:
        engine.dispose()
    console.print(f"New password for {username} (shown once): {password}")


@users_app.command("list")
def users_list(database_url: str | None = DATABASE_OPTION) -> None:
    """List the users (never their passwords)."""
    from zicht.access import list_users

    engine = open_engine("users list", database_url)
    try:
        users = list_users(engine)
    finally:
        engine.dispose()
    table = Table(title="Users")
    for column in ("user", "role", "organisation", "status", "last login"):
        table.add_column(column)
    for u in users:
        status = "disabled" if not u.active else ("locked" if u.locked else "active")
        last = u.last_login_at.isoformat(timespec="minutes") if u.last_login_at else ""
        table.add_row(u.username, u.role, u.organisation or "", status, last)
    console.print(table)


@tokens_app.command("create")
def tokens_create(
    name: str = typer.Argument(..., help="What the token is for (e.g. the partner system)."),
    organisation: str = typer.Option(..., "--organisation", help="Organisation code."),
    actions: str = typer.Option(
        ..., "--actions", help="Comma-separated actions, e.g. upload,list_registrations."
    ),
    days: int = typer.Option(90, "--days", help="Days until the token expires (1-366)."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Issue an API token; the token is printed once and stored only as a hash."""
    from zicht.access import AccountError, Actor, create_token

    engine = open_engine("tokens create", database_url)
    chosen = [a.strip() for a in actions.split(",") if a.strip()]
    try:
        info, token = create_token(engine, Actor.command_line(), name, organisation, chosen, days)
    except AccountError as exc:
        fail("tokens create", str(exc))
    finally:
        engine.dispose()
    console.print(
        f"Token {info.id} for {organisation} ({', '.join(info.actions)}), expires "
        f"{info.expires_at:%Y-%m-%d}. Token (shown once): {token}"
    )


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: int = typer.Argument(..., help="The token's number (see `zicht tokens list`)."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Revoke an API token at once."""
    from zicht.access import AccountError, Actor, revoke_token

    engine = open_engine("tokens revoke", database_url)
    try:
        revoke_token(engine, Actor.command_line(), token_id)
    except AccountError as exc:
        fail("tokens revoke", str(exc))
    finally:
        engine.dispose()
    console.print(f"Token {token_id} revoked.")


@tokens_app.command("list")
def tokens_list(database_url: str | None = DATABASE_OPTION) -> None:
    """List the API tokens (never the tokens themselves)."""
    from zicht.access import list_tokens

    engine = open_engine("tokens list", database_url)
    try:
        tokens = list_tokens(engine)
    finally:
        engine.dispose()
    table = Table(title="API tokens")
    for column in ("id", "name", "prefix", "organisation", "actions", "expires", "status"):
        table.add_column(column)
    for tk in tokens:
        status = "revoked" if tk.revoked_at else ("active" if tk.usable else "expired")
        table.add_row(
            str(tk.id),
            tk.name,
            tk.prefix,
            tk.organisation,
            ",".join(tk.actions),
            f"{tk.expires_at:%Y-%m-%d}",
            status,
        )
    console.print(table)


@audit_app.command("verify")
def audit_verify(
    anchor: str | None = typer.Option(
        None, "--anchor", help="A head hash printed by an earlier verify; it must still be there."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Recompute the hash chain of the audit trail against its last signed checkpoint,
    then checkpoint it anew; exit 1 at the first broken entry."""
    from pathlib import Path

    from zicht.access import Checkpoints, default_checkpoint_directory, verify
    from zicht.config import Settings
    from zicht.privacy import MissingKeyError

    settings = Settings.from_env()
    engine = open_engine("audit verify", database_url)
    configured = settings.audit_checkpoint_dir
    directory = (
        Path(configured)
        if configured
        else default_checkpoint_directory(engine, settings.secret_key_file)
    )
    try:  # the key signs the checkpoints: without it only the chain can be checked
        checkpoints = Checkpoints.of(engine, settings.cipher(), directory) if directory else None
    except MissingKeyError:
        checkpoints = None
    try:
        report = verify(engine, anchor, checkpoints)
    finally:
        engine.dispose()
    if not report.ok:
        where = (
            f" at entry {report.first_broken_seq} (id {report.first_broken_id})"
            if (report.first_broken_id is not None)
            else ""
        )
        print(
            f"zicht audit verify: error: audit trail broken{where}: {report.problem}",
            file=__import__("sys").stderr,
        )
        raise typer.Exit(1)
    console.print(f"Audit trail intact: {report.entries} entries; head {report.head_hash}")
    if checkpoints is None:
        console.print(
            "Not checked against a signed checkpoint: it needs the key and a folder "
            "(ZICHT_SECRET_KEY_FILE or ZICHT_SECRET_KEY, ZICHT_AUDIT_CHECKPOINT_DIR)."
        )
    else:
        since = report.checkpoint_seq
        checked = "no earlier checkpoint" if since is None else f"checkpoint at entry {since} held"
        console.print(f"{checked}; checkpoint written to {checkpoints.path}")


def register(app: typer.Typer) -> None:
    """Add `zicht serve`, `zicht users`, `zicht tokens` and `zicht audit`."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.add_typer(audit_app, name="audit")
