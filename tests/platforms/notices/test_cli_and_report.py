"""`zicht platforms tdb-export` and `transparency-report`, and the report's counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.platforms.notices.conftest import (
    ADMIN,
    MODERATOR,
    NO_ACTION,
    PLATFORM,
    POLICE_FLAGGER,
    PUBLIC,
    REMOVE_ILLEGAL,
    SECOND_MODERATOR,
    notice_form,
)
from zicht.cli import app
from zicht.platforms.notices import (
    decide,
    designate_flagger,
    file_complaint,
    file_notice,
    register_platform,
    review_complaint,
    statement_problems,
    transparency_report,
    write_transparency_report,
)
from zicht.privacy import Cipher, PublicationPolicy, load_cipher
from zicht.store import make_engine

runner = CliRunner()
TERMS = dataclasses.replace(
    REMOVE_ILLEGAL,
    ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
    ground_reference="Terms 3.1",
    ground_explanation="No licence number.",
)


def _fill(engine: Engine, cipher: Cipher) -> None:
    """3 notices of the police, then 12 public ones: 6 removed (illegal; the police's
    first), 3 demoted (terms), 4 not acted on, 2 open; one complaint reversed."""
    forms = [REMOVE_ILLEGAL] * 6 + [TERMS] * 3 + [NO_ACTION] * 4
    receipts = [
        file_notice(engine, cipher, POLICE_FLAGGER, notice_form(name=None, email=None))
        for _ in range(3)
    ]
    receipts += [file_notice(engine, cipher, PUBLIC, notice_form()) for _ in range(12)]
    decisions = [
        decide(engine, cipher, MODERATOR, receipt.notice_id, form)
        for receipt, form in zip(receipts, forms, strict=False)
    ]
    complaint = file_complaint(engine, cipher, PUBLIC, decisions[0].redress_key, "Legal ad.")
    review_complaint(engine, SECOND_MODERATOR, complaint.complaint_id, True, "Checked.")


def test_the_report_counts_and_suppresses(tenants: Engine, cipher: Cipher, tmp_path: Path) -> None:
    _fill(tenants, cipher)
    today = dt.date.today()
    report = transparency_report(
        tenants, MODERATOR, PLATFORM, today, today + dt.timedelta(days=1), PublicationPolicy(k=3)
    )
    cells = report.cells
    assert cells[("notices", "total")] == 15
    assert cells[("category", "STATEMENT_CATEGORY_VIOLENCE")] == 15
    assert cells[("source", "notice")] == 12 and cells[("source", "trusted_flagger")] == 3
    assert (
        cells[("ground", "illegal_content")] == 6 and cells[("ground", "terms_and_conditions")] == 3
    )
    # 2 pending (< k = 3) is suppressed, and so is one more cell of its total (secondary)
    assert cells[("decision", "pending")] is None
    shown = [cells[("decision", "acted")], cells[("decision", "not_acted")]]
    assert shown in ([9, None], [None, 4])
    assert cells[("complaints", "total")] is None and cells[("complaints", "reversed")] is None
    assert report.median_hours is not None and report.median_hours < 1
    csv_path, html_path = write_transparency_report(report, tmp_path, "nl")
    assert "notices,total,15" in csv_path.read_text(encoding="utf-8")
    page = html_path.read_text(encoding="utf-8")
    assert '<html lang="nl">' in page and "Transparantieverslag" in page


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Engine, Cipher]:
    key = tmp_path / "zicht.key"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    monkeypatch.setenv("ZICHT_DATABASE_URL", url)
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return make_engine(url), load_cipher(str(key), None)


def test_tdb_export_writes_valid_statements(
    cli_database: tuple[Engine, Cipher], tmp_path: Path
) -> None:
    engine, cipher = cli_database
    result = runner.invoke(
        app,
        ["platforms", "register", PLATFORM, "--name", "Kinky NL", "--contact-point", "d@k.example"],
    )
    assert result.exit_code == 0, result.output
    designate_flagger(engine, ADMIN, "police", dt.date(2026, 1, 1))
    _fill(engine, cipher)
    register_platform(engine, ADMIN, "empty-platform", "Empty", "d@e.example")
    out = tmp_path / "statements.jsonl"
    result = runner.invoke(
        app, ["platforms", "tdb-export", "--since", dt.date.today().isoformat(), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    statements = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(statements) == 9  # every decision to act, the reversed one included
    assert all(statement_problems(s) == [] for s in statements)
    assert {s["source_type"] for s in statements} == {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER"}
    later = runner.invoke(
        app, ["platforms", "tdb-export", "--since", "2099-01-01", "--out", str(out)]
    )
    assert later.exit_code == 0 and out.read_text(encoding="utf-8") == ""
    bad = runner.invoke(app, ["platforms", "tdb-export", "--since", "yesterday", "--out", str(out)])
    assert bad.exit_code == 2 and "--since" in bad.output
    report_dir = tmp_path / "report"
    report_dir.mkdir()
    today = dt.date.today()
    made = runner.invoke(
        app,
        [
            "platforms", "transparency-report", "--platform", PLATFORM, "--from",
            today.isoformat(), "--to", (today + dt.timedelta(days=1)).isoformat(),
            "--out", str(report_dir),
        ],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert sorted(p.suffix for p in report_dir.iterdir()) == [".csv", ".html"]
    engine.dispose()
