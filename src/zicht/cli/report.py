"""``zicht report``: the yearly monitor as HTML, PDF, XLSX and CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer

__all__ = ["register"]


def _fail(message: str) -> NoReturn:
    print(f"zicht report: error: {message}", file=sys.stderr)
    raise typer.Exit(code=2)


def _targets(values: list[str]) -> dict[int, int] | None:
    if not values:
        return None
    targets: dict[int, int] = {}
    for value in values:
        year, sep, target = value.partition("=")
        if not sep or not year.strip().isdigit() or not target.strip().isdigit():
            _fail(f"--target must look like YEAR=NUMBER, got {value!r}")
        targets[int(year)] = int(target)
    return targets


def report(
    year: int = typer.Option(..., "--year", help="Report year."),
    out: Path = typer.Option(..., "--out", help="Folder to write the report to."),
    lang: str = typer.Option("nl", "--lang", help="Language: nl or en."),
    k: int = typer.Option(
        10, "--k", help="Smallest published count; smaller nonzero counts are suppressed."
    ),
    target: list[str] = typer.Option(
        [],
        "--target",
        help="Suspects-to-prosecutor target as YEAR=NUMBER (repeatable; "
        "default 2020=190 and 2021=205).",
    ),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="SQLAlchemy URL of the application database (default: ZICHT_DATABASE_URL).",
        show_default=False,
    ),
) -> None:
    """Write the monitor of a year: HTML, PDF, XLSX and one CSV per table."""
    if lang not in ("nl", "en"):
        _fail(f"--lang must be nl or en, got {lang!r}")
    if k < 1:
        _fail("--k must be at least 1")
    targets = _targets(target)
    from sqlalchemy.exc import SQLAlchemyError

    from zicht.cli._common import console, open_engine
    from zicht.monitor import ReportError, build_report

    engine = open_engine("report", database_url)
    try:
        summary = build_report(engine, year=year, out=out, lang=lang, k=k, targets=targets)
    except (ReportError, OSError) as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        _fail(f"cannot read the database ({type(exc).__name__})")
    finally:
        engine.dispose()
    console.print(f"Report {year} ({lang}): {summary.html}")
    console.print(f"PDF: {summary.pdf}\nXLSX: {summary.xlsx}\nCSV: {summary.csv_dir}")
    console.print(
        f"{summary.suppressed_primary} cells below k={k} suppressed, "
        f"{summary.suppressed_secondary} more to protect them; "
        f"{summary.timings.get('total', 0):.1f} s."
    )


def register(app: typer.Typer) -> None:
    """Add `zicht report`."""
    app.command("report")(report)
