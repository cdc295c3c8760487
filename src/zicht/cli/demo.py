"""`zicht demo`: the main job end to end on synthetic data (what `make demo` runs)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from zicht.cli._common import console, current_settings, err_console, fail

if TYPE_CHECKING:
    from zicht.config import Settings
    from zicht.ingest import IngestResult

__all__ = ["register"]

_STEPS = {
    "world": "Making the synthetic world (2016-2023)",
    "ingest": "Ingesting every organisation's files",
    "link": "Linking registrations into persons",
    "report": "Writing the monitor report",
    "ads": "Screening a week of ads against the licence register",
    "opendata": "Exporting open statistics (CTDC, DP synthetic data, tables)",
    "shelter": "Setting up shelters, requests and placements",
    "reporting": "Filing anonymous reports in six languages",
    "programme": "Filling the programme and synthetic self-assessment rounds",
    "network": "Building the graph of victims, suspects, identifiers and ads",
    "notices": "Notice and action (DSA) on the screened ads",
    "pprl": "Encoding one partner's file for privacy-preserving linkage",
}


def demo(
    persons: int = typer.Option(
        4000, "--persons", help="Victims in the synthetic world (all years)."
    ),
    seed: int = typer.Option(1, "--seed", help="Seed of the synthetic world."),
    workdir: Path = typer.Option(
        Path("var/demo"), "--workdir", help="Folder for everything the demo makes."
    ),
    no_serve: bool = typer.Option(
        False, "--no-serve", help="Stop after the report; do not start the web app."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address of the web app."),
    port: int = typer.Option(8000, "--port", help="Port of the web app."),
) -> None:
    """Synthesise a world, ingest it, link, estimate, report, and serve the web app."""
    from zicht.demo import run_demo

    settings = current_settings()
    # The demo makes its own SQLite database unless ZICHT_DATABASE_URL names one.
    database_url = settings.database_url if "database_url" in settings.model_fields_set else None
    result = run_demo(
        workdir,
        persons=persons,
        seed=seed,
        database_url=database_url,
        on_step=lambda name: err_console.print(f"[bold]{_STEPS.get(name, name)}[/bold] …"),
    )
    _print_ingest(result.ingest)
    if result.linkage is not None:
        registrations, persons_found = result.linkage.registrations, result.linkage.persons
        console.print(
            f"Linkage: {registrations} victim registrations are {persons_found} unique persons "
            f"({registrations - persons_found} double counts removed)."
        )
    if result.report is not None:
        console.print(
            f"Report of {result.report_year}: {result.report.html} "
            f"(also .pdf and .xlsx; tables as CSV in {result.report.csv_dir})"
        )
    if result.ads is not None:
        console.print(
            f"Ads: {result.ads.stored} ads screened, {result.ads.flagged} flagged with reasons, "
            f"{result.ads.clusters} operator clusters ({workdir / 'screening'})."
        )
    if result.opendata:
        console.print(
            "Open statistics: "
            + ", ".join(f"{r.kind} ({r.records} rows)" for r in result.opendata)
            + f" ({workdir / 'opendata'})."
        )
    if result.shelter is not None:
        sh = result.shelter
        console.print(
            f"Shelters: {sh.shelters} places; {sh.requests} requests, {sh.reserved} beds "
            f"reserved ({sh.accepted} accepted, {sh.refused} refused), {sh.discharged} "
            "discharged; see /shelter (demo-shelter, demo-caseworker) or `zicht shelter places`."
        )
    if result.reporting is not None:
        languages = ", ".join(language for language, _ in result.reporting.receipts)
        console.print(
            f"Anonymous reports: {len(result.reporting.receipts)} filed ({languages}) at /meld; "
            f"receipt to try the way back: {result.reporting.receipts[0][1]}."
        )
        for username, organisation, password in result.reporting.handlers:
            console.print(f"Report handler of {organisation}: {username} / {password}")
    if result.programme is not None:
        rounds = ", ".join(f"{y}: {n} answers" for y, n in result.programme.answers.items())
        console.print(
            f"Programme: years {', '.join(map(str, result.programme.years))}; synthetic "
            f"self-assessment rounds, published ({rounds}); see /programme or "
            "`zicht programme report`."
        )
    if result.network is not None:
        console.print(
            f"Networks: run {result.network.run_id} with {result.network.nodes} nodes and "
            f"{result.network.edges} edges, {result.network.networks} networks ranked "
            "(zicht network rank)."
        )
    if result.notices is not None:
        n = result.notices
        console.print(
            f"Notices: {n.notices} ({n.screening_cases} from screening), {n.decisions} "
            f"decisions, {n.referrals} referred to the police, {n.complaints} complaints "
            f"({n.reversals} reversed), {n.statements} Transparency Database statements; "
            "see /notices (demo-moderator)."
        )
    if result.pprl is not None:
        p = result.pprl.result
        console.print(
            f"Privacy-preserving linkage: {p.encoded} registrations of {p.source} encoded "
            f"at the partner ({len(p.refusals)} refused) into {p.out}, secret "
            f"{result.pprl.secret_file} (zicht ingest {p.out.name} --source {p.source})."
        )
    console.print(
        f"Database: {result.database_url}\nKey: {result.key_file}\n"
        f"Continue with: export ZICHT_DATABASE_URL={result.database_url} "
        f"ZICHT_SECRET_KEY_FILE={result.key_file}"
    )
    if not no_serve:
        demo_settings = settings.model_copy(
            update={
                "database_url": result.database_url,
                "secret_key_file": result.key_file,
                "secret_key": None,
                "report_dir": workdir / "report",
            }
        )
        _serve(demo_settings, host, port)


def _print_ingest(results: list[IngestResult]) -> None:
    per_source: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item in results:
        totals = per_source[item.source]
        totals[0] += item.rows_read
        totals[1] += item.stored
        totals[2] += item.quarantined
    table = Table(title="Ingest per source")
    for column in ("source", "rows read", "stored", "quarantined"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for source in sorted(per_source):
        read, stored, quarantined = per_source[source]
        table.add_row(source, str(read), str(stored), str(quarantined))
    console.print(table)


def _serve(settings: Settings, host: str, port: int) -> None:
    from zicht.access import ensure_demo_accounts
    from zicht.store import make_engine
    from zicht.web import serve
    from zicht.web.serving import ServingError

    engine = make_engine(settings.database_url)
    try:
        accounts = ensure_demo_accounts(engine)
    finally:
        engine.dispose()
    table = Table(title="Demo accounts (shown once)")
    for column in ("user", "role", "organisation", "password"):
        table.add_column(column)
    for username, role, organisation, password in accounts:
        table.add_row(username, role, organisation or "", password)
    console.print(table)
    console.print(f"Zicht runs at http://{host}:{port}/ — stop it with Ctrl-C.")
    try:
        serve(settings, host=host, port=port)
    except ServingError as exc:
        fail("demo", str(exc))


def register(app: typer.Typer) -> None:
    """Add `zicht demo`."""
    app.command("demo")(demo)
