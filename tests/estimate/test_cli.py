"""``zicht estimate`` through Typer's test runner: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from zicht.cli.estimate import register


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)

    @application.command("noop")
    def _noop() -> None:  # a second command keeps "estimate" a named subcommand
        """Nothing."""

    return application


runner = CliRunner()


def _run(app: typer.Typer, *args: str) -> Any:
    return runner.invoke(app, ["estimate", *args])


def test_json_output_has_every_field(app: typer.Typer, uk_csv: Path) -> None:
    result = _run(app, "--table", str(uk_csv), "--method", "stepwise", "--ci", "profile", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["estimate"] == pytest.approx(11417.991, abs=1e-3)
    assert data["interval"]["lower"] == pytest.approx(9982.3, abs=0.06)
    assert data["interval"]["upper"] == pytest.approx(13181.7, abs=0.06)
    assert data["df"] == 49
    assert data["aic"] == pytest.approx(162.659, abs=1e-3)
    assert "bic" in data
    assert data["dropped_pairs"] == []
    assert data["selection_path"][0]["term"] == "PF:NCA"
    assert "PF:NCA" in data["terms"]


def test_main_normal_table_output(app: typer.Typer, uk_csv: Path) -> None:
    result = _run(app, "--table", str(uk_csv), "--method", "main", "--closed-models")
    assert result.exit_code == 0, result.output
    assert "12,214.0" in result.stdout
    assert "Mth Gamma3.5" in result.stdout


def test_bootstrap_json(app: typer.Typer, uk_csv: Path) -> None:
    result = _run(app, "--table", str(uk_csv), "--ci", "bootstrap", "--nboot", "50", "--json")
    assert result.exit_code == 0, result.output
    interval = json.loads(result.stdout)["interval"]
    assert interval["method"] == "bootstrap"
    assert interval["lower"] < 11418 < interval["upper"]


def test_dropped_pairs_in_json(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "sparse.csv"
    # A and C never overlap; the stepwise rule still adds A:C (p = exp(-lambda*))
    path.write_text("A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,8\n0,1,1,6\n")
    result = _run(app, "--table", str(path), "--method", "stepwise", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dropped_pairs"] == ["A:C"]
    assert data["model"] == "main + A:C"
    assert "A:C" not in data["terms"]
    assert data["df"] == 5 - 4


BAD_TABLES = {
    "one list": ("A,count\n1,5\n", "at least two lists"),
    "negative count": ("A,B,count\n1,0,-3\n0,1,2\n1,1,1\n", "non-negative integer"),
    "fractional count": ("A,B,count\n1,0,2.5\n0,1,2\n1,1,1\n", "non-negative integer"),
    "history not 0/1": ("A,B,count\n2,0,3\n0,1,2\n1,1,1\n", "must be 0 or 1"),
    "all-zero history": ("A,B,count\n0,0,3\n1,0,2\n0,1,2\n", "all-zero history"),
    "empty list": ("A,B,C,count\n1,0,0,3\n0,1,0,2\n1,1,0,1\n", "list C has no cases"),
}


@pytest.mark.parametrize("case", list(BAD_TABLES))
def test_bad_input_exits_2_with_one_line(app: typer.Typer, tmp_path: Path, case: str) -> None:
    text, message = BAD_TABLES[case]
    path = tmp_path / "bad.csv"
    path.write_text(text)
    result = _run(app, "--table", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("zicht estimate: error: ")
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_unfittable_model_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    # two lists, no overlap: the main-effects model has no finite dark figure
    path = tmp_path / "disjoint.csv"
    path.write_text("A,B,count\n1,0,3\n0,1,2\n")
    result = _run(app, "--table", str(path), "--method", "main")
    assert result.exit_code == 2
    assert "cannot be fitted" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "exactly one of --table"),
        (("--method", "lasso", "--table", "x.csv"), "--method must be one of"),
        (("--ci", "wald", "--table", "x.csv"), "--ci must be one of"),
        (("--table", "does-not-exist.csv"), "cannot read table"),
        (("--table", "x.csv", "--by", "year"), "--by and --merge-below need --linked"),
        (("--linked", "--closed-models"), "--closed-models needs --table"),
        (("--linked", "--merge-below", "-1"), "merge_below"),
        (("--linked", "--nboot", "0"), "nboot must be at least 1"),
    ],
)
def test_usage_errors_exit_2(app: typer.Typer, args: tuple[str, ...], message: str) -> None:
    result = _run(app, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_linked_with_a_frame(app: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    rows = []
    person = 0
    for year in (2019, 2020):
        for history, count in (((1, 0, 0), 30), ((0, 1, 0), 25), ((0, 0, 1), 20), ((1, 1, 0), 6),
                               ((1, 0, 1), 5), ((0, 1, 1), 4), ((1, 1, 1), 1)):  # fmt: skip
            for _ in range(count):
                person += 1
                for org, on in zip(("POL", "NGO", "KMAR"), history, strict=True):
                    if on:
                        rows.append((person, org, year, "SEX", False, "F", True))
    frame = pd.DataFrame(
        rows, columns=["person_id", "organisation", "year", "forms", "minor", "gender", "dutch"]
    )

    seen: list[str | None] = []

    def linked_registrations_frame(url: str | None = None) -> pd.DataFrame:
        seen.append(url)
        return frame

    monkeypatch.setattr("zicht.linkage.linked_registrations_frame", linked_registrations_frame)
    monkeypatch.setattr("zicht.linkage.unlinked_years", lambda url: {})
    monkeypatch.setenv("ZICHT_DATABASE_URL", "sqlite:///test.db")
    result = _run(app, "--linked", "--by", "year", "--method", "main", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["stratum"] for d in data] == [{"year": 2019}, {"year": 2020}]
    assert data[0]["persons"] == 91  # 30 + 25 + 20 + 6 + 5 + 4 + 1
    assert data[0]["lists"] == ["KMAR", "NGO", "POL"]
    assert seen == ["sqlite:///test.db"]
    table = _run(app, "--linked", "--by", "year")
    assert table.exit_code == 0, table.output
    assert "year=2019" in table.stdout and "91" in table.stdout
