"""`zicht programme`: the programme's model, its indicators, the assessment round and
the results table for parliament."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from zicht.cli._common import DATABASE_OPTION, console, fail, open_engine

if TYPE_CHECKING:
    from zicht.programme import LabourReports

__all__ = ["register"]

programme_app = typer.Typer(
    help="Programme monitoring: actions, indicators, self-assessment, results table.",
    no_args_is_help=True,
)


@programme_app.command("import")
def import_command(
    file: Path | None = typer.Argument(
        None, help="Programme file (YAML or JSON); default: the shipped 2021 programme."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Check a programme file and store it as the version of its year (replacing one)."""
    from zicht.access import Actor
    from zicht.programme import ProgrammeError, import_programme, load_programme, seed_programme

    try:
        programme = load_programme(file) if file is not None else seed_programme()
    except ProgrammeError as exc:
        fail("programme import", str(exc))
    engine = open_engine("programme import", database_url)
    try:
        done = import_programme(engine, Actor.command_line(), programme)
    finally:
        engine.dispose()
    console.print(
        f"programme {done.year}: {done.themes} themes, {done.actions} actions, "
        f"{done.indicators} indicators, {done.blocks} building blocks "
        f"({'new' if done.new else 'replaced'})",
        markup=False,
        highlight=False,
    )


@programme_app.command("export")
def export_command(
    year: int = typer.Option(..., "--year", help="Programme year."),
    out: Path = typer.Option(..., "--out", help="File or folder to write the YAML to."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Write the stored programme of a year as YAML (imports back unchanged)."""
    from zicht.programme import ProgrammeError, export_programme

    engine = open_engine("programme export", database_url)
    try:
        written = export_programme(engine, year, out)
    except (ProgrammeError, OSError) as exc:
        fail("programme export", str(exc))
    finally:
        engine.dispose()
    console.print(f"written: {written}", markup=False, highlight=False)


@programme_app.command("indicators")
def indicators_command(
    year: int = typer.Option(..., "--year", help="Year of the figures."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Compute the indicators of a year (as published) against their targets, and the
    reports of labour exploitation per organisation and definition."""
    from dataclasses import asdict

    from zicht.programme import ProgrammeError, compute_indicators, labour_reports, programme_of

    engine = open_engine("programme indicators", database_url)
    try:
        programme = programme_of(engine, year)
        if programme is None:
            raise ProgrammeError(f"no programme is stored for {year}: import one first")
        figures = compute_indicators(engine, programme, year)
        labour = labour_reports(engine, year)
    except ProgrammeError as exc:
        fail("programme indicators", str(exc))
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps([asdict(f) for f in figures], indent=2))
        return
    from rich.table import Table

    table = Table("indicator", "value", "interval", "target", "source")
    for figure in figures:
        value = "x" if figure.suppressed else ("–" if figure.value is None else f"{figure.value:g}")
        interval = "" if figure.lower is None else f"{figure.lower:g}–{figure.upper:g}"
        target = "" if figure.target is None else str(figure.target)
        table.add_row(figure.indicator, value, interval, target, figure.source)
    console.print(table)
    _print_labour(labour)


def _print_labour(labour: LabourReports) -> None:
    """The labour-exploitation table as the results table and the page show it."""
    from rich.table import Table

    from zicht.cli._common import messages
    from zicht.programme import LABOUR_NOTE, labour_table

    t = messages()
    header, rows = labour_table(t, labour)
    title = t("Reports of labour exploitation per organisation and definition")
    table = Table(*header, title=f"{title}, {labour.year}")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(t(LABOUR_NOTE), markup=False, highlight=False)


@programme_app.command("figure")
def figure_command(
    indicator: str = typer.Argument(..., help="Code of a hand-entered indicator."),
    value: float = typer.Argument(..., help="The figure."),
    source: str = typer.Option(..., "--source", help="Where the figure comes from."),
    year: int = typer.Option(..., "--year", help="Programme year of the figure."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Enter the figure of an indicator Zicht cannot compute, with its source."""
    from zicht.access import Actor
    from zicht.programme import ProgrammeError, enter_figure, programme_of

    engine = open_engine("programme figure", database_url)
    try:
        programme = programme_of(engine, year)
        if programme is None:
            raise ProgrammeError(f"no programme is stored for {year}: import one first")
        enter_figure(engine, Actor.command_line(), programme, indicator, value, source)
    except ProgrammeError as exc:
        fail("programme figure", str(exc))
    finally:
        engine.dispose()
    console.print(f"{indicator} {year}: {value:g}", markup=False, highlight=False)


@programme_app.command("publish")
def publish_command(
    year: int = typer.Option(..., "--year", help="Year of the self-assessment round."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Publish the municipalities' answers of a year's self-assessment round."""
    from zicht.access import Actor
    from zicht.programme import publish_assessment

    engine = open_engine("programme publish", database_url)
    try:
        publish_assessment(engine, Actor.command_line(), year)
    finally:
        engine.dispose()
    console.print(f"self-assessment {year}: published", markup=False, highlight=False)


@programme_app.command("report")
def report_command(
    year: int = typer.Option(..., "--year", help="Year of the results table."),
    out: Path = typer.Option(..., "--out", help="Folder to write to (created)."),
    lang: str = typer.Option("nl", "--lang", help="Language of the documents (default nl)."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Write the results table for parliament (DOCX and PDF) and the municipal map (SVG,
    with its table as CSV)."""
    from sqlalchemy.exc import SQLAlchemyError

    from zicht.i18n import catalogues
    from zicht.programme import ProgrammeError, write_results

    if lang not in catalogues().codes:
        fail("programme report", f"--lang must be one of {', '.join(catalogues().codes)}")
    engine = open_engine("programme report", database_url)
    try:
        files = write_results(engine, year, out, lang)
    except (ProgrammeError, OSError) as exc:
        fail("programme report", str(exc))
    except SQLAlchemyError as exc:
        fail("programme report", f"cannot read the database ({type(exc).__name__})")
    finally:
        engine.dispose()
    for path in (files.docx, files.pdf, files.svg, files.map_table):
        console.print(f"written: {path}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add `zicht programme`."""
    app.add_typer(programme_app, name="programme")
