"""`zicht link` over plain and encoded registrations in one run (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.linkage.conftest import MAPPING, febrl_slice, ingest_frame, truth_of
from zicht.cli import app
from zicht.ingest import load_mapping
from zicht.linkage import LinkageError, explain_person, linkage_quality, person_table
from zicht.pprl import (
    LinkageSecret,
    encode_file,
    has_encodings,
    ingest_encoded,
    new_secret,
    run_encoded_linkage,
    write_secret,
)
from zicht.privacy import Cipher
from zicht.store import linkage as store

runner = CliRunner()


def _joint_store(engine: Engine, cipher: Cipher, tmp_path: Path) -> tuple[LinkageSecret, set[str]]:
    """FEBRL4 originals delivered plain, their duplicates delivered encoded."""
    originals, duplicates = febrl_slice()
    assert ingest_frame(originals, tmp_path / "a.csv", engine, cipher) == len(originals)
    # A fixed key: which pairs link depends on it, and the test has a quality bar.
    secret = LinkageSecret(hashlib.sha256(b"zicht tests: joint run").digest())
    plain = tmp_path / "b.csv"
    duplicates.reset_index().to_csv(plain, index=False)
    out = tmp_path / "b.jsonl"
    encode_file(plain, source="other", secret=secret, out=out, mapping=load_mapping(MAPPING))
    stored = ingest_encoded(out, source="other", engine=engine, secret=secret)
    assert stored.new == len(duplicates)
    values = {
        str(v) for c in ("given_name", "surname") for v in originals[c].dropna() if len(str(v)) > 3
    }
    return secret, values


def test_plain_and_encoded_registrations_link_in_one_run(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    secret, values = _joint_store(engine, cipher, tmp_path)
    assert has_encodings(engine)
    summary = run_encoded_linkage(engine, cipher, secret)
    run = store.read_link_run(engine, summary.run_id)
    assert run is not None and run.status == "done"
    assert run.parameters["linked_on"] == "encodings"
    found = person_table(engine).set_index("source_record_id")
    assert len(found) == summary.registrations == 2 * len(febrl_slice()[0])
    quality = linkage_quality(found["person_id"], truth_of(found.index))
    # Every FEBRL duplicate is linked to its original across the plain/encoded divide.
    assert quality.pairwise_f1 >= 0.95 and quality.bcubed_f1 >= 0.97
    # Explanations hold similarity levels and weights, never values.
    person = int(found.loc["rec-0-org", "person_id"])
    explanation = explain_person(engine, person)
    assert explanation.links and explanation.links[0].bars
    text = json.dumps([[b.comparison, b.level] for link in explanation.links for b in link.bars])
    assert not {v for v in values if v in text}


def test_encodings_of_another_secret_are_refused(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    _joint_store(engine, cipher, tmp_path)
    with pytest.raises(LinkageError, match="another secret"):
        run_encoded_linkage(engine, cipher, new_secret())
    assert store.latest_link_run(engine) is None


def test_cli_links_on_encodings_only_with_the_secret(
    database_url: str,
    engine: Engine,
    cipher: Cipher,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret, _ = _joint_store(engine, cipher, tmp_path)
    monkeypatch.setenv("ZICHT_DATABASE_URL", database_url)
    # Both refusals come before any identity is decrypted: any key will do.
    key = tmp_path / "zicht.key"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    monkeypatch.delenv("ZICHT_PPRL_SECRET_FILE", raising=False)
    refused = runner.invoke(app, ["link", "--json"])
    assert refused.exit_code == 2 and "ZICHT_PPRL_SECRET_FILE" in refused.stderr
    assert store.latest_link_run(engine) is None
    secret_file = tmp_path / "secret.json"
    write_secret(secret, secret_file)
    monkeypatch.setenv("ZICHT_PPRL_SECRET_FILE", str(secret_file))
    incremental = runner.invoke(app, ["link", "--incremental"])
    assert incremental.exit_code == 2 and "always full" in incremental.stderr
