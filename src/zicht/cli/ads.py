"""`zicht ads screen`: a platform's ads stored, screened and grouped into operators."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from sqlalchemy.exc import SQLAlchemyError

from zicht.cli._common import (
    DATABASE_OPTION,
    console,
    fail,
    open_cipher,
    open_engine,
    show_refusals,
)

__all__ = ["register"]

_PARALLEL_FROM_BYTES = 8 * 1024 * 1024

ads_app = typer.Typer(help="Advertisements of platforms.", no_args_is_help=True)


@ads_app.command("screen")
def screen_command(
    file: Path = typer.Argument(..., help="Ad file: .jsonl/.ndjson or .csv (ad.schema.json)."),
    platform: str = typer.Option(..., "--platform", help="Platform name (a-z 0-9 . _ -)."),
    out: Path = typer.Option(..., "--out", help="Folder for screening.csv and clusters.csv."),
    workers: int = typer.Option(
        0, "--workers", help="Processes that check, encrypt and hash (0: 2 for files over 8 MB)."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Store the ads, flag each with its reasons, group them into operators.

    Writes OUT/screening.csv (ad_id, flags, score, reasons, context), OUT/clusters.csv
    (ad_id, cluster_id; every stored ad once) and OUT/cluster_evidence.csv. Exit code 0
    when ads were stored, 1 when every row was refused, 2 when the file is not an ad
    feed or could not be read (nothing stored).
    """
    from concurrent.futures.process import BrokenProcessPool

    from zicht.ingest import IngestFileError
    from zicht.platforms import screen_file

    cipher = open_cipher("ads screen")
    engine = open_engine("ads screen", database_url)
    if workers <= 0:
        size = file.stat().st_size if file.is_file() else 0
        workers = min(2, os.cpu_count() or 1) if size >= _PARALLEL_FROM_BYTES else 1
    try:
        result = screen_file(
            file, platform=platform, engine=engine, cipher=cipher, out=out, workers=workers
        )
    except IngestFileError as exc:
        fail("ads screen", str(exc))
    except BrokenProcessPool:
        fail("ads screen", f"{file}: a worker process died; nothing from the file was stored")
    except SQLAlchemyError as exc:
        fail(
            "ads screen",
            f"{file}: the database refused the ads ({type(exc).__name__}); "
            "nothing from the file was stored",
        )
    finally:
        engine.dispose()
    show_refusals(result.refusals)
    console.print(
        f"{file.name} ({platform}): {result.rows_read} read, {result.stored} stored, "
        f"{result.quarantined} quarantined; {result.flagged} flagged; "
        f"{result.clusters} operator clusters. Wrote {out}/screening.csv and clusters.csv.",
        markup=False,
        highlight=False,
    )
    if result.rows_read and not result.stored:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `zicht ads`."""
    app.add_typer(ads_app, name="ads")
