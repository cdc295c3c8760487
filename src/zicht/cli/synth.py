"""`zicht synth`: write a synthetic chain world (partner exports + mappings + truth)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import typer
from rich.table import Table

from zicht.cli._common import console, fail, messages

__all__ = ["register"]

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")


def _years(text: str) -> tuple[int, int]:
    t = messages()
    match = _YEARS.match(text)
    if match is None:
        fail("synth", t("--years must look like 2016-2023 (or one year)"))
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        fail("synth", t("--years: the last year comes before the first"))
    if last + 1 >= dt.date.today().year:
        # registrations run into the year after the last: they must not lie in the future
        fail("synth", t("--years must end before %(year)s", year=dt.date.today().year - 1))
    return first, last


def synth(
    out: Path = typer.Option(..., "--out", help="Folder to write world/ and truth/ into."),
    persons: int = typer.Option(
        4000, "--persons", min=1, help="Victims across all years (registered or not)."
    ),
    years: str = typer.Option(
        "2016-2023", "--years", help="Years of exploitation, e.g. 2016-2023."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed and scenario: same bytes)."),
    scenario: str = typer.Option(
        "default",
        "--scenario",
        help="A shipped scenario (default, independent, dependent, heterogeneous) or a YAML file.",
    ),
    ad_days: int = typer.Option(
        0,
        "--ad-days",
        min=0,
        help="Also write DAYS of sex-work ads of one platform (ads/, licences per "
        "municipality, truth/ads.csv): the world's sexual exploitation networks of its "
        "last year and licensed independent workers.",
    ),
    independents: int = typer.Option(
        300, "--independents", min=0, help="Licensed independent workers in the ad world."
    ),
) -> None:
    """Simulate victims, networks and registrations and write each organisation's exports."""
    from zicht.synth import ScenarioError, load_scenario

    span = _years(years)
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as exc:
        fail("synth", str(exc))
    from zicht.synth import simulate, write_world

    world = simulate(loaded, persons, seed, span)
    summary = write_world(world, out)
    t = messages()
    title = t(
        "Synthetic world '%(scenario)s' (seed %(seed)s) in %(out)s",
        scenario=summary.scenario,
        seed=seed,
        out=out,
    )
    table = Table(title=title)
    table.add_column(t("organisation"))
    table.add_column(t("record type"))
    table.add_column(t("rows"), justify="right")
    for organisation, counts in summary.by_organisation.items():
        for record_type, count in counts.items():
            table.add_row(organisation, record_type, t.number(count))
    console.print(table)
    console.print(
        t(
            "%(persons)s victims (%(registered)s registered), %(suspects)s suspects, "
            "%(records)s records in %(files)s files, %(bad)s deliberately bad rows; "
            "truth in %(truth)s",
            persons=t.number(summary.persons),
            registered=t.number(summary.victims_registered),
            suspects=t.number(summary.suspects),
            records=t.number(summary.registrations),
            files=summary.files,
            bad=t.number(summary.bad_rows),
            truth=out / "truth",
        )
    )
    if ad_days:
        from zicht.synth import network_sizes_of, simulate_ads, write_ad_world

        ads = simulate_ads(
            seed,
            independents=independents,
            days=ad_days,
            start=dt.date(span[1] + 1, 3, 1),
            network_sizes=network_sizes_of(world),
        )
        write_ad_world(ads, out)
        console.print(
            f"{len(ads.ads)} ads in {out / 'ads'}, licences of {len(ads.licences)} "
            f"municipalities in {out / 'ads' / 'licences'}; truth in {out / 'truth' / 'ads.csv'}"
        )


def register(app: typer.Typer) -> None:
    """Add the `synth` command."""
    app.command("synth")(synth)
