"""`zicht shelter`: places, capacity files, requests, matching and reservations.

The operator of a command acts as a coordinator (CoMensha) and is named in the audit
trail after the operating-system user. Every command calls `zicht.shelter`, as the web
pages and the API do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from zicht.cli._common import (
    DATABASE_OPTION,
    console,
    fail,
    messages,
    open_cipher,
    open_engine,
    show_refusals,
)

__all__ = ["register"]

shelter_app = typer.Typer(
    help="Shelter and crisis-bed coordination: places, requests, reservations.",
    no_args_is_help=True,
)
T = TypeVar("T")


def _echo(text: str) -> None:
    console.print(text, markup=False, highlight=False)


@contextmanager
def _engine(command: str, database_url: str | None) -> Iterator[Engine]:
    engine = open_engine(f"shelter {command}", database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _run(command: str, step: Callable[[], T]) -> T:
    """Run one service call; a ShelterError or database error is one line and exit 2."""
    from zicht.shelter import ShelterError

    t = messages()
    try:
        return step()
    except ShelterError as exc:
        fail(f"shelter {command}", t(exc.message, **exc.values))
    except SQLAlchemyError as exc:
        fail(
            f"shelter {command}",
            t("cannot use the database (%(error)s)", error=type(exc).__name__),
        )


@shelter_app.command("add")
def add_command(
    code: str = typer.Argument(..., help="Short code of the shelter (a-z, 0-9, -)."),
    name: str = typer.Option(..., "--name", help="Name of the shelter."),
    kind: str = typer.Option(..., "--kind", help="categorical, municipal or crisis."),
    region: str = typer.Option(..., "--region", help="Police region (e.g. rotterdam)."),
    language: list[str] = typer.Option([], "--language", help="ISO 639-1 code; repeatable."),
    wheelchair: bool = typer.Option(False, "--wheelchair", help="Wheelchair accessible."),
    security: int = typer.Option(1, "--security", help="Security level 1-3."),
    care: bool = typer.Option(False, "--care", help="Offers care (medical, psychological)."),
    address: str = typer.Option(
        ..., "--address", prompt=True, hide_input=True, help="Secret address (asked for)."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Add a shelter or change one; its address is stored encrypted."""
    from zicht.shelter import ShelterInput, command_line_principal, save_shelter

    cipher = open_cipher("shelter add")
    place = ShelterInput(
        code, name, kind, region, address, tuple(language), wheelchair, security, care
    )
    with _engine("add", database_url) as engine:
        shelter_id = _run(
            "add", lambda: save_shelter(engine, command_line_principal(), cipher, place)
        )
    t = messages()
    _echo(t("shelter %(code)s saved (id %(id)s)", code=code, id=shelter_id))


