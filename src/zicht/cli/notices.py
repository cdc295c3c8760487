"""`zicht platforms`: DSA notice and action for platforms (register, statements export)."""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from sqlalchemy.exc import SQLAlchemyError

from zicht.cli._common import DATABASE_OPTION, console, current_settings, fail, open_engine

if TYPE_CHECKING:
    from zicht.access import Principal

__all__ = ["register"]

platforms_app = typer.Typer(
    help="DSA notice and action for platforms (docs/notices.md).", no_args_is_help=True
)


def _command_line(role: str, platform: str | None) -> Principal:
    """The command line as `role` (of `platform`), named cli:<user> in the audit trail."""
    from zicht.access import Principal

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Principal.for_user(0, f"cli:{user}", role, platform)


@platforms_app.command("register")
def register_command(
    code: str = typer.Argument(..., help="The platform's code (the `platform` of its ads)."),
    name: str = typer.Option(..., "--name", help="The platform's name."),
    contact_point: str = typer.Option(
        ..., "--contact-point", help="Its single point of contact (an e-mail address)."
    ),
    established_in: str = typer.Option("NL", "--established-in", help="EEA state."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Register a platform as a tenant of notice and action (or update it)."""
    from zicht.platforms.notices import NoticeError, register_platform

    admin = _command_line("administrator", None)
    engine = open_engine("platforms register", database_url)
    try:
        new = register_platform(engine, admin, code, name, contact_point, established_in)
    except NoticeError as exc:
        fail("platforms register", str(exc))
    finally:
        engine.dispose()
    console.print(f"{code}: {'registered' if new else 'updated'}", markup=False)


@platforms_app.command("tdb-export")
def tdb_export_command(
    since: str = typer.Option(..., "--since", help="First day (YYYY-MM-DD) of decisions."),
    out: Path = typer.Option(..., "--out", help="JSON Lines file, one statement a line."),
    platform: list[str] = typer.Option(
        [], "--platform", help="Platform code (repeatable); default: every registered one."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Write the Transparency Database statements of decisions to act since a day.

    Every statement is checked against the schema; when one fails, nothing is written
    and the exit code is 2.
    """
    from zicht.platforms.notices import StatementError, statements_since, write_statements
    from zicht.store import notice_cases

    try:
        first = dt.date.fromisoformat(since)
    except ValueError:
        fail("platforms tdb-export", "--since: not a date (YYYY-MM-DD)")
    if not out.parent.is_dir():
        fail("platforms tdb-export", f"--out: folder {out.parent} does not exist")
    engine = open_engine("platforms tdb-export", database_url)
    statements = []
    try:
        codes = platform or notice_cases.platform_codes(engine)
        for code in codes:
            operator = _command_line("platform_moderator", code)
            statements += statements_since(engine, operator, code, first)
    except StatementError as exc:
        fail("platforms tdb-export", f"{exc}; nothing written")
    except SQLAlchemyError as exc:
        fail("platforms tdb-export", f"the database refused the export ({type(exc).__name__})")
    finally:
        engine.dispose()
    write_statements(out, statements)
    console.print(
        f"{out.name}: {len(statements)} statements of {len(codes)} platforms since {first}",
        markup=False,
        highlight=False,
    )


@platforms_app.command("transparency-report")
def transparency_command(
    platform: str = typer.Option(..., "--platform", help="Platform code."),
    start: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD) of the period."),
    end: str = typer.Option(..., "--to", help="Day after the period (YYYY-MM-DD)."),
    out: Path = typer.Option(..., "--out", help="Folder for the CSV and HTML files."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """The Art. 15/24 transparency report of a platform: counts through the publication
    policy (small counts suppressed), as CSV and HTML."""
    from zicht.platforms.notices import transparency_report, write_transparency_report

    try:
        first, after = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        fail("platforms transparency-report", "--from/--to: not a date (YYYY-MM-DD)")
    if after <= first:
        fail("platforms transparency-report", "--to: the period ends after it starts")
    if not out.is_dir():
        fail("platforms transparency-report", f"--out: folder {out} does not exist")
    engine = open_engine("platforms transparency-report", database_url)
    try:
        operator = _command_line("platform_moderator", platform)
        report = transparency_report(engine, operator, platform, first, after)
    finally:
        engine.dispose()
    csv_path, html_path = write_transparency_report(report, out, current_settings().language)
    console.print(f"{csv_path}\n{html_path}", markup=False, highlight=False)


@platforms_app.command("send-outbox")
def send_outbox_command(
    sender_address: str = typer.Option(..., "--from", help="The platform's sender address."),
    folder: Path | None = typer.Option(None, "--folder", help="Write .eml files here."),
    smtp: str | None = typer.Option(None, "--smtp", help="HOST:PORT of the SMTP server."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Send the queued receipts and decisions to notifiers who gave an e-mail address.

    Exit 1 when some could not be sent (they stay queued and are tried again).
    """
    from zicht.cli._common import open_cipher
    from zicht.platforms.notices import FileSender, Sender, SmtpSender, deliver_outbox

    sender: Sender
    if (folder is None) == (smtp is None):
        fail("platforms send-outbox", "give either --folder or --smtp")
    if folder is not None:
        if not folder.is_dir():
            fail("platforms send-outbox", f"--folder: {folder} does not exist")
        sender = FileSender(folder)
    else:
        assert smtp is not None
        host, _, port = smtp.rpartition(":")
        if not host or not port.isdigit():
            fail("platforms send-outbox", "--smtp: HOST:PORT")
        sender = SmtpSender(host, int(port))
    cipher = open_cipher("platforms send-outbox")
    engine = open_engine("platforms send-outbox", database_url)
    try:
        actor = _command_line("administrator", None)
        sent, failed = deliver_outbox(engine, cipher, actor, sender, sender_address)
    finally:
        engine.dispose()
    console.print(f"{sent} sent, {failed} not sent", markup=False, highlight=False)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `zicht platforms`."""
    app.add_typer(platforms_app, name="platforms")
