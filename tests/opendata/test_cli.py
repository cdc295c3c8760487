"""`zicht opendata`: the three exports from the command line, and their clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.opendata.checker import read_export, smallest_class
from tests.opendata.conftest import YEARS
from zicht.cli import app

runner = CliRunner()


@pytest.fixture
def linked_url(filled_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ZICHT_DATABASE_URL", database_url)
    return database_url


def test_the_three_exports(linked_url: str, tmp_path: Path) -> None:
    first, last = YEARS
    period = ["--year", str(last), "--from", str(first)]
    result = runner.invoke(
        app, ["opendata", "ctdc", *period, "--k", "15", "--out", str(tmp_path / "c")]
    )
    assert result.exit_code == 0, result.output
    assert "k reached" in result.output
    smallest = smallest_class(read_export(tmp_path / "c" / "ctdc.csv"))
    assert smallest is not None and smallest >= 15
    result = runner.invoke(
        app, ["opendata", "synthetic", *period, "--epsilon", "2", "--out", str(tmp_path / "s")]
    )
    assert result.exit_code == 0, result.output
    assert "epsilon 2.0, delta 0.0" in result.output
    assert "A new release, stored" in result.output
    assert f"Privacy budget of {last}: epsilon 2.0 of 3.0 spent." in result.output
    csv = (tmp_path / "s" / "synthetic.csv").read_bytes()
    # asked again: the stored release, nothing spent; --new-release would exceed the budget
    result = runner.invoke(
        app, ["opendata", "synthetic", *period, "--epsilon", "2", "--out", str(tmp_path / "s2")]
    )
    assert result.exit_code == 0, result.output
    assert "nothing spent" in result.output
    assert (tmp_path / "s2" / "synthetic.csv").read_bytes() == csv
    result = runner.invoke(
        app,
        ["opendata", "synthetic", *period, "--epsilon", "2", "--new-release", "--out",
         str(tmp_path / "s3")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"the privacy budget of {first} is used up" in result.output
    assert not (tmp_path / "s3").exists()
    result = runner.invoke(app, ["opendata", "tables", *period, "--out", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t" / "eurostat_thb.csv").is_file()


def test_errors_are_one_line_and_exit_2(linked_url: str, tmp_path: Path) -> None:
    out = tmp_path / "none"
    result = runner.invoke(app, ["opendata", "ctdc", "--year", "1990", "--out", str(out)])
    assert result.exit_code == 2
    assert "no linked person was registered in 1990-1990" in result.output
    assert not out.exists()
    result = runner.invoke(
        app, ["opendata", "ctdc", "--year", "2020", "--k", "1", "--out", str(out)]
    )
    assert result.exit_code == 2 and "--k must be at least 2" in result.output
    result = runner.invoke(
        app, ["opendata", "synthetic", "--year", "2020", "--epsilon", "0", "--out", str(out)]
    )
    assert result.exit_code == 2 and "epsilon must be above 0" in result.output
    result = runner.invoke(
        app, ["opendata", "tables", "--year", "2020", "--from", "2021", "--out", str(out)]
    )
    assert result.exit_code == 2 and "is after the last" in result.output
