"""One link run, one policy: every edge publishes the same estimates and counts.

The CLI (`zicht estimate --linked --json`), `/api/estimates`, the estimates page and the
report must show the same estimate and interval per year; `/api/dashboard`, the
dashboard page and the report the same published registrations per year.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.web.conftest import web_on
from zicht.cli import app as cli
from zicht.monitor import build_report
from zicht.monitor._data import load
from zicht.privacy import Cipher

Published = tuple[float, float, float]


def _csv(folder: Path, name: str) -> list[list[str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_every_edge_publishes_the_same_estimates_and_counts(
    filled_engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    year = load(filled_engine, None).year
    summary = build_report(filled_engine, year=year, out=tmp_path / "report", lang="en", k=10)
    report: dict[str, Published] = {}
    persons: dict[str, int | None] = {}
    for row in _csv(summary.csv_dir, "estimate_per_year")[1:]:
        persons[row[0]] = None if row[1] == "x" else int(row[1])
        if row[3]:  # an estimate, not a reason
            report[row[0]] = (float(row[2]), float(row[3]), float(row[4]))
    assert report, "the synthetic world should give estimates"
    assert report[str(year)] == (summary.estimate, summary.estimate_lower, summary.estimate_upper)

    url = filled_engine.url.render_as_string(hide_password=False)
    run = CliRunner().invoke(
        cli, ["estimate", "--linked", "--by", "year", "--json", "--database-url", url]
    )
    assert run.exit_code == 0, run.output
    from_cli = {
        str(e["stratum"]["year"]): (e["estimate"], e["lower"], e["upper"])
        for e in json.loads(run.stdout)
        if e["problem"] is None
    }

    client = web_on(filled_engine, cipher, tmp_path).client("analyst")
    api = client.get("/api/estimates").json()["estimates"]
    from_api = {
        e["stratum"]: (e["estimate"], e["lower"], e["upper"])
        for e in api
        if e["problem"] is None and e["stratum"]
    }
    # The registered persons beside each estimate are the report's published cells.
    assert {e["stratum"]: e["observed"] for e in api if e["stratum"] in persons} == {
        e["stratum"]: persons[e["stratum"]] for e in api if e["stratum"] in persons
    }
    assert any(e["stratum"] in persons for e in api)
    page = client.get("/estimates?lang=en").text
    from_page: dict[str, Published] = {}
    for stratum, estimate, low, high in re.findall(
        r'<tr><th scope="row">(\d{4})</th><td class="numeric">(?:[\d,]+|x)</td>'
        r'<td class="numeric">([\d,]+)</td><td class="numeric">([\d,]+) – ([\d,]+)</td>',
        page,
    ):
        from_page[stratum] = (_number(estimate), _number(low), _number(high))
    assert from_cli == report
    assert from_api == report
    assert from_page == report

    # The dashboard's registrations per year are the report's published cells.
    shown = _csv(summary.csv_dir, "victims_per_year")
    years, values = shown[0][1:], shown[1][1:]
    in_report = {y: (None if v == "x" else int(v)) for y, v in zip(years, values, strict=True)}
    dashboard = client.get("/api/dashboard").json()["victim_registrations_by_year"]
    assert dashboard == {y: v for y, v in in_report.items() if y in dashboard}
    assert set(dashboard) >= {str(y) for y in range(year - 2, year + 1)}
    html = client.get("/dashboard?lang=en").text
    for y, value in dashboard.items():
        display = "x" if value is None else f"{value:,}"
        assert re.search(rf'<th scope="row">{y}</th><td class="numeric">{display}</td>', html), y
