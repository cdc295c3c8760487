"""`zicht ingest ENCODED.jsonl`: encoded registrations stored, another secret refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from zicht.cli import app
from zicht.ingest import IngestFileError, load_mapping
from zicht.pprl import (
    encode_file,
    ingest_encoded,
    is_encoded_file,
    new_secret,
    read_encoded,
    write_secret,
)
from zicht.store import IngestBatch, VictimRegistrationRow, read_records
from zicht.store.pprl import RegistrationEncodingRow, read_registration_encodings
from zicht.store.statistics import missing_fields

EXAMPLES = Path(__file__).parents[2] / "examples"
SOURCE = EXAMPLES / "police_victims.csv"
MAPPING = EXAMPLES / "police_victims.mapping.yaml"
runner = CliRunner()


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        registrations = session.scalar(select(func.count()).select_from(VictimRegistrationRow))
        encodings = session.scalar(select(func.count()).select_from(RegistrationEncodingRow))
        assert registrations == encodings
        return int(registrations or 0)


def test_encoded_registrations_are_stored_with_their_analytic_fields(
    engine: Engine, tmp_path: Path
) -> None:
    secret = new_secret()
    out = tmp_path / "police.jsonl"
    encode_file(SOURCE, source="police", secret=secret, out=out, mapping=load_mapping(MAPPING))
    assert is_encoded_file(out) and not is_encoded_file(SOURCE)
    rows = list(read_encoded(out, secret.secret_id).rows)
    result = ingest_encoded(out, source="police", engine=engine, secret=secret)
    assert (result.rows_read, result.new, result.quarantined) == (4, 4, 0)
    stored = read_records(engine).set_index("source_record_id")
    encodings = {e["registration_id"]: e for e in read_registration_encodings(engine)}
    assert sorted(stored.index) == sorted(r.record["source_record_id"] for r in rows)
    row = rows[0]
    first = stored.loc[row.record["source_record_id"]]
    assert first["forms"] == ";".join(row.record["forms"])
    assert first["registration_year"] == int(row.record["registration_date"][:4])
    assert first["gender"] == row.record["gender"]
    # The band the file carries is stored; the age in years never reached Zicht.
    bands = stored["age_band"].astype(object).where(stored["age_band"].notna(), None)
    assert bands.to_dict() == {
        "P-2023-0001": "18--20",  # 19 in the source
        "P-2023-0002": "30--38",  # 34
        "P-2023-0003": "9--17",  # no age: 17 from the date of birth
        "P-2023-0007": "24--26",  # 26
    }
    assert stored["age"].isna().all()
    # ... and the monitor's completeness table does not count the band as a missing age.
    assert missing_fields(engine, 2023)["police"]["age"] == 0
    encoding = encodings[int(first["registration_id"])]
    assert encoding["secret_id"] == secret.secret_id
    assert {k: bytes.fromhex(v) for k, v in encoding["encoding"].items()} == row.encoding
    # The same file again changes nothing; the batch is recorded.
    again = ingest_encoded(out, source="police", engine=engine, secret=secret)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(IngestBatch)) == 2


def test_another_secret_or_source_or_a_bad_record_stores_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    secret = new_secret()
    out = tmp_path / "police.jsonl"
    encode_file(SOURCE, source="police", secret=secret, out=out, mapping=load_mapping(MAPPING))
    with pytest.raises(IngestFileError, match="another secret"):
        ingest_encoded(out, source="police", engine=engine, secret=new_secret())
    with pytest.raises(IngestFileError, match="not 'kmar'"):
        ingest_encoded(out, source="kmar", engine=engine, secret=secret)
    lines = out.read_text(encoding="utf-8").splitlines()
    damaged = json.loads(lines[2])
    damaged["record"]["gender"] = "not-a-gender"
    lines[2] = json.dumps(damaged)
    out.write_text("\n".join([*lines, "{broken"]) + "\n", encoding="utf-8")
    with pytest.raises(IngestFileError, match="line 6"):
        ingest_encoded(out, source="police", engine=engine, secret=secret)
    assert _count(engine) == 0
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_encoded(out, source="police", engine=engine, secret=secret)
    assert (result.new, result.quarantined, dict(result.rules)) == (3, 1, {"gender:invalid": 1})


@pytest.mark.parametrize(
    ("band", "minor"), [("17--19", False), ("9--17", False), ("18--20", True), (18, False)]
)
def test_an_age_band_not_of_the_standard_or_against_the_minor_flag_is_refused(
    engine: Engine, tmp_path: Path, band: object, minor: bool
) -> None:
    secret = new_secret()
    out = tmp_path / "police.jsonl"
    encode_file(SOURCE, source="police", secret=secret, out=out, mapping=load_mapping(MAPPING))
    lines = out.read_text(encoding="utf-8").splitlines()
    damaged = json.loads(lines[1])
    damaged["record"].update(age_band=band, minor=minor)
    lines[1] = json.dumps(damaged)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_encoded(out, source="police", engine=engine, secret=secret)
    assert (result.new, result.quarantined, dict(result.rules)) == (3, 1, {"age_band:invalid": 1})


def test_cli_ingests_an_encoded_file(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = new_secret()
    secret_file = tmp_path / "secret.json"
    write_secret(secret, secret_file)
    out = tmp_path / "police.jsonl"
    encode_file(SOURCE, source="police", secret=secret, out=out, mapping=load_mapping(MAPPING))
    monkeypatch.setenv("ZICHT_DATABASE_URL", database_url)
    monkeypatch.delenv("ZICHT_PPRL_SECRET_FILE", raising=False)
    args = ["ingest", str(out), "--source", "police", "--json"]
    missing = runner.invoke(app, args)
    assert missing.exit_code == 2 and "ZICHT_PPRL_SECRET_FILE" in missing.stderr
    other = tmp_path / "other.json"
    write_secret(new_secret(), other)
    monkeypatch.setenv("ZICHT_PPRL_SECRET_FILE", str(other))
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "another secret" in refused.stderr
    monkeypatch.setenv("ZICHT_PPRL_SECRET_FILE", str(secret_file))
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output + result.stderr
    assert json.loads(result.stdout)["new"] == 4
