"""`zicht synth` writes a world; mistakes end with one line and exit code 2."""

from __future__ import annotations

import inspect
from pathlib import Path

from typer.testing import CliRunner

from zicht.cli import app
from zicht.cli.synth import synth
from zicht.synth import DEFAULT_PERSONS

runner = CliRunner()


def test_synth_writes_a_world(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["synth", "--persons", "600", "--years", "2018-2019", "--seed", "2",
         "--scenario", "independent", "--out", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "world" / "manifest.json").is_file()
    assert (tmp_path / "truth" / "capture_histories_2019.csv").is_file()
    assert not (tmp_path / "truth" / "capture_histories_2020.csv").exists()
    assert "independent" in result.output


def test_unknown_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--scenario", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "no such scenario" in result.output


def test_bad_years(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--years", "2020-2018", "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_default_size_is_the_documented_one() -> None:
    default = inspect.signature(synth).parameters["persons"].default
    assert default.default == DEFAULT_PERSONS
    docs = Path(__file__).parents[2] / "docs" / "synth.md"
    assert f"{DEFAULT_PERSONS:,}" in docs.read_text(encoding="utf-8")
