"""`zicht network build|rank|export|evaluate`: the chain's graph, its ranking and exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from zicht.cli._common import DATABASE_OPTION, console, fail, messages, open_cipher, open_engine

__all__ = ["register"]

network_app = typer.Typer(
    help="The graph behind the victims: networks, ranking, exports.", no_args_is_help=True
)
_COMMAND = "network"


@network_app.command("build")
def build(database_url: str | None = DATABASE_OPTION) -> None:
    """Build a new network run from the store (persons of the latest link run, suspects,
    screened ads), find its networks, rank them and compare them with the previous run."""
    from zicht.network import NetworkError, build_network

    command = f"{_COMMAND} build"
    cipher = open_cipher(command)
    engine = open_engine(command, database_url)
    try:
        summary = build_network(engine, cipher)
    except NetworkError as exc:
        fail(command, str(exc))
    except SQLAlchemyError as exc:
        fail(command, f"database error ({type(exc).__name__})")
    finally:
        engine.dispose()
    t = messages()
    console.print(
        t(
            "Network run %(run)s: %(nodes)s nodes, %(edges)s edges, %(networks)s ranked networks.",
            run=summary.run_id,
            nodes=t.number(summary.nodes),
            edges=t.number(summary.edges),
            networks=t.number(summary.networks),
        )
    )


def _reasons(reasons: list[Any]) -> str:
    from zicht.network import reason_text

    t = messages()
    return "; ".join(reason_text(t, code, value) for code, value in reasons)


@network_app.command("rank")
def rank(
    top: int = typer.Option(10, "--top", help="How many networks to show."),
    run: int | None = typer.Option(None, "--run", help="Network run (default: the latest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the ranking as JSON."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """The networks by risk, each with the reasons of its score."""
    from zicht.network import CHANGE_TEXTS, RunNotFound, ranking, resolve_run

    command = f"{_COMMAND} rank"
    if top < 1:
        fail(command, "--top must be at least 1")
    engine = open_engine(command, database_url)
    try:
        found = resolve_run(engine, run)
        ranked = ranking(engine, found, top)
    except RunNotFound as exc:
        fail(command, str(exc))
    finally:
        engine.dispose()
    if as_json:
        rows = json.loads(ranked.to_json(orient="records", date_format="iso"))
        console.print_json(json.dumps({"run_id": found.id, "networks": rows}))
        return
    t = messages()
    table = Table(title=t("Networks of run %(run)s by risk", run=found.id))
    for column in (t("rank"), t("network"), t("score"), t("change"), t("reasons")):
        table.add_column(column)
    for row in ranked.itertuples():
        table.add_row(
            str(row.rank),
            str(row.network),
            f"{row.score:g}",
            t(CHANGE_TEXTS[row.change]),
            _reasons(row.reasons),
        )
    console.print(table)


@network_app.command("export")
def export(
    fmt: str = typer.Option(..., "--format", help="graphml, gexf or i2 (entity and link CSV)."),
    out: Path = typer.Option(..., "--out", help="File to write (i2: a ZIP of two CSV files)."),
    run: int | None = typer.Option(None, "--run", help="Network run (default: the latest)."),
    network: int | None = typer.Option(None, "--network", help="Only this network."),
    show_identities: bool = typer.Option(
        False, "--show-identities", help="Label nodes with identity values (audited)."
    ),
    purpose: str | None = typer.Option(
        None, "--purpose", help="Why the identities are needed (required with --show-identities)."
    ),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Export the graph for Gephi (GraphML, GEXF) or i2 Analyst's Notebook; pseudonymised
    unless --show-identities is given with a purpose; every export is audited."""
    from zicht.access import Actor, Look, PurposeError
    from zicht.network import FORMATS, RunNotFound, export_network

    command = f"{_COMMAND} export"
    if fmt not in FORMATS:
        fail(command, f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not out.parent.is_dir():
        fail(command, f"{out.parent}: no such folder")
    look = None
    if show_identities:
        try:
            look = Look(Actor.command_line(), purpose or "")
        except PurposeError as exc:
            fail(command, f"--show-identities needs --purpose: {exc}")
    cipher = open_cipher(command) if look is not None else None
    engine = open_engine(command, database_url)
    try:
        summary = export_network(
            engine,
            out,
            fmt,
            actor=Actor.command_line(),
            run_id=run,
            network=network,
            look=look,
            cipher=cipher,
        )
    except RunNotFound as exc:
        fail(command, str(exc))
    except OSError as exc:
        fail(command, f"{out}: cannot write ({type(exc).__name__})")
    finally:
        engine.dispose()
    t = messages()
    console.print(
        t(
            "Wrote %(out)s: %(nodes)s nodes, %(edges)s edges (run %(run)s).",
            out=str(summary.out),
            nodes=t.number(summary.nodes),
            edges=t.number(summary.edges),
            run=summary.run_id,
        )
    )


@network_app.command("evaluate")
def evaluate(
    truth: Path = typer.Option(..., "--truth", help="Truth folder of a synthetic world."),
    run: int | None = typer.Option(None, "--run", help="Network run (default: the latest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Network recovery (adjusted Rand index, NMI) and precision at 10 of the ranking
    against a synthetic world's truth."""
    from zicht.network import EvaluationError, evaluate_run

    command = f"{_COMMAND} evaluate"
    engine = open_engine(command, database_url)
    try:
        figures = evaluate_run(engine, truth, run_id=run)
    except EvaluationError as exc:
        fail(command, str(exc))
    finally:
        engine.dispose()
    if as_json:
        console.print_json(json.dumps(figures))
        return
    t = messages()
    table = Table(title=t("Network recovery against the truth"))
    table.add_column(t("figure"))
    table.add_column(t("value"))
    for name, value in figures.items():
        table.add_row(name, str(value))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `zicht network` to the app."""
    app.add_typer(network_app, name="network")
