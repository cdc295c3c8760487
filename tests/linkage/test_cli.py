"""`zicht link` and its subcommands, end to end on SQLite with DuckDB."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.linkage.conftest import febrl_slice, ingest_frame
from zicht.cli import app
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A migrated SQLite store holding a FEBRL slice, and its key, as ZICHT_* variables."""
    key = generate_key()
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    originals, duplicates = febrl_slice()
    cipher = Cipher(key)
    ingest_frame(originals, tmp_path / "a.csv", engine, cipher)
    ingest_frame(duplicates, tmp_path / "b.csv", engine, cipher)
    engine.dispose()
    truth = pd.DataFrame(
        {
            "source": "other",
            "source_record_id": list(originals.index) + list(duplicates.index),
            "record_type": "victim_registration",
            "person_id": [r.split("-")[1] for r in list(originals.index) + list(duplicates.index)],
        }
    )
    (tmp_path / "world" / "truth").mkdir(parents=True)
    truth.to_csv(tmp_path / "world" / "truth" / "registrations.csv", index=False)
    return {
        "ZICHT_DATABASE_URL": url,
        "ZICHT_SECRET_KEY": base64.b64encode(key).decode(),
        "ZICHT_SECRET_KEY_FILE": "",
    }


def test_link_explain_export_evaluate(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["link", "--json"], env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["registrations"] > summary["persons"] > 0
    choice = summary["threshold_choice"]
    assert summary["threshold"] == choice["threshold"] >= 0.5
    assert choice["method"] == "expected_f1"
    assert 0 < choice["pairs_kept"] <= choice["pairs_scored"] == summary["pairs_scored"]

    result = runner.invoke(app, ["link"], env=env)
    assert result.exit_code == 0, result.output
    assert "unique persons" in result.output
    assert "Cluster sizes" in result.output
    assert "maximises the expected pairwise F1" in result.output

    out = tmp_path / "persons.csv"
    result = runner.invoke(app, ["link", "export", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    exported = pd.read_csv(out)
    assert list(exported.columns[:3]) == ["organisation", "source_record_id", "person_id"]

    result = runner.invoke(
        app, ["link", "evaluate", "--truth", str(tmp_path / "world"), "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    quality = json.loads(result.output)
    assert quality["pairwise_f1"] > 0.95
    assert quality["bcubed_f1"] > 0.95
    assert "maximises the expected pairwise F1" in quality["threshold"]
    result = runner.invoke(app, ["link", "evaluate", "--truth", str(tmp_path / "world")], env=env)
    assert result.exit_code == 0, result.output
    assert "Threshold: threshold" in result.output

    person = exported.groupby("person_id").size().idxmax()
    members = exported[exported["person_id"] == person]["registration_id"].tolist()
    result = runner.invoke(
        app, ["link", "explain", "--pair", str(members[0]), str(members[1])], env=env
    )
    assert result.exit_code == 0, result.output
    assert "Final match weight" in result.output
    assert "same person" in result.output
    assert "maximises the expected pairwise F1" in " ".join(result.output.split())
    assert "may not hold a person together alone" in " ".join(result.output.split())
    originals, _ = febrl_slice()
    surnames = {s for s in originals["surname"].dropna() if len(s) > 4}
    assert not any(s in result.output.lower() for s in surnames)

    result = runner.invoke(app, ["link", "explain", "--person", str(person)], env=env)
    assert result.exit_code == 0, result.output
    assert f"Person {person}" in result.output
    assert not any(s in result.output.lower() for s in surnames)

    result = runner.invoke(
        app,
        [
            "link",
            "explain",
            "--pair",
            str(members[0]),
            str(members[1]),
            "--show-identities",
            "--purpose",
            "test of the command",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "Identity values" in result.output
    names = set(originals["given_name"].dropna()) | set(originals["surname"].dropna())
    shown = set(result.output.lower().split())
    assert names & shown, result.output


def test_a_threshold_set_by_hand_is_kept_and_said(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["link", "--threshold", "0.95", "--json"], env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["threshold"] == 0.95
    assert summary["threshold_choice"]["method"] == "fixed"
    assert summary["threshold_choice"]["explanation"] == "threshold 0.95 set by hand"


def test_errors_are_one_line_exit_2(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    cases = [
        ["link", "--incremental"],
        ["link", "--backend", "oracle"],
        ["link", "explain"],
        ["link", "explain", "--person", "1"],
        ["link", "export", "--out", str(tmp_path / "x.csv")],
        ["link", "evaluate", "--truth", str(tmp_path / "nowhere")],
    ]
    for args in cases:
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert lines[0].startswith("zicht link"), lines
        assert "Traceback" not in result.output
