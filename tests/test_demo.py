"""The main job end to end on a small world: nothing lost, persons linked, report written."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from zicht.cli import app
from zicht.demo import run_demo
from zicht.ingest import read_manifest


def test_demo_runs_the_whole_pipeline(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    result = run_demo(workdir, persons=600, seed=3)
    assert result.steps == [
        "world",
        "ingest",
        "link",
        "report",
        "ads",
        "opendata",
        "shelter",
        "reporting",
        "programme",
        "network",
        "notices",
        "pprl",
    ]
    manifest = read_manifest(workdir / "world" / "manifest.json")
    assert [entry.file for entry in manifest] == [Path(r.file) for r in result.ingest]
    for entry, ingested in zip(manifest, result.ingest, strict=True):
        assert ingested.stored + ingested.quarantined == entry.rows == ingested.rows_read
        assert ingested.quarantined == entry.bad_rows
    assert result.linkage is not None and result.report is not None
    assert 0 < result.linkage.persons < result.linkage.registrations
    assert result.report.year == 2023
    for path in (result.report.html, result.report.pdf, result.report.xlsx):
        assert path.exists() and path.parent == workdir / "report"
    assert result.ads is not None and result.ads.stored > 0 and result.ads.quarantined == 0
    # A partner's file encoded at its site: every valid row, no refused one lost.
    assert result.pprl is not None and result.pprl.secret_file.exists()
    victims = [e for e in manifest if e.record_type == "victim_registration"]
    encoded = min(victims, key=lambda e: (e.rows or 0, e.source))
    assert result.pprl.result.source == encoded.source
    # The partner's validation refuses exactly the rows ingest quarantines.
    assert len(result.pprl.result.refusals) == encoded.bad_rows
    assert result.pprl.result.encoded + len(result.pprl.result.refusals) == encoded.rows
    assert result.pprl.result.out.exists()
    assert result.shelter is not None and result.shelter.shelters == 8
    assert result.shelter.accepted + result.shelter.refused == result.shelter.reserved
    clusters = (workdir / "screening" / "clusters.csv").read_text(encoding="utf-8").splitlines()
    assert len(clusters) == 1 + result.ads.stored
    assert [r.kind for r in result.opendata] == ["ctdc", "synthetic", "tables"]
    assert (workdir / "opendata" / "ctdc" / "ctdc.csv").is_file()
    assert result.reporting is not None
    assert sorted({lang for lang, _ in result.reporting.receipts}) == [
        "bg",
        "en",
        "nl",
        "pl",
        "ro",
        "uk",
    ]
    assert len(result.reporting.handlers) == 2
    assert result.programme is not None and result.programme.years == (2021, 2022)
    assert all(n > 0 for n in result.programme.answers.values())
    assert result.network is not None and result.network.networks > 0
    assert result.network.link_run_id is not None
    notices = result.notices
    assert notices is not None and notices.screening_cases > 0 and notices.referrals == 1
    assert notices.decisions == notices.notices  # every case decided
    assert (notices.complaints, notices.reversals) == (2, 1) and notices.statements > 0


def test_demo_is_repeatable_in_the_same_folder(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    runner = CliRunner()
    args = ["demo", "--persons", "300", "--workdir", str(workdir), "--no-serve"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "Ingest per source" in second.output and "Report of 2023" in second.output
    assert "Notices:" in second.output
    shelter = next(x for x in second.output.splitlines() if x.startswith("Shelters:"))
    assert re.fullmatch(
        r"Shelters: 8 places; \d+ requests, (\d+) beds reserved \((\d+) accepted, (\d+) "
        r"refused\), \d+ discharged; see /shelter .*",
        shelter,
    ), shelter
    line = next(x for x in second.output.splitlines() if x.startswith("Linkage:"))
    assert line == next(x for x in first.output.splitlines() if x.startswith("Linkage:"))
