"""`zicht network`: clear errors with exit code 2, the ranking as JSON, an audited export."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from tests.network.world import fake_network_run
from zicht.access import search
from zicht.cli import app
from zicht.store import make_engine, upgrade

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    key = tmp_path / "zicht.key"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    monkeypatch.setenv("ZICHT_DATABASE_URL", url)
    monkeypatch.setenv("ZICHT_LANGUAGE", "en")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def test_errors_name_the_problem(database: str, tmp_path: Path) -> None:
    built = runner.invoke(app, ["network", "build"])
    assert built.exit_code == 2
    assert "no registrations or ads" in built.stderr
    ranked = runner.invoke(app, ["network", "rank"])
    assert ranked.exit_code == 2 and "no finished network run" in ranked.stderr
    bad = runner.invoke(app, ["network", "export", "--format", "pdf", "--out", "x.pdf"])
    assert bad.exit_code == 2 and "--format must be one of graphml, gexf, i2" in bad.stderr
    nowhere = tmp_path / "missing" / "g.graphml"
    lost = runner.invoke(app, ["network", "export", "--format", "gexf", "--out", str(nowhere)])
    assert lost.exit_code == 2 and "no such folder" in lost.stderr
    truth = runner.invoke(app, ["network", "evaluate", "--truth", str(tmp_path)])
    assert truth.exit_code == 2
    purpose = runner.invoke(
        app,
        [
            "network",
            "export",
            "--format",
            "i2",
            "--out",
            str(tmp_path / "x.zip"),
            "--show-identities",
        ],
    )
    assert purpose.exit_code == 2 and "--purpose" in purpose.stderr
    assert not (tmp_path / "x.zip").exists()


def test_rank_and_export(database: str, tmp_path: Path) -> None:
    engine = make_engine(database)
    run_id = fake_network_run(engine)
    ranked = runner.invoke(app, ["network", "rank", "--top", "2", "--json"])
    assert ranked.exit_code == 0, ranked.output
    shown = json.loads(ranked.stdout)
    assert shown["run_id"] == run_id
    assert [n["rank"] for n in shown["networks"]] == [1, 2]
    assert shown["networks"][0]["reasons"][0] == ["victims", 2]
    table = runner.invoke(app, ["network", "rank"])
    assert "2 victims; 1 minor" in table.stdout
    out = tmp_path / "g.graphml"
    exported = runner.invoke(app, ["network", "export", "--format", "graphml", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert nx.read_graphml(out).number_of_nodes() == 12  # 8 holders, 4 identifiers
    entries, total = search(engine, action="network_export")
    assert total == 1 and entries[0].actor.startswith("cli:")
    engine.dispose()
