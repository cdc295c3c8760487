"""`zicht ingest` and `zicht quarantine`: partner files into the store, bad rows back out."""

from __future__ import annotations

import json
import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from zicht.cli._common import (
    DATABASE_OPTION,
    console,
    current_settings,
    err_console,
    fail,
    messages,
    open_cipher,
    open_engine,
)
from zicht.ingest import (
    IngestFileError,
    IngestResult,
    MappingError,
    default_mapping,
    export_flagged,
    export_quarantine,
    ingest_file,
    load_mapping,
    rule_summary,
)
from zicht.pprl import SecretError, ingest_encoded, is_encoded_file, read_secret
from zicht.standard import ORGANISATIONS, RECORD_TYPES

__all__ = ["register", "result_json", "summary_table"]

_PROGRESS_FROM_BYTES = 2 * 1024 * 1024
_PARALLEL_FROM_BYTES = 8 * 1024 * 1024


def summary_table(results: list[IngestResult]) -> Table:
    """Rows per file and source: read, new, updated, unchanged, quarantined."""
    table = Table(title="Ingest summary")
    for column in (
        "file",
        "source",
        "type",
        "read",
        "new",
        "updated",
        "unchanged",
        "quarantined",
        "resolved",
    ):
        table.add_column(
            column, justify="right" if column not in ("file", "source", "type") else "left"
        )
    for result in results:
        table.add_row(
            Path(result.file).name,
            result.source,
            result.record_type,
            str(result.rows_read),
            str(result.new),
            str(result.updated),
            str(result.unchanged),
            str(result.quarantined),
            str(result.resolved),
        )
    return table


def result_json(result: IngestResult) -> dict[str, object]:
    """The outcome of one file as `zicht ingest --json` prints it."""
    return {
        "file": result.file,
        "source": result.source,
        "record_type": result.record_type,
        "batch_id": result.batch_id,
        "rows_read": result.rows_read,
        "stored": result.stored,
        "new": result.new,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "flagged": result.flagged,
        "quarantined": result.quarantined,
        "resolved": result.resolved,
        "rules": dict(sorted(result.rules.items())),
        "flags": dict(sorted(result.flags.items())),
    }


def _is_fresh(database_url: str | None) -> bool:
    """True when the database has no tables at all: it is created on first use."""
    from sqlalchemy import inspect

    from zicht.store import make_engine

    engine = make_engine(database_url or current_settings().database_url)
    try:
        return not inspect(engine).get_table_names()
    except SQLAlchemyError:
        return False  # open_engine reports it
    finally:
        engine.dispose()


