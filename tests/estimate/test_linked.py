"""`zicht estimate --linked` end to end: synthesise, ingest, link, then estimate by year."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zicht.cli import app
from zicht.demo import run_demo


def test_estimate_linked_by_year_on_a_linked_store(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo", persons=600, seed=5)
    assert result.linkage is not None and result.linkage.persons > 0
    run = CliRunner().invoke(
        app,
        [
            "estimate", "--linked", "--by", "year", "--json",
            "--database-url", result.database_url,
        ],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    strata = json.loads(run.stdout)
    assert isinstance(strata, list) and strata
    years = [entry["stratum"]["year"] for entry in strata]
    assert years == sorted(set(years))
    estimated = 0
    for entry in strata:
        assert set(entry["stratum"]) == {"year"}
        if entry["problem"] is not None:
            assert entry["problem"] in ("too_few", "not_estimable")
            continue
        estimated += 1
        assert entry["persons"] > 0 and len(entry["lists"]) >= 2
        assert entry["estimate"] >= entry["persons"] - entry["precision"]
        assert entry["lower"] <= entry["estimate"] <= entry["upper"]
        assert entry["lower"] % entry["precision"] == 0 and entry["upper"] % entry["precision"] == 0
    assert estimated > 0


def test_estimate_linked_by_form_splits_the_stored_forms(tmp_path: Path) -> None:
    # the store joins several forms with ';': each must become its own stratum
    result = run_demo(tmp_path / "demo", persons=300, seed=6)
    run = CliRunner().invoke(
        app,
        ["estimate", "--linked", "--by", "form", "--json", "--database-url", result.database_url],
    )
    assert run.exit_code == 0, run.output
    forms = [entry["stratum"]["form"] for entry in json.loads(run.stdout)]
    assert forms and all(";" not in form and "," not in form for form in forms)