@shelter_app.command("staff")
def staff_command(
    code: str = typer.Argument(..., help="Shelter code."),
    member: str = typer.Argument(..., help="Username, or token:NAME for an API token."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Make a user or an API token staff of a shelter (its "own" shelter)."""
    from zicht.shelter import add_staff, command_line_principal

    with _engine("staff", database_url) as engine:
        _run("staff", lambda: add_staff(engine, command_line_principal(), code, member))
    t = messages()
    _echo(t("%(member)s is staff of %(code)s", member=member, code=code))


@shelter_app.command("beds")
def beds_command(
    code: str = typer.Argument(..., help="Shelter code."),
    kind: str = typer.Argument(..., help="Bed kind: women, men, minors, families, crisis_labour."),
    beds: int = typer.Option(..., "--beds", help="All beds of this kind."),
    free: int = typer.Option(..., "--free", help="Beds of this kind on offer now."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Set a shelter's beds of one kind and how many are free."""
    from zicht.shelter import command_line_principal, set_availability

    with _engine("beds", database_url) as engine:
        offered = _run(
            "beds",
            lambda: set_availability(engine, command_line_principal(), code, kind, beds, free),
        )
    t = messages()
    _echo(t("%(code)s: %(free)s of %(beds)s free", code=code, free=offered, beds=beds))


@shelter_app.command("capacity")
def capacity_command(
    file: Path = typer.Argument(..., help="Columns shelter, kind, beds, free (.csv/.xlsx/.jsonl)."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Import a capacity file: every valid row stored in one transaction, refused rows listed.

    Exit code 0 when rows were stored, 1 when every row was refused, 2 when the file
    could not be read (nothing from it is stored).
    """
    from zicht.ingest import IngestFileError
    from zicht.shelter import command_line_principal, import_capacity

    t = messages()
    with _engine("capacity", database_url) as engine:
        try:
            result = _run(
                "capacity",
                lambda: import_capacity(
                    file, engine=engine, principal=command_line_principal(), lang=t.lang
                ),
            )
        except IngestFileError as exc:
            fail("shelter capacity", str(exc))
    show_refusals(result.refusals)
    _echo(
        t(
            "%(file)s: %(read)s rows read, %(stored)s stored, %(refused)s refused",
            file=file.name,
            read=result.rows_read,
            stored=result.stored,
            refused=len(result.refusals),
        )
    )
    if result.rows_read and not result.stored:
        raise typer.Exit(1)


@shelter_app.command("places")
def places_command(database_url: str | None = DATABASE_OPTION) -> None:
    """Every shelter with its free beds per kind (never an address)."""
    from rich.table import Table

    from zicht.shelter import BED_KINDS, availability, command_line_principal

    t = messages()
    with _engine("places", database_url) as engine:
        places = _run("places", lambda: availability(engine, command_line_principal()))
    table = Table(t("Shelter"), t("Region"), *[t(label) for label in BED_KINDS.values()])
    for place in places:
        free = {bed.kind: f"{bed.free}/{bed.total}" for bed in place.beds}
        table.add_row(
            place.shelter.code, place.shelter.region, *[free.get(k, "–") for k in BED_KINDS]
        )
    console.print(table)


@shelter_app.command("request")
def request_command(
    kind: str = typer.Option(..., "--kind", help="Bed kind needed."),
    size: int = typer.Option(1, "--size", help="Number of people."),
    region: str = typer.Option(..., "--region", help="Region asked for."),
    form: str = typer.Option(..., "--form", help="Form of exploitation (a code of the standard)."),
    organisation: str = typer.Option(..., "--organisation", help="Requesting partner."),
    urgency: str = typer.Option("tonight", "--urgency", help="tonight or days."),
    registration: list[str] = typer.Option(
        [], "--registration", help="SOURCE:RECORD_ID of a person's registration; repeatable."
    ),
    language: list[str] = typer.Option([], "--language", help="ISO 639-1 code; repeatable."),
    security: int = typer.Option(1, "--security", help="Security level needed (1-3)."),
    care: bool = typer.Option(False, "--care", help="Care needed."),
    wheelchair: bool = typer.Option(False, "--wheelchair", help="Wheelchair access needed."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Record a partner's request for a place; people by registration pseudonym only."""
    from zicht.shelter import (
        RequestInput,
        command_line_principal,
        make_request,
        registration_pseudonym,
    )

    cipher = open_cipher("shelter request")
    keys = []
    for reference in registration:
        source, _, record_id = reference.partition(":")
        if not source or not record_id:
            fail("shelter request", "--registration: SOURCE:RECORD_ID expected")
        keys.append(registration_pseudonym(cipher, source, record_id))
    request = RequestInput(
        kind, size, region, form, urgency, tuple(keys), tuple(language), security, care, wheelchair
    )
    with _engine("request", database_url) as engine:
        request_id = _run(
            "request",
            lambda: make_request(
                engine, command_line_principal(), request, organisation=organisation
            ),
        )
    t = messages()
    _echo(t("request %(id)s recorded", id=request_id))


@shelter_app.command("match")
def match_command(
    request_id: int = typer.Argument(..., help="Request id."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """The suitable shelters for a request, best first, with their reasons."""
    from zicht.shelter import command_line_principal, match_request

    t = messages()
    with _engine("match", database_url) as engine:
        ranked = _run("match", lambda: match_request(engine, command_line_principal(), request_id))
    if not ranked:
        _echo(t("no shelter has a suitable free bed"))
        raise typer.Exit(1)
    for rank, candidate in enumerate(ranked, 1):
        reasons = "; ".join(t(r.message, **r.values) for r in candidate.reasons)
        _echo(f"{rank}. {candidate.shelter.code} ({candidate.shelter.region}): {reasons}")


@shelter_app.command("reserve")
def reserve_command(
    request_id: int = typer.Argument(..., help="Request id."),
    shelter: list[str] = typer.Option([], "--shelter", help="Shelter code to use; repeatable."),
    partial: bool = typer.Option(False, "--partial", help="Keep the beds found if not all fit."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Hold a bed for everyone of a request not placed yet; all or nothing by default.

    Exit code 0 when beds were reserved for everyone, 1 when someone could not be placed.
    """
    from zicht.shelter import command_line_principal, reserve

    t = messages()
    with _engine("reserve", database_url) as engine:
        outcome = _run(
            "reserve",
            lambda: reserve(
                engine,
                command_line_principal(),
                request_id,
                shelters=shelter or None,
                partial=partial,
            ),
        )
    for p in outcome.placed:
        _echo(
            t(
                "person %(index)s: reservation %(id)s at %(shelter)s, held until %(until)s",
                index=p.person_index + 1,
                id=p.reservation_id,
                shelter=p.shelter_code,
                until=f"{p.held_until:%Y-%m-%d %H:%M} UTC",
            )
            if outcome.reserved
            else t("person %(index)s: could be placed", index=p.person_index + 1)
        )
    for u in outcome.unplaced:
        _echo(t("person %(index)s: no suitable free bed", index=u.person_index + 1))
    if not outcome.reserved:
        _echo(t("nothing reserved: not everyone could be placed (use --partial to keep some)"))
    if outcome.unplaced:
        raise typer.Exit(1)


def _decide(command: str, step: Callable[[Engine, Any], object], database_url: str | None) -> None:
    from zicht.shelter import command_line_principal

    with _engine(command, database_url) as engine:
        _run(command, lambda: step(engine, command_line_principal()))


@shelter_app.command("accept")
def accept_command(
    reservation_id: int = typer.Argument(..., help="Reservation id."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """The shelter takes the person in."""
    from zicht.shelter import accept

    _decide("accept", lambda e, p: accept(e, p, reservation_id), database_url)
    t = messages()
    _echo(t("reservation %(id)s accepted", id=reservation_id))


@shelter_app.command("refuse")
def refuse_command(
    reservation_id: int = typer.Argument(..., help="Reservation id."),
    reason: str = typer.Option(..., "--reason", help="Reason code (see docs/shelter.md)."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """The shelter refuses the person, with a reason; the bed is free again."""
    from zicht.shelter import refuse

    _decide("refuse", lambda e, p: refuse(e, p, reservation_id, reason), database_url)
    t = messages()
    _echo(t("reservation %(id)s refused", id=reservation_id))


@shelter_app.command("discharge")
def discharge_command(
    reservation_id: int = typer.Argument(..., help="Reservation id."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """The person left the shelter; the bed is free again."""
    from zicht.shelter import discharge

    _decide("discharge", lambda e, p: discharge(e, p, reservation_id), database_url)
    t = messages()
    _echo(t("reservation %(id)s discharged", id=reservation_id))


@shelter_app.command("expire")
def expire_command(database_url: str | None = DATABASE_OPTION) -> None:
    """Give back every bed whose hold ran out (run it every few minutes from cron)."""
    from zicht.shelter import expire_holds

    with _engine("expire", database_url) as engine:
        expired = _run("expire", lambda: expire_holds(engine))
    t = messages()
    _echo(t("%(count)s holds expired", count=len(expired)))


def register(app: typer.Typer) -> None:
    """Add `zicht shelter`."""
    app.add_typer(shelter_app, name="shelter")
