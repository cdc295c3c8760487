"""Command-line messages follow ZICHT_LANGUAGE: Dutch by default, English on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from zicht.cli import app
from zicht.store import head_revision

runner = CliRunner()
BAD_ROWS = b"source_record_id,registration_date,forms\nA-1,2023-13-45,labour\nA-2,,labour\n"


@pytest.fixture
def dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZICHT_LANGUAGE")  # the default, as a user without the setting has it


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = tmp_path / "zicht.key"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    monkeypatch.setenv("ZICHT_DATABASE_URL", f"sqlite:///{tmp_path / 'zicht.db'}")
    return tmp_path


@pytest.mark.usefixtures("dutch")
def test_errors_are_dutch_by_default(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--year", "2020", "--out", str(tmp_path), "--k", "0"])
    assert result.exit_code == 2
    assert result.stderr == "zicht report: fout: --k moet minstens 1 zijn\n"
    result = runner.invoke(
        app, ["report", "--year", "2020", "--out", str(tmp_path), "--lang", "de"]
    )
    assert result.stderr == "zicht report: fout: --lang moet een van en, nl zijn, niet 'de'\n"


def test_errors_in_english_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_LANGUAGE", "en")
    result = runner.invoke(app, ["report", "--year", "2020", "--out", str(tmp_path), "--k", "0"])
    assert result.stderr == "zicht report: error: --k must be at least 1\n"
    monkeypatch.setenv("ZICHT_LANGUAGE", "tlh")  # no catalogue: Dutch
    result = runner.invoke(app, ["report", "--year", "2020", "--out", str(tmp_path), "--k", "0"])
    assert result.stderr == "zicht report: fout: --k moet minstens 1 zijn\n"


@pytest.mark.usefixtures("dutch")
def test_summaries_are_dutch_with_dutch_numbers_and_plurals(store: Path) -> None:
    result = runner.invoke(app, ["report", "--year", "2020", "--out", str(store / "r")])
    assert result.stderr == (
        "zicht report: fout: de database is niet bijgewerkt: voer eerst `zicht db upgrade` uit\n"
    )
    upgraded = runner.invoke(app, ["db", "upgrade"])
    head = head_revision()
    assert upgraded.stdout == f"Database op revisie {head} (nieuwste: {head}).\n"
    bad = store / "bad.csv"
    bad.write_bytes(BAD_ROWS)
    result = runner.invoke(app, ["ingest", str(bad), "--source", "police"])
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert "2 regels in quarantaine: " in text
    assert (
        "Corrigeer ze met `zicht quarantine export --source police "
        "--record-type victim_registration --purpose DOEL --out FILE.csv`."
    ) in text
    assert "Geen geldige regels in bad.csv: er is niets opgeslagen." in text
    out = store / "fix.csv"
    export = ["quarantine", "export", "--source", "police", "--out", str(out)]
    result = runner.invoke(app, [*export, "--purpose", "correctie van de levering"])
    assert " ".join(result.stdout.split()) == (
        f"2 regels (victim_registration) van police uit de quarantaine geschreven naar {out}."
    )


@pytest.mark.usefixtures("dutch")
def test_synth_speaks_dutch(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--years", "2020-2016"])
    assert result.stderr == "zicht synth: fout: --years: het laatste jaar ligt vóór het eerste\n"
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--years", "2016-2017"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Synthetische wereld 'default' (seed 0)" in text
    assert "organisatie" in text and "soort registratie" in text
    assert "4.000 slachtoffers (" in text  # the default --persons 4000, written the Dutch way
