"""``zicht report``: the yearly monitor as HTML, PDF, XLSX and CSV."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from zicht.i18n import N_

__all__ = ["register"]


def _fail(message: str, **values: object) -> NoReturn:
    from zicht.cli._common import fail, messages

    fail("report", messages()(message, **values))


def _targets(values: list[str]) -> dict[int, int] | None:
    if not values:
        return None
    targets: dict[int, int] = {}
    for value in values:
        year, sep, target = value.partition("=")
        if not sep or not year.strip().isdigit() or not target.strip().isdigit():
            _fail(N_("--target must look like YEAR=NUMBER, got %(value)s"), value=repr(value))
        targets[int(year)] = int(target)
    return targets


def report(
    year: int = typer.Option(..., "--year", help="Report year."),
    out: Path = typer.Option(..., "--out", help="Folder to write the report to."),
    lang: str = typer.Option(
        "nl", "--lang", help="Language of the report: nl, en, or any with a catalogue."
    ),
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
    from zicht.i18n import catalogues

    if lang not in catalogues().codes:
        languages = ", ".join(catalogues().codes)
        _fail(
            N_("--lang must be one of %(languages)s, got %(lang)s"),
            languages=languages,
            lang=repr(lang),
        )
    if k < 1:
        _fail(N_("--k must be at least 1"))
    targets = _targets(target)
    from sqlalchemy.exc import SQLAlchemyError

    from zicht.cli._common import console, messages, open_engine
    from zicht.monitor import ReportError, build_report

    engine = open_engine("report", database_url)
    try:
        summary = build_report(engine, year=year, out=out, lang=lang, k=k, targets=targets)
    except ReportError as exc:
        _fail(exc.message, **exc.values)
    except OSError as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        _fail(N_("cannot read the database (%(error)s)"), error=type(exc).__name__)
    finally:
        engine.dispose()
    t = messages()
    console.print(
        t("Report %(year)s (%(lang)s): %(path)s", year=year, lang=lang, path=summary.html)
    )
    console.print(f"PDF: {summary.pdf}\nXLSX: {summary.xlsx}\nCSV: {summary.csv_dir}")
    console.print(
        t(
            "%(primary)s cells below k=%(k)s suppressed, %(secondary)s more to protect them; "
            "%(seconds)s s.",
            primary=t.number(summary.suppressed_primary),
            k=k,
            secondary=t.number(summary.suppressed_secondary),
            seconds=t.number(summary.timings.get("total", 0), 1),
        )
    )


def register(app: typer.Typer) -> None:
    """Add `zicht report`."""
    app.command("report")(report)
