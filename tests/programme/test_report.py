"""`write_results`: its figures are the monitor's and the dashboard's for the same data,
the DOCX opens in LibreOffice (converted headless when it is installed), the PDF reads."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from tests.conftest import IN_CI
from zicht.access import Actor, Principal
from zicht.monitor import build_report
from zicht.monitor._publication import dashboard_figures
from zicht.programme import (
    AnswerInput,
    ProgrammeError,
    import_programme,
    publish_assessment,
    save_assessment,
    seed_programme,
    write_results,
)
from zicht.store import statistics

YEAR = 2021


def _figure(results: object, code: str) -> object:
    return next(f for f in results.figures if f.indicator == code)  # type: ignore[attr-defined]


def test_the_results_table_shows_the_monitors_and_the_dashboards_figures(
    filled_engine: Engine, tmp_path: Path
) -> None:
    engine = filled_engine
    programme = seed_programme()
    import_programme(engine, Actor("coordinator"), programme)
    for code in ("GM0363", "GM0599", "GM0014"):
        save_assessment(
            engine,
            Principal.for_user(1, code, "municipality", code),
            programme,
            code,
            {"policy": AnswerInput("yes" if code != "GM0014" else "no")},
        )
    publish_assessment(engine, Actor("coordinator"), YEAR)
    files = write_results(engine, YEAR, tmp_path / "programme")
    monitor = build_report(engine, year=YEAR, out=tmp_path / "monitor")
    dashboard = dashboard_figures(engine, {}, year=YEAR)
    results = files.results
    assert results.cutoff == statistics.data_cutoff(engine)

    assert _figure(results, "om_suspects").value == monitor.suspects_to_prosecutor
    assert _figure(results, "registered_victims").value == monitor.registrations
    assert _figure(results, "registered_victims").value == dict(dashboard.by_year)[YEAR]
    assert _figure(results, "unique_persons").value == monitor.persons
    estimate = _figure(results, "estimate")
    assert (estimate.value, estimate.lower, estimate.upper) == (
        monitor.estimate,
        monitor.estimate_lower,
        monitor.estimate_upper,
    )
    assert _figure(results, "municipalities_with_policy").value == 2
    assert monitor.registrations is not None and monitor.suspects_to_prosecutor is not None

    document = docx.Document(str(files.docx))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join(cells)
    assert "Opsporing en vervolging" in text and "Verankering gemeentelijke aanpak" in text
    assert "Doel 2021" in text and "205" in text  # the OM target, in Dutch
    assert str(monitor.registrations) in cells
    assert len(document.tables) == 4  # actions, indicators, labour exploitation, regions
    labour_cells = [[c.text for c in row.cells] for row in document.tables[2].rows]
    assert len(labour_cells) == 1 + len(results.labour.organisations) + 1
    assert len(document.tables[0].rows) == 1 + 24  # header + every action of the letter
    pdf = PdfReader(str(files.pdf))
    assert "Acties per thema" in "".join(page.extract_text() for page in pdf.pages)
    assert files.svg.read_text(encoding="utf-8").count("data-code=") == 342
    assert len(files.map_table.read_text(encoding="utf-8").splitlines()) == 1 + 342


def test_the_docx_opens_in_libreoffice(engine: Engine, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        if IN_CI:
            pytest.fail("CI=true but LibreOffice is not installed (make office)")
        pytest.skip("LibreOffice is not installed: run `make office`")
    # An empty database: every figure "–", the documents still whole.
    files = write_results(engine, YEAR, tmp_path / "programme")
    converted = tmp_path / "converted"
    run = subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(converted),
            str(files.docx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    pdf = PdfReader(str(converted / (files.docx.stem + ".pdf")))
    # Compared without white space: LibreOffice wraps the narrow columns mid-word.
    letters = "".join("".join(page.extract_text() for page in pdf.pages).split())
    for action in seed_programme().themes[5].actions:
        assert "".join(action.title.split()) in letters


def test_a_year_without_programme_is_a_clear_error_and_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    with pytest.raises(ProgrammeError, match="no programme is stored for 2019"):
        write_results(engine, 2019, tmp_path / "out")
    assert not (tmp_path / "out").exists()
