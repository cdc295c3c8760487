"""`zicht opendata ctdc|synthetic|tables`: open statistics for international exchange."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from zicht.cli._common import (
    DATABASE_OPTION,
    console,
    current_settings,
    fail,
    messages,
    open_engine,
)
from zicht.i18n import N_

if TYPE_CHECKING:
    from zicht.opendata import ExportResult

__all__ = ["register"]

opendata_app = typer.Typer(
    help="Open statistics: CTDC export, DP synthetic data, Eurostat/GRETA tables.",
    no_args_is_help=True,
)

YEAR_OPTION = typer.Option(..., "--year", help="Last (or only) registration year of the export.")
FROM_OPTION = typer.Option(
    None, "--from", help="First registration year of the period (default: --year)."
)
OUT_OPTION = typer.Option(..., "--out", help="Folder to write the export's files to.")
RUN_OPTION = typer.Option(None, "--run", help="Link run (default: the latest finished one).")


def _fail(command: str, message: str, **values: object) -> NoReturn:
    fail(f"opendata {command}", messages()(message, **values))


def _run(
    command: str, database_url: str | None, export: Callable[..., ExportResult]
) -> ExportResult:
    """Call `export(engine, actor)`, turning its errors into one line and exit code 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from zicht.access import Actor
    from zicht.opendata import OpenDataError

    engine = open_engine(f"opendata {command}", database_url)
    try:
        return export(engine, Actor.command_line())
    except OpenDataError as exc:
        _fail(command, exc.message, **exc.values)
    except OSError as exc:
        _fail(command, N_("cannot write the export (%(error)s)"), error=type(exc).__name__)
    except SQLAlchemyError as exc:
        _fail(command, N_("cannot read the database (%(error)s)"), error=type(exc).__name__)
    finally:
        engine.dispose()


def _show(result: ExportResult) -> None:
    t = messages()
    console.print(
        t(
            "%(records)s records of %(first)s-%(last)s written to %(folder)s",
            records=t.number(result.records),
            first=result.first_year,
            last=result.last_year,
            folder=result.files[0].parent if result.files else "",
        ),
        markup=False,
        highlight=False,
    )
    for path in result.files:
        console.print(f"  {path.name}", markup=False, highlight=False)


@opendata_app.command("ctdc")
def ctdc_command(
    year: int = YEAR_OPTION,
    first: int | None = FROM_OPTION,
    out: Path = OUT_OPTION,
    k: int | None = typer.Option(
        None, "--k", help="k of the k-anonymity (default: ZICHT_OPENDATA_K, 11)."
    ),
    run: int | None = RUN_OPTION,
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Linked persons in CTDC's variables, k-anonymous, with codebook and risk report."""
    from zicht.opendata import export_ctdc

    chosen = current_settings().opendata_k if k is None else k
    if chosen < 2:
        _fail("ctdc", N_("--k must be at least 2"))
    result = _run(
        "ctdc",
        database_url,
        lambda engine, actor: export_ctdc(
            engine,
            first_year=year if first is None else first,
            last_year=year,
            out=out,
            k=chosen,
            actor=actor,
            run_id=run,
        ),
    )
    _show(result)
    t = messages()
    console.print(
        t(
            "k reached %(reached)s (asked %(k)s); %(records)s records and %(values)s values "
            "suppressed; l-diversity of the form of exploitation %(l)s.",
            reached=result.details["k_reached"],
            k=chosen,
            records=result.details["records_suppressed"],
            values=result.details["values_suppressed"],
            l=result.details["l_diversity"],
        ),
        markup=False,
        highlight=False,
    )


@opendata_app.command("synthetic")
def synthetic_command(
    year: int = YEAR_OPTION,
    first: int | None = FROM_OPTION,
    out: Path = OUT_OPTION,
    epsilon: float | None = typer.Option(
        None, "--epsilon", help="Privacy budget (default: ZICHT_OPENDATA_EPSILON, 1)."
    ),
    run: int | None = RUN_OPTION,
    new_release: bool = typer.Option(
        False,
        "--new-release",
        help="Draw a new release even if one of this period and epsilon is stored; "
        "spends epsilon of the privacy budget again (ZICHT_OPENDATA_BUDGET).",
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Differentially private synthetic microdata of the linked persons, with utility report.

    The first export of a period and epsilon is stored and spends epsilon of each of its
    years' privacy budget; asking again gives the same files and spends nothing.
    """
    from zicht.opendata import export_synthetic

    settings = current_settings()
    chosen = settings.opendata_epsilon if epsilon is None else epsilon
    result = _run(
        "synthetic",
        database_url,
        lambda engine, actor: export_synthetic(
            engine,
            first_year=year if first is None else first,
            last_year=year,
            out=out,
            epsilon=chosen,
            budget=settings.opendata_budget,
            rare_below=settings.opendata_k,
            actor=actor,
            run_id=run,
            new_release=new_release,
        ),
    )
    _show(result)
    t = messages()
    made = (
        t(
            "A new release, stored: it spent epsilon %(epsilon)s of each year's budget.",
            epsilon=result.details["epsilon"],
        )
        if result.details["made_now"]
        else t("The stored release of this period and epsilon: nothing spent.")
    )
    console.print(made, markup=False, highlight=False)
    spent = result.details["spent"]
    assert isinstance(spent, dict)
    for year, used in spent.items():
        console.print(
            t(
                "Privacy budget of %(year)s: epsilon %(spent)s of %(budget)s spent.",
                year=year,
                spent=used,
                budget=result.details["budget"],
            ),
            markup=False,
            highlight=False,
        )
    console.print(
        t(
            "epsilon %(epsilon)s, delta %(delta)s; mean total-variation distance of the "
            "two-way marginals %(tvd)s.",
            epsilon=result.details["epsilon"],
            delta=result.details["delta"],
            tvd=result.details["mean_two_way_tvd"],
        ),
        markup=False,
        highlight=False,
    )


@opendata_app.command("tables")
def tables_command(
    year: int = YEAR_OPTION,
    first: int | None = FROM_OPTION,
    out: Path = OUT_OPTION,
    k: int = typer.Option(
        10, "--k", help="Smallest published count; smaller nonzero counts are suppressed."
    ),
    run: int | None = RUN_OPTION,
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Eurostat's and GRETA's yearly tables of victims, through the publication policy."""
    from zicht.opendata import export_tables
    from zicht.privacy import PublicationPolicy

    if k < 1:
        _fail("tables", N_("--k must be at least 1"))
    result = _run(
        "tables",
        database_url,
        lambda engine, actor: export_tables(
            engine,
            first_year=year if first is None else first,
            last_year=year,
            out=out,
            policy=PublicationPolicy(k=k),
            actor=actor,
            run_id=run,
        ),
    )
    _show(result)
    t = messages()
    console.print(
        t(
            "%(primary)s cells below k=%(k)s suppressed, %(secondary)s more to protect them.",
            primary=result.details["suppressed_primary"],
            k=k,
            secondary=result.details["suppressed_secondary"],
        ),
        markup=False,
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `zicht opendata`."""
    app.add_typer(opendata_app, name="opendata")
