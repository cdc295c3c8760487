"""`zicht licences import`: a municipality's sex-work licences into the register."""

from __future__ import annotations

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

licences_app = typer.Typer(help="The register of sex-work licences.", no_args_is_help=True)


@licences_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="Licence file: .csv/.tsv/.txt, .xlsx or .jsonl."),
    municipality: str = typer.Option(
        ..., "--municipality", help="CBS code of the issuing municipality (e.g. GM0363)."
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="Mapping YAML; default: the register's own column names."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Check every licence (number, check digits, dates, status, holder 21 or older on
    the issue date); store valid ones, quarantine the rest with their reasons.

    Exit code 0 when licences were stored, 1 when every row was refused, 2 when the
    file could not be imported at all (nothing from it is stored).
    """
    from zicht.ingest import IngestFileError
    from zicht.platforms import LicenceMapping, import_licences, load_licence_mapping

    code = municipality.strip().upper()
    try:
        chosen = load_licence_mapping(mapping) if mapping is not None else LicenceMapping()
    except ValueError as exc:
        fail("licences import", str(exc))
    cipher = open_cipher("licences import")
    engine = open_engine("licences import", database_url)
    try:
        result = import_licences(
            file, municipality=code, engine=engine, cipher=cipher, mapping=chosen
        )
    except IngestFileError as exc:
        fail("licences import", str(exc))
    except SQLAlchemyError as exc:
        fail(
            "licences import",
            f"{file}: the database refused the import ({type(exc).__name__}); "
            "nothing from the file was stored",
        )
    finally:
        engine.dispose()
    show_refusals(result.refusals)
    console.print(
        f"{file.name} ({code}): {result.rows_read} read, {result.new} new, "
        f"{result.updated} updated, {result.unchanged} unchanged, "
        f"{result.quarantined} quarantined",
        markup=False,
        highlight=False,
    )
    if result.rows_read and not (result.new + result.updated + result.unchanged):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `zicht licences`."""
    app.add_typer(licences_app, name="licences")
