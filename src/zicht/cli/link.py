"""`zicht link`: link registrations into persons; explain, export and evaluate runs.

Identity values are never printed unless `--show-identities` is given.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import typer
from rich.table import Table

from zicht.cli._common import (
    DATABASE_OPTION,
    console,
    current_settings,
    fail,
    open_cipher,
    open_engine,
)

if TYPE_CHECKING:
    from zicht.linkage import LinkRunSummary, PairExplanation

# zicht.linkage.METHODS and BACKENDS, spelled out so that `zicht --help` need not import
# Splink and pandas (a test keeps them in step).
METHODS: tuple[Literal["components", "best_link", "bridges", "strict_large", "robust"], ...] = (
    "components",
    "best_link",
    "bridges",
    "strict_large",
    "robust",
)
BACKENDS: tuple[Literal["duckdb", "spark"], ...] = ("duckdb", "spark")

__all__ = ["register"]

link_app = typer.Typer(
    help="Link victim registrations into persons (Splink on DuckDB or Spark).",
    no_args_is_help=False,
)

_COMMAND = "link"


def _summary_table(summary: LinkRunSummary) -> Table:
    table = Table(title=f"Link run {summary.run_id} ({summary.mode}, {summary.backend})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("registrations", summary.registrations),
        ("unique persons", summary.persons),
        ("new registrations", summary.new_registrations),
        ("pairs scored", summary.pairs_scored),
        ("person ids kept", summary.persons_kept),
        ("person ids new", summary.persons_new),
        ("suspicious clusters", len(summary.suspicious)),
        ("seconds", round(sum(summary.timings.values()), 1)),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    return table


def _sizes_table(sizes: dict[int, int]) -> Table:
    table = Table(title="Cluster sizes (registrations per person)")
    table.add_column("size", justify="right")
    table.add_column("persons", justify="right")
    for size, count in sorted(sizes.items()):
        table.add_row(str(size), str(count))
    return table


@link_app.callback(invoke_without_command=True)
def link(
    ctx: typer.Context,
    backend: str = typer.Option("duckdb", "--backend", help="duckdb (default) or spark."),
    spark_master: str | None = typer.Option(
        None,
        "--spark-master",
        help="Spark master URL (default: ZICHT_SPARK_MASTER or SPARK_MASTER, else local).",
    ),
    incremental: bool = typer.Option(
        False, "--incremental", help="Link new registrations with the latest model."
    ),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        min=0.0,
        max=1.0,
        help="Match probability for the same person (default: chosen from the data).",
    ),
    method: str = typer.Option("robust", "--method", help=f"Clustering: {', '.join(METHODS)}."),
    threads: int | None = typer.Option(None, "--threads", min=1, help="Engine threads."),
    memory_limit: str | None = typer.Option(
        None, "--memory-limit", help="DuckDB memory limit, e.g. 8GB."
    ),
    encodings: bool = typer.Option(
        False,
        "--encodings",
        help="Link on encodings even when no registration was delivered encoded "
        "(with registrations delivered encoded this is always so).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Train (or reuse) the model, score pairs, cluster into persons, store the run.

    When the store holds registrations delivered encoded (`zicht pprl encode`), every
    registration is linked on encodings: plain ones are encoded here with the linkage
    secret of ZICHT_PPRL_SECRET_FILE (docs/pprl.md).
    """
    if ctx.invoked_subcommand is not None:
        return
    if backend not in BACKENDS:
        fail(_COMMAND, f"--backend must be one of {', '.join(BACKENDS)}")
    if method not in METHODS:
        fail(_COMMAND, f"--method must be one of {', '.join(METHODS)}")
    from zicht.linkage import EngineError, LinkageError, run_linkage

    engine = open_engine(_COMMAND, database_url)
    cipher = open_cipher(_COMMAND)
    settings = current_settings()
    options: dict[str, Any] = {
        "backend": backend,
        "threshold": threshold,
        "method": method,
        "spark_master": spark_master or settings.spark_master,
        "threads": threads,
        "memory_limit": memory_limit,
        "spark_driver_memory": settings.spark_driver_memory,
    }
    try:
        if encodings or _has_encodings(engine):
            from zicht.pprl import run_encoded_linkage

            secret = _linkage_secret(engine)
            if incremental:
                fail(_COMMAND, "a run on encodings is always full: run it without --incremental")
            summary = run_encoded_linkage(engine, cipher, secret, **options)
        else:
            summary = run_linkage(engine, cipher, incremental=incremental, **options)
    except (LinkageError, EngineError) as exc:
        fail(_COMMAND, str(exc))
    finally:
        engine.dispose()
    if as_json:
        console.print_json(json.dumps(summary.as_dict()))
        return
    console.print(_summary_table(summary))
    console.print(f"Threshold: {summary.threshold_choice.get('explanation', summary.threshold)}")
    console.print(_sizes_table(summary.cluster_sizes))
    if summary.suspicious:
        table = Table(title="Suspicious clusters (check with `zicht link explain --person ID`)")
        for column in ("person", "size", "density", "weakest link", "why"):
            table.add_column(column)
        for cluster in summary.suspicious[:20]:
            table.add_row(
                str(cluster.cluster_id),
                str(cluster.size),
                f"{cluster.density:.2f}",
                f"{cluster.weakest_link:.4f}",
                "; ".join(cluster.reasons),
            )
        console.print(table)


