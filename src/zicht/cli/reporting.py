"""`zicht reporting`: the anonymous channel's keys, retention and published counts."""

from __future__ import annotations

import json

import typer
from sqlalchemy import Engine

from zicht.cli._common import (
    DATABASE_OPTION,
    console,
    current_settings,
    fail,
    messages,
    open_cipher,
    open_engine,
)

__all__ = ["register"]

reporting_app = typer.Typer(
    help="The anonymous reporting channel (/meld): keys, retention, counts.",
    no_args_is_help=True,
)
key_app = typer.Typer(help="The handling organisations' keys.", no_args_is_help=True)


def _staff_id(command: str, engine: Engine, username: str, password: str) -> int:
    from zicht.access import login

    t = messages()
    outcome = login(engine, username, password)
    if not outcome.ok or outcome.user_id is None:
        fail(command, t("the user name or password is not right"))
    return outcome.user_id


@key_app.command("create")
def key_create(
    organisation: str = typer.Option(..., "--organisation", help="Organisation code."),
    user: str = typer.Option(..., "--user", help="The first staff member to hold the key."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Make the organisation's key pair for reports; its private key is stored only
    wrapped under the staff member's password (asked for, never an option)."""
    from zicht.access import Actor
    from zicht.reporting import ReportingError, create_organisation_key

    t = messages()
    engine = open_engine("reporting key create", database_url)
    password = typer.prompt(t("Password"), hide_input=True)
    user_id = _staff_id("reporting key create", engine, user, password)
    try:
        create_organisation_key(engine, organisation, user_id, password, Actor.command_line().name)
    except ReportingError:
        fail("reporting key create", t("this organisation already has a key"))
    console.print(t("Key made for %(organisation)s.", organisation=organisation))


@key_app.command("grant")
def key_grant(
    user: str = typer.Option(..., "--user", help="A staff member who holds the key."),
    to: str = typer.Option(..., "--to", help="The colleague who gets a copy."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Give a colleague of the same organisation a copy of its key (both passwords are
    typed in, as at a handover)."""
    from zicht.access import Principal, list_users
    from zicht.reporting import ReportingError, WrongPassword, grant_key

    t = messages()
    engine = open_engine("reporting key grant", database_url)
    users = {u.username: u for u in list_users(engine)}
    if user not in users or to not in users or users[user].organisation != users[to].organisation:
        fail("reporting key grant", t("both users must be of one organisation"))
    holder_password = typer.prompt(t("Password of the holder"), hide_input=True)
    holder_id = _staff_id("reporting key grant", engine, user, holder_password)
    password = typer.prompt(t("Password of the colleague"), hide_input=True)
    colleague_id = _staff_id("reporting key grant", engine, to, password)
    holder = users[user]
    granter = Principal.for_user(holder_id, user, holder.role, holder.organisation)
    try:
        grant_key(engine, granter, holder_password, colleague_id, password)
    except (WrongPassword, ReportingError):
        fail("reporting key grant", t("the holder holds no copy of the key"))
    console.print(t("Key copied to %(user)s.", user=to))


@reporting_app.command("purge")
def purge(database_url: str | None = DATABASE_OPTION) -> None:
    """Delete reports nobody took on (still new, or closed) whose last activity is older
    than ZICHT_REPORTING_RETENTION_DAYS, with their messages and attachments."""
    from zicht.reporting import ReportingPolicy, purge_expired

    t = messages()
    engine = open_engine("reporting purge", database_url)
    policy = ReportingPolicy.of(current_settings(), open_cipher("reporting purge"))
    count = purge_expired(engine, policy)
    console.print(t("Reports deleted: %(count)s.", count=count))


@reporting_app.command("counts")
def counts(
    year: int | None = typer.Option(
        None, "--year", help="Only the reports filed in this year (as in `zicht report`)."
    ),
    k: int = typer.Option(
        10, "--k", min=1, help="Smallest published count; smaller nonzero counts are suppressed."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """The channel's counts for the monitor (JSON), through the publication policy:
    by channel, language, audience and outcome, and the median hours to a first answer.
    The same figures as the section of `zicht report` and the dashboard."""
    from dataclasses import asdict

    from zicht.privacy import PublicationPolicy
    from zicht.reporting import reporting_counts

    engine = open_engine("reporting counts", database_url)
    published = reporting_counts(engine, PublicationPolicy(k=k), year)
    print(json.dumps(asdict(published), indent=2, sort_keys=True))


def register(app: typer.Typer) -> None:
    """Add `zicht reporting`."""
    reporting_app.add_typer(key_app, name="key")
    app.add_typer(reporting_app, name="reporting")
