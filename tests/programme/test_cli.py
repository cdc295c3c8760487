"""`zicht programme`: import, export, figure, indicators, publish and report from the
command line, with one clear error line and exit code 2 when a job cannot be done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zicht.cli import app
from zicht.ingest import default_mapping, ingest_file
from zicht.privacy import Cipher
from zicht.programme import load_programme, seed_programme
from zicht.store import make_engine, upgrade


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_export_figure_publish_and_report(database: str, tmp_path: Path) -> None:
    code, out, _ = _run("programme", "import", "--database-url", database)
    assert code == 0 and "7 themes, 24 actions" in out and "(new)" in out
    code, out, _ = _run(
        "programme", "export", "--year", "2021", "--out", str(tmp_path), "--database-url", database
    )
    assert code == 0
    assert load_programme(tmp_path / "programme-2021.yaml") == seed_programme()
    code, _, _ = _run(
        "programme", "figure", "anonymous_reports", "41", "--source", "Fier jaarverslag",
        "--year", "2021", "--database-url", database,
    )  # fmt: skip
    assert code == 2  # computed from the reporting channel: not entered by hand
    # A programme may declare it manual (e.g. Fier's chat, which Zicht does not hold).
    exported = tmp_path / "programme-2021.yaml"
    exported.write_text(
        exported.read_text(encoding="utf-8").replace(
            "code: anonymous_reports\n  name: Anonieme meldingen (meldkanaal)\n  kind: computed",
            "code: anonymous_reports\n  name: Anonieme meldingen (meldkanaal)\n  kind: manual",
        ),
        encoding="utf-8",
    )
    code, out, _ = _run("programme", "import", str(exported), "--database-url", database)
    assert code == 0 and "(replaced)" in out
    code, _, _ = _run(
        "programme", "figure", "anonymous_reports", "41", "--source", "Fier jaarverslag",
        "--year", "2021", "--database-url", database,
    )  # fmt: skip
    assert code == 0
    code, out, _ = _run(
        "programme", "indicators", "--year", "2021", "--json", "--database-url", database
    )
    assert code == 0
    figures = {f["indicator"]: f for f in json.loads(out)}
    assert figures["anonymous_reports"]["value"] == 41
    assert figures["anonymous_reports"]["source"] == "Fier jaarverslag"
    assert figures["om_suspects"]["target"] == 205
    assert figures["municipalities_with_policy"]["value"] is None  # no round published
    code, _, _ = _run("programme", "publish", "--year", "2021", "--database-url", database)
    assert code == 0
    code, out, _ = _run(
        "programme", "report", "--year", "2021", "--out", str(tmp_path / "r"),
        "--database-url", database,
    )  # fmt: skip
    assert code == 0, out
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert names == [
        "gemeenten-2021.csv",
        "gemeenten-2021.svg",
        "programme-2021-nl.docx",
        "programme-2021-nl.pdf",
    ]


def test_errors_name_the_place_and_rule_and_exit_2(database: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    raw = seed_programme().model_dump(mode="json")
    raw["themes"][2]["actions"][1]["status"] = "finished"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    code, _, err = _run("programme", "import", str(bad), "--database-url", database)
    assert code == 2
    assert f"{bad}: themes.2.actions.1.status" in err
    code, _, err = _run(
        "programme", "report", "--year", "2019", "--out", str(tmp_path / "r"),
        "--database-url", database,
    )  # fmt: skip
    assert code == 2 and "no programme is stored for 2019" in err
    assert not (tmp_path / "r").exists()
    _run("programme", "import", "--database-url", database)
    code, _, err = _run(
        "programme", "figure", "om_suspects", "3", "--source", "x", "--year", "2021",
        "--database-url", database,
    )  # fmt: skip
    assert code == 2 and "computed from Zicht's data" in err


def test_indicators_print_the_labour_exploitation_table(
    database: str, cipher: Cipher, tmp_path: Path
) -> None:
    # 2021: FairWork 12 reports of labour alone, 3 of labour and crime; the police 2 of
    # labour (below k = 10: hidden, and so FairWork's cells too, as the total would give
    # them back); one 2020 report that is not counted.
    rows = [f"f{i},2021-02-{1 + i:02d},labour" for i in range(12)]
    rows += [f"g{i},2021-03-{1 + i:02d},criminal;labour" for i in range(3)]
    (tmp_path / "fairwork.csv").write_text(
        "source_record_id,registration_date,forms\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    (tmp_path / "police.csv").write_text(
        "source_record_id,registration_date,forms\n"
        "p1,2021-04-01,labour\np2,2021-04-02,labour\np3,2020-04-03,labour\n",
        encoding="utf-8",
    )
    engine = make_engine(database)
    for source in ("fairwork", "police"):
        ingest_file(
            tmp_path / f"{source}.csv",
            source=source,
            engine=engine,
            cipher=cipher,
            mapping=default_mapping("report"),
        )
    engine.dispose()
    _run("programme", "import", "--database-url", database)
    code, out, _ = _run("programme", "indicators", "--year", "2021", "--database-url", database)
    assert code == 0
    title = "Reports of labour exploitation per organisation and definition, 2021"
    assert title in out, out
    table = out.split(title)[1]
    assert "Reports naming labour exploitation" in table
    assert "cannot be added up" in table
    cells = {
        line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
        for line in table.splitlines()
        if line.count("│") == 5
    }
    # (named, only, victims) counted by hand; a shown cell is the count or x, the
    # police's 2 are hidden (below k), and so is FairWork's or the total's named count,
    # which would give them back
    truth = {
        "FairWork": ["15", "12", "0"],
        "National Police (AVIM)": ["2", "2", "0"],
        "Total": ["17", "14", "0"],
    }
    assert set(cells) == set(truth)
    for name, counts in truth.items():
        assert all(shown in (count, "x") for shown, count in zip(cells[name], counts, strict=True))
    assert cells["National Police (AVIM)"] == ["x", "x", "0"]
    assert "x" in (cells["FairWork"][0], cells["Total"][0])
