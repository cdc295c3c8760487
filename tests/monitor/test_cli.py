"""`zicht report`: writes the files, one-line errors with exit code 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.monitor.conftest import ingest_world
from zicht.cli import app
from zicht.privacy import Cipher
from zicht.store import make_engine, upgrade

runner = CliRunner()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_report_command_writes_every_format(
    engine: Engine, cipher: Cipher, world: Path, database_url: str, tmp_path: Path
) -> None:
    ingest_world(engine, cipher, world)
    out = tmp_path / "report"
    result = runner.invoke(
        app,
        [
            "report",
            "--year",
            "2021",
            "--out",
            str(out),
            "--lang",
            "en",
            "--k",
            "11",
            "--target",
            "2021=205",
            "--database-url",
            database_url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "monitor-2021-en.html").is_file()
    assert (out / "monitor-2021-en.pdf").is_file()
    assert (out / "monitor-2021-en.xlsx").is_file()
    assert list((out / "monitor-2021-en-csv").glob("*.csv"))
    assert "monitor-2021-en.html" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--lang", "de"], "--lang must be one of en, nl"),
        (["--k", "0"], "--k must be at least 1"),
        (["--target", "2021:205"], "--target must look like YEAR=NUMBER"),
        ([], "no registrations"),
    ],
)
def test_report_command_errors(tmp_path: Path, arguments: list[str], message: str) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    result = runner.invoke(
        app,
        [
            "report",
            "--year",
            "2021",
            "--out",
            str(tmp_path / "r"),
            "--database-url",
            url,
            *arguments,
        ],
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("zicht report: error: ")
    assert message in lines[0]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_year_without_data_is_refused(
    engine: Engine,
    cipher: Cipher,
    world: Path,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingest_world(engine, cipher, world)
    out = tmp_path / "report"
    arguments = ["report", "--year", "2030", "--out", str(out), "--database-url", database_url]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("zicht report: error: no registrations or suspects in 2030")
    # the message names the years that hold data (the world's, late registrations included)
    assert re.search(r"the data hold the years 2018 to 20\d\d$", lines[0]), lines[0]
    assert not out.exists()  # nothing written
    monkeypatch.setenv("ZICHT_LANGUAGE", "nl")
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    assert "geen registraties of verdachten in 2030" in result.stderr
