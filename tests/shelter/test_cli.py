"""`zicht shelter` on SQLite and PostgreSQL: the whole path, exit codes, one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zicht.cli import app

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "zicht.key"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    monkeypatch.setenv("ZICHT_DATABASE_URL", database_url)
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


def _run(*args: str, code: int = 0, stdin: str | None = None) -> str:
    result = runner.invoke(app, ["shelter", *args], input=stdin)
    assert result.exit_code == code, result.output
    return result.output


@pytest.mark.usefixtures("cli_env")
def test_the_whole_path(tmp_path: Path) -> None:
    _run("add", "a", "--name", "A", "--kind", "crisis", "--region", "rotterdam",
         "--language", "pl", stdin="Geheimstraat 1\n")  # fmt: skip
    _run("beds", "a", "crisis_labour", "--beds", "3", "--free", "2")
    capacity = tmp_path / "cap.csv"
    capacity.write_text("shelter,kind,beds,free\na,women,1,1\nq,men,1,1\n", encoding="utf-8")
    assert "2 rows read, 1 stored, 1 refused" in _run("capacity", str(capacity))
    places = _run("places")
    assert "2/3" in places and "Geheimstraat" not in places
    out = _run("request", "--kind", "crisis_labour", "--size", "3", "--region", "rotterdam",
               "--form", "labour", "--organisation", "inspectorate",
               "--registration", "inspectorate:R-1")  # fmt: skip
    assert "request 1 recorded" in out
    assert "in the requested region" in _run("match", "1")
    out = _run("reserve", "1", code=1)
    assert "person 3: no suitable free bed" in out and "nothing reserved" in out
    out = _run("reserve", "1", "--partial", code=1)
    # ids, not 1 and 2: PostgreSQL's sequences keep what the undone attempt used
    first, second = re.findall(r"reservation (\d+) at a", out)
    _run("accept", first)
    _run("refuse", second, "--reason", "security")
    _run("discharge", first)
    result = runner.invoke(app, ["shelter", "discharge", first])
    assert result.exit_code == 2
    assert f"reservation {first} is discharged, not accepted" in result.output
    result = runner.invoke(app, ["shelter", "refuse", "99", "--reason", "other"])
    assert result.exit_code == 2 and "no reservation 99" in result.output
    assert "0 holds expired" in _run("expire")


@pytest.mark.usefixtures("cli_env")
def test_capacity_of_only_bad_rows_exits_1_and_an_unreadable_file_2(tmp_path: Path) -> None:
    bad = tmp_path / "cap.csv"
    bad.write_text("shelter,kind,beds,free\nq,men,1,1\n", encoding="utf-8")
    assert runner.invoke(app, ["shelter", "capacity", str(bad)]).exit_code == 1
    missing = runner.invoke(app, ["shelter", "capacity", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