def _has_encodings(engine: Any) -> bool:
    from zicht.pprl import has_encodings

    return has_encodings(engine)


def _linkage_secret(engine: Any) -> Any:
    """The linkage secret of ZICHT_PPRL_SECRET_FILE, for a run on encodings."""
    from zicht.pprl import SecretError, read_secret

    secret_file = current_settings().pprl_secret_file
    if secret_file is None:
        engine.dispose()
        fail(_COMMAND, "linking on encodings needs the linkage secret: set ZICHT_PPRL_SECRET_FILE")
    try:
        return read_secret(secret_file)
    except SecretError as exc:
        engine.dispose()
        fail(_COMMAND, str(exc))


def _waterfall(explanation: PairExplanation) -> Table:
    verdict = {True: "same person", False: "different persons", None: "not in run"}[
        explanation.same_person
    ]
    table = Table(
        title=f"Registrations {explanation.registration_l} and {explanation.registration_r}: "
        f"match probability {explanation.match_probability:.4f} ({verdict})"
    )
    for column in ("comparison", "level", "match weight", "m", "u"):
        table.add_column(
            column, justify="right" if column in ("match weight", "m", "u") else "left"
        )
    for bar in explanation.bars:
        table.add_row(
            bar.comparison,
            bar.level,
            f"{bar.match_weight:+.2f}",
            "" if bar.m_probability is None else f"{bar.m_probability:.3g}",
            "" if bar.u_probability is None else f"{bar.u_probability:.3g}",
        )
    return table


def _look(command: str, purpose: str | None) -> Any:
    """The operating-system user's look at identities, for `--show-identities`."""
    from zicht.access import Actor, Look, PurposeError

    try:
        return Look(Actor.command_line(), purpose or "")
    except PurposeError as exc:
        fail(command, f"--show-identities needs --purpose: {exc}")


def _identities(engine: Any, look: Any, ids: list[int]) -> Table:
    from zicht.access import reveal_identities
    from zicht.standard import RECORD_TYPES

    # audited by the door itself: one view_identity entry, the OS user and the purpose
    found = reveal_identities(engine, open_cipher(_COMMAND), look, "victim_registration", ids)
    shown = sorted(found)
    table = Table(title="Identity values (shown because --show-identities was given)")
    table.add_column("field")
    for registration_id in shown:
        table.add_column(str(registration_id))
    for name in RECORD_TYPES["victim_registration"].identity_fields:
        values = ["" if found[i].get(name) is None else str(found[i][name]) for i in shown]
        if any(values):
            table.add_row(name, *values)
    return table


