"""The bad-input corpus through `zicht ingest`: one clear line and exit 2, or every row kept.

For each case of tests/ingest/corpus/cases.json (its oracle, counted by hand): either
exactly one stderr line `zicht ingest: error: ...` holding the expected text, exit 2
and nothing stored; or rows read, stored and quarantined as expected, with stored +
quarantined = read, and the store holding exactly that. Never a traceback.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.ingest.corpus.generated import write_generated
from tests.ingest.corpus.make_corpus import write_committed
from zicht.cli import app
from zicht.privacy import generate_key
from zicht.store import IngestBatch, QuarantineRow, VictimRegistrationRow, make_engine, upgrade

CORPUS = Path(__file__).parent / "corpus"
CASES: dict[str, dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text("utf-8"))


def test_the_corpus_is_large_enough() -> None:
    committed = [path for path in (CORPUS / "files").iterdir() if path.is_file()]
    assert len(CASES) >= 80 and len(committed) >= 80
    assert max(path.stat().st_size for path in committed) < 100_000


def test_the_committed_corpus_is_what_the_script_writes(tmp_path: Path) -> None:
    write_committed(tmp_path / "files", tmp_path / "cases.json")
    assert (tmp_path / "cases.json").read_bytes() == (CORPUS / "cases.json").read_bytes()
    written = {path.name: path.read_bytes() for path in (tmp_path / "files").iterdir()}
    committed = {path.name: path.read_bytes() for path in (CORPUS / "files").iterdir()}
    assert written == committed


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    write_generated(folder)
    return folder


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "zicht.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _stored(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            batches, records, quarantine = (
                int(connection.execute(select(func.count()).select_from(m)).scalar_one())
                for m in (IngestBatch, VictimRegistrationRow, QuarantineRow)
            )
    finally:
        engine.dispose()
    return batches, records, quarantine


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_case(name: str, generated: Path, empty_store: Path, tmp_path: Path) -> None:
    case = CASES[name]
    folder = generated if case["generated"] else CORPUS / "files"
    database = tmp_path / "zicht.db"
    shutil.copy(empty_store, database)
    url = f"sqlite:///{database}"
    arguments = ["ingest", str(folder / case["file"]), "--source", "police", "--json"]
    if case["mapping"]:
        arguments += ["--mapping", str(CORPUS / "files" / case["mapping"])]
    key = base64.b64encode(generate_key()).decode()
    env = {"ZICHT_DATABASE_URL": url, "ZICHT_SECRET_KEY": key, "ZICHT_SECRET_KEY_FILE": ""}
    result = CliRunner().invoke(app, arguments, env=env)
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    outcome = case["outcome"]
    if "error" in outcome:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert (result.exit_code, len(lines)) == (2, 1), result.stderr
        assert lines[0].startswith("zicht ingest: error: ")
        assert outcome["error"] in lines[0]
        assert _stored(url) == (0, 0, 0)
        return
    assert result.stderr == ""
    counts = json.loads(result.stdout)
    read, stored, quarantined = counts["rows_read"], counts["stored"], counts["quarantined"]
    assert (read, stored, quarantined) == (
        outcome["read"],
        outcome["stored"],
        outcome["quarantined"],
    )
    assert stored + quarantined == read
    assert result.exit_code == (1 if read and not stored else 0)
    batches, records, entries = _stored(url)
    assert (batches, records) == (1, counts["new"])
    assert (entries > 0) == (quarantined > 0) and entries <= quarantined