def ingest(
    file: Path = typer.Argument(..., help="Partner file: .csv/.tsv/.txt, .xlsx or .jsonl."),
    source: str = typer.Option(
        ..., "--source", help="Registering organisation code (e.g. police)."
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="Mapping YAML of the source; default: the standard's own columns."
    ),
    record_type: str = typer.Option(
        "victim_registration", "--type", help="Record type when no mapping is given."
    ),
    workers: int = typer.Option(
        0, "--workers", help="Processes that validate and encrypt (0: 2 for files over 8 MB)."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the outcome as one JSON object instead of a table."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Validate a partner file row by row; store valid rows, quarantine the rest.

    A database without any tables yet is created first. Exit code 0 when rows were
    stored, 1 when every row was quarantined, 2 when the file could not be ingested at
    all (nothing from it is stored).
    """
    if source not in ORGANISATIONS:
        fail(
            "ingest", f"{file}: unknown source '{source}'; one of {', '.join(ORGANISATIONS.codes)}"
        )
    if record_type not in RECORD_TYPES:
        fail("ingest", f"unknown record type '{record_type}'; one of {', '.join(RECORD_TYPES)}")
    if file.is_file() and is_encoded_file(file):
        if mapping is not None:
            fail("ingest", f"{file}: an encoded file takes no mapping (its header says its fields)")
        _ingest_encoded(file, source, as_json, database_url)
        return
    try:
        chosen = load_mapping(mapping) if mapping is not None else default_mapping(record_type)
    except MappingError as exc:
        fail("ingest", str(exc))
    cipher = open_cipher("ingest")
    engine = open_engine("ingest", database_url, migrate=_is_fresh(database_url))
    size = file.stat().st_size if file.is_file() else 0
    if workers <= 0:
        workers = min(2, os.cpu_count() or 1) if size >= _PARALLEL_FROM_BYTES else 1
    try:
        if size >= _PROGRESS_FROM_BYTES and err_console.is_terminal:
            columns = (BarColumn(), DownloadColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err_console, transient=True) as progress:
                task = progress.add_task(file.name, total=size)
                result = ingest_file(
                    file,
                    source=source,
                    engine=engine,
                    cipher=cipher,
                    mapping=chosen,
                    on_bytes=lambda n: progress.advance(task, n),
                    workers=workers,
                )
        else:
            result = ingest_file(
                file, source=source, engine=engine, cipher=cipher, mapping=chosen, workers=workers
            )
    except IngestFileError as exc:
        fail("ingest", str(exc))
    except SQLAlchemyError as exc:
        fail(
            "ingest",
            f"{file}: the database refused the ingest ({type(exc).__name__}); "
            "nothing from the file was stored",
        )
    except BrokenProcessPool:
        fail(
            "ingest",
            f"{file}: a worker process stopped unexpectedly; nothing from the file was stored",
        )
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps(result_json(result)))
        raise typer.Exit(1 if result.rows_read and not result.stored else 0)
    console.print(summary_table([result]))
    t = messages()
    if result.quarantined:
        console.print(
            t.ngettext(
                "%(num)s row quarantined: %(rules)s. Correct it with `zicht quarantine export "
                "--source %(source)s --record-type %(record_type)s --purpose WHY "
                "--out FILE.csv`.",
                "%(num)s rows quarantined: %(rules)s. Correct them with `zicht quarantine export "
                "--source %(source)s --record-type %(record_type)s --purpose WHY "
                "--out FILE.csv`.",
                result.quarantined,
                rules=rule_summary(result.rules),
                source=source,
                record_type=record_type,
            )
        )
    if result.rows_read and not result.stored:
        console.print(t("No valid rows in %(file)s: nothing was stored.", file=file.name))
        raise typer.Exit(1)


def _ingest_encoded(file: Path, source: str, as_json: bool, database_url: str | None) -> None:
    """`zicht ingest ENCODED.jsonl`: store a partner's encoded registrations."""
    secret_file = current_settings().pprl_secret_file
    if secret_file is None:
        fail(
            "ingest",
            f"{file}: an encoded file needs the linkage secret: set ZICHT_PPRL_SECRET_FILE",
        )
    try:
        secret = read_secret(secret_file)
    except SecretError as exc:
        fail("ingest", str(exc))
    engine = open_engine("ingest", database_url, migrate=_is_fresh(database_url))
    try:
        result = ingest_encoded(file, source=source, engine=engine, secret=secret)
    except IngestFileError as exc:
        fail("ingest", str(exc))
    except SQLAlchemyError as exc:
        fail(
            "ingest",
            f"{file}: the database refused the ingest ({type(exc).__name__}); "
            "nothing from the file was stored",
        )
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps(result_json(result)))
    else:
        console.print(summary_table([result]))
    if result.rows_read and not result.stored:
        if not as_json:
            t = messages()
            console.print(t("No valid rows in %(file)s: nothing was stored.", file=file.name))
        raise typer.Exit(1)


quarantine_app = typer.Typer(help="Rows that failed validation.", no_args_is_help=True)


@quarantine_app.command("export")
def export(
    source: str = typer.Option(..., "--source", help="Organisation whose open rows to export."),
    out: Path = typer.Option(..., "--out", help="File to write: .csv or .jsonl."),
    purpose: str = typer.Option(
        ..., "--purpose", help="Why the rows are exported (recorded in the audit trail)."
    ),
    record_type: str | None = typer.Option(
        None,
        "--record-type",
        help="Record type to export (one per file); needed when the source has open rows "
        "of more than one.",
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Write the open quarantined rows of a source and record type, for correction.

    The file holds personal data in the clear: keep it where the source's own data is
    kept and delete it after re-ingesting it with `zicht ingest FILE --source ... --mapping ...`
    (the mapping of that record type).
    """
    from zicht.ingest import quarantined_record_types

    if source not in ORGANISATIONS:
        fail("quarantine export", f"unknown source '{source}'")
    if record_type is not None and record_type not in RECORD_TYPES:
        fail("quarantine export", f"unknown record type '{record_type}'")
    from zicht.access import Actor, Look, PurposeError

    try:
        look = Look(Actor.command_line(), purpose)
    except PurposeError as exc:
        fail("quarantine export", str(exc))
    cipher = open_cipher("quarantine export")
    engine = open_engine("quarantine export", database_url)
    try:
        if record_type is None:
            found = quarantined_record_types(engine, source)
            if len(found) > 1:
                t = messages()
                fail(
                    "quarantine export",
                    t(
                        "%(source)s has open rows of %(count)s record types (%(types)s): "
                        "choose one with --record-type",
                        source=source,
                        count=t.number(len(found)),
                        types=", ".join(found),
                    ),
                )
            record_type = found[0] if found else "victim_registration"
        count = export_quarantine(
            engine, cipher, source, out, record_type, look=look, lang=messages().lang
        )
    finally:
        engine.dispose()
    console.print(
        messages().ngettext(
            "Wrote %(num)s quarantined %(record_type)s row of %(source)s to %(out)s.",
            "Wrote %(num)s quarantined %(record_type)s rows of %(source)s to %(out)s.",
            count,
            record_type=record_type,
            source=source,
            out=out,
        )
    )


@quarantine_app.command("flagged")
def flagged(
    source: str = typer.Option(
        ..., "--source", help="Organisation whose flagged records to export."
    ),
    out: Path = typer.Option(..., "--out", help="File to write: .csv or .jsonl."),
    purpose: str = typer.Option(
        ..., "--purpose", help="Why the records are exported (recorded in the audit trail)."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Write the records of a source stored with identity values left out, with those values.

    The file holds personal data in the clear: the source corrects the values in its own
    system and sends the records again (the flags then clear); delete the file afterwards.
    """
    if source not in ORGANISATIONS:
        fail("quarantine flagged", f"unknown source '{source}'")
    from zicht.access import Actor, Look, PurposeError

    try:
        look = Look(Actor.command_line(), purpose)
    except PurposeError as exc:
        fail("quarantine flagged", str(exc))
    cipher = open_cipher("quarantine flagged")
    engine = open_engine("quarantine flagged", database_url)
    try:
        count = export_flagged(engine, cipher, source, out, look=look)
    finally:
        engine.dispose()
    console.print(f"Wrote {count} flagged record(s) of {source} to {out}.")


def register(app: typer.Typer) -> None:
    """Add `zicht ingest` and `zicht quarantine`."""
    app.command("ingest")(ingest)
    app.add_typer(quarantine_app, name="quarantine")
