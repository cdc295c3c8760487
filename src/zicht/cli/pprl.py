"""`zicht pprl`: the shared linkage secret and encoding at the source (privacy-preserving)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from zicht.cli._common import console, fail, messages, show_refusals

__all__ = ["register"]

pprl_app = typer.Typer(
    help="Privacy-preserving linkage: encode partner files so that no identity leaves them.",
    no_args_is_help=True,
)
secret_app = typer.Typer(help="The linkage secret the partners share.", no_args_is_help=True)


@secret_app.command("new")
def secret_new(
    out: Path = typer.Option(..., "--out", help="File to write the new secret to (mode 0600)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a new random linkage secret; hand it to every partner over a safe channel."""
    from zicht.pprl import new_secret, write_secret

    secret = new_secret()
    try:
        write_secret(secret, out, overwrite=force)
    except (FileExistsError, OSError) as exc:
        fail("pprl secret new", str(exc))
    t = messages()
    console.print(
        t("Wrote a new linkage secret (id %(id)s) to %(out)s.", id=secret.secret_id, out=out),
        markup=False,
        highlight=False,
    )


_PARALLEL_FROM_BYTES = 8 * 1024 * 1024


def _workers(file: Path, asked: int) -> int:
    """Worker processes for encoding, chosen as `zicht ingest` chooses them."""
    if asked > 0:
        return asked
    size = file.stat().st_size if file.is_file() else 0
    return min(2, os.cpu_count() or 1) if size >= _PARALLEL_FROM_BYTES else 1


@pprl_app.command("encode")
def encode(
    file: Path = typer.Argument(..., help="Partner file: .csv/.tsv/.txt, .xlsx or .jsonl."),
    source: str = typer.Option(..., "--source", help="Organisation code of the partner."),
    secret: Path = typer.Option(..., "--secret", help="The shared linkage secret file."),
    out: Path = typer.Option(..., "--out", help="Encoded file to write (JSON Lines)."),
    mapping: Path | None = typer.Option(None, "--mapping", help="Mapping YAML, as for ingest."),
    flip_probability: float = typer.Option(
        0.0,
        "--flip-probability",
        help="Randomised response: flip every bit with this probability (0 = off).",
    ),
    salt: str = typer.Option(
        "date_of_birth",
        "--salt",
        help="Salt name encodings with: date_of_birth (default) or none.",
    ),
    workers: int = typer.Option(
        0, "--workers", help="Processes that validate and encode (0: 2 for files over 8 MB)."
    ),
) -> None:
    """Validate a partner file as `zicht ingest` does and write its analytic fields plus
    Bloom-filter encodings of the identity fields; no identity value is written.

    Exit code 0 when rows were encoded, 1 when every row was refused, 2 when the file
    could not be encoded at all (nothing is written).
    """
    from zicht.ingest import IngestFileError, MappingError, load_mapping
    from zicht.pprl import Hardening, SecretError, encode_file, read_secret

    command = "pprl encode"
    try:
        hardening = Hardening(
            salt=None if salt == "none" else salt, flip_probability=flip_probability
        )
        linkage_secret = read_secret(secret)
        chosen = load_mapping(mapping) if mapping is not None else None
        result = encode_file(
            file,
            source=source,
            secret=linkage_secret,
            out=out,
            mapping=chosen,
            hardening=hardening,
            workers=_workers(file, workers),
        )
    except (SecretError, MappingError, ValueError) as exc:
        fail(command, str(exc))
    except IngestFileError as exc:
        fail(command, f"{exc.path}: {exc.describe(messages().lang)}")
    except OSError as exc:
        fail(command, f"{out}: cannot be written ({type(exc).__name__})")
    lang = messages().lang
    show_refusals([f"{file.name}: {r.describe(lang)}" for r in result.refusals])
    t = messages()
    console.print(
        t(
            "%(file)s (%(source)s): %(read)s read, %(encoded)s encoded, %(refused)s refused; "
            "written to %(out)s",
            file=file.name,
            source=source,
            read=result.rows_read,
            encoded=result.encoded,
            refused=len(result.refusals),
            out=out,
        ),
        markup=False,
        highlight=False,
    )
    if result.rows_read and not result.encoded:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `zicht pprl`."""
    pprl_app.add_typer(secret_app, name="secret")
    app.add_typer(pprl_app, name="pprl")