@link_app.command("explain")
def explain(
    pair: tuple[int, int] | None = typer.Option(
        None, "--pair", help="Two registration ids.", show_default=False
    ),
    person: int | None = typer.Option(None, "--person", help="A person id."),
    run: int | None = typer.Option(None, "--run", help="Link run (default: the latest)."),
    show_identities: bool = typer.Option(
        False, "--show-identities", help="Also print the decrypted identity values (audited)."
    ),
    purpose: str | None = typer.Option(
        None, "--purpose", help="Why the identities are needed (required with --show-identities)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Why registrations were (not) linked: per-field match weights, as Splink's waterfall."""
    from zicht.linkage import ExplainError, explain_pair, explain_person

    command = f"{_COMMAND} explain"
    if (pair is None) == (person is None):
        fail(command, "give either --pair A B or --person ID")
    look = _look(command, purpose) if show_identities and not as_json else None
    engine = open_engine(command, database_url)
    try:
        if pair is not None:
            explanation = explain_pair(engine, pair[0], pair[1], run)
            if as_json:
                console.print_json(json.dumps(_jsonable(explanation)))
                return
            console.print(_waterfall(explanation))
            if explanation.threshold:
                console.print(f"Threshold: {explanation.threshold}")
            ids = [explanation.registration_l, explanation.registration_r]
        else:
            assert person is not None
            found = explain_person(engine, person, run)
            if as_json:
                console.print_json(json.dumps(_jsonable(found)))
                return
            members = Table(title=f"Person {found.person_id} in run {found.run_id}")
            for column in ("registration", "organisation", "source record id"):
                members.add_column(column)
            for row in found.registrations.itertuples():
                members.add_row(str(row.registration_id), row.source, row.source_record_id)
            console.print(members)
            if found.suspicious:
                console.print(f"Suspicious: {found.reasons}")
            for note in found.notes:
                console.print(note)
            if found.threshold:
                console.print(f"Threshold: {found.threshold}")
            for link in found.links:
                console.print(_waterfall(link))
            ids = [int(i) for i in found.registrations["registration_id"]]
        if look is not None:
            console.print(_identities(engine, look, ids))
    except ExplainError as exc:
        fail(command, str(exc))
    finally:
        engine.dispose()


def _jsonable(value: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    import pandas as pd

    if is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(getattr(value, k)) for k in asdict(value)}
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="records")
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


@link_app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="CSV file to write."),
    run: int | None = typer.Option(None, "--run", help="Link run (default: the latest)."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """One row per registration: organisation, source record id, person id."""
    from zicht.linkage import ResultsError, export_persons

    command = f"{_COMMAND} export"
    engine = open_engine(command, database_url)
    try:
        rows = export_persons(engine, out, run)
    except (ResultsError, OSError) as exc:
        fail(command, str(exc) if isinstance(exc, ResultsError) else f"cannot write {out}")
    finally:
        engine.dispose()
    console.print(f"{rows} registrations written to {out}")


@link_app.command("evaluate")
def evaluate_command(
    truth: Path = typer.Option(..., "--truth", help="Synthetic world folder (with truth/)."),
    run: int | None = typer.Option(None, "--run", help="Link run (default: the latest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the measures as JSON."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Pairwise and B-cubed precision, recall and F1 against the ground truth."""
    from zicht.linkage import ExplainError, ResultsError, evaluate, threshold_explanation

    command = f"{_COMMAND} evaluate"
    engine = open_engine(command, database_url)
    try:
        quality = evaluate(engine, truth, run)
        why = threshold_explanation(engine, run)
    except (ResultsError, ExplainError) as exc:
        fail(command, str(exc))
    finally:
        engine.dispose()
    if as_json:
        console.print_json(json.dumps({**quality.as_dict(), "threshold": why}))
        return
    table = Table(title="Linkage quality against the truth")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in quality.as_dict().items():
        table.add_row(name, f"{value:.4f}" if isinstance(value, float) else str(value))
    console.print(table)
    if why:
        console.print(f"Threshold: {why}")


def register(app: typer.Typer) -> None:
    """Add `zicht link` and its subcommands."""
    app.add_typer(link_app, name="link")
