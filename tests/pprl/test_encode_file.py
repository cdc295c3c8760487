"""Encoding at the source: the same validation as ingest, no identity value written."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zicht.cli import app
from zicht.ingest import IngestFileError, load_mapping
from zicht.pprl import (
    EncodedFileError,
    encode_file,
    is_encoded_file,
    new_secret,
    read_encoded,
    write_secret,
)
from zicht.pprl._fields import MARKS

EXAMPLES = Path(__file__).parents[2] / "examples"
SOURCE = EXAMPLES / "police_victims.csv"
MAPPING = EXAMPLES / "police_victims.mapping.yaml"
IDENTITY_COLUMNS = ("Voornaam", "Achternaam", "Geboortedatum", "Telefoon", "Plaats")
runner = CliRunner()


def _identity_values(path: Path) -> set[str]:
    with path.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    values = {row[c].strip() for row in rows for c in IDENTITY_COLUMNS}
    return {v for v in values if len(v) >= 3}


def _with_bad_row(tmp_path: Path) -> Path:
    path = tmp_path / "police.csv"
    shutil.copy(SOURCE, path)
    with path.open("a", encoding="cp1252", newline="") as handle:
        handle.write(
            "P-2023-0099;31-02-2023;SU;V;22;Polen;NL;Zbigniewa;Wrzosek;01-01-2001;0612;Ede\r\n"
        )
    return path


def test_encoded_file_holds_analytic_fields_and_no_identity(tmp_path: Path) -> None:
    secret = new_secret()
    source = _with_bad_row(tmp_path)
    out = tmp_path / "police.jsonl"
    result = encode_file(
        source, source="police", secret=secret, out=out, mapping=load_mapping(MAPPING)
    )
    # The example has four bad rows (4, 5, 6, 8), as `zicht ingest` finds; 9 is ours.
    assert (result.rows_read, result.encoded) == (9, 4)
    assert [r.row for r in result.refusals] == [4, 5, 6, 8, 9]
    # A bad row is reported by its number and rule, never by value.
    refusal = result.refusals[-1]
    assert "registration_date" in refusal.describe() and "Zbigniewa" not in refusal.describe()
    text = out.read_text(encoding="utf-8")
    leaked = {v for v in _identity_values(source) if v in text}
    assert not leaked, f"{len(leaked)} identity value(s) in clear"
    encoded = read_encoded(out, secret.secret_id)
    rows = list(encoded.rows)
    assert encoded.source == "police" and len(rows) == 4
    assert rows[0].record["forms"] == ["sexual_domestic"]
    # Format 3: the age travels as its band (the source's 19 is 18--20), never in years.
    assert rows[0].record["age_band"] == "18--20" and rows[0].record["minor"] is False
    assert not any("age" in r.record for r in rows)
    assert {"given_name", "family_name", "date_of_birth", "phone"} <= set(rows[0].encoding)


def test_a_file_encoded_with_another_secret_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "police.jsonl"
    encode_file(
        SOURCE, source="police", secret=new_secret(), out=out, mapping=load_mapping(MAPPING)
    )
    with pytest.raises(EncodedFileError, match="another secret"):
        read_encoded(out, new_secret().secret_id)


def test_an_unusable_file_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "police.jsonl"
    with pytest.raises(IngestFileError, match="missing required column"):
        encode_file(SOURCE, source="police", secret=new_secret(), out=out)
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_line_is_named(tmp_path: Path) -> None:
    secret = new_secret()
    out = tmp_path / "police.jsonl"
    encode_file(SOURCE, source="police", secret=secret, out=out, mapping=load_mapping(MAPPING))
    lines = out.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace('"encoding":{"given_name":"', '"encoding":{"given_name":"!!')
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(EncodedFileError, match="line 4"):
        list(read_encoded(out, secret.secret_id).rows)


def test_cli_secret_and_encode(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    assert runner.invoke(app, ["pprl", "secret", "new", "--out", str(secret)]).exit_code == 0
    assert runner.invoke(app, ["pprl", "secret", "new", "--out", str(secret)]).exit_code == 2
    out = tmp_path / "police.jsonl"
    args = ["pprl", "encode", str(_with_bad_row(tmp_path)), "--source", "police"]
    args += ["--mapping", str(MAPPING), "--secret", str(secret), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "row 9" in result.stderr or "rij 9" in result.stderr
    assert "Zbigniewa" not in result.output + result.stderr
    missing = runner.invoke(app, [*args[:4], "--secret", str(secret), "--out", str(out)])
    assert missing.exit_code == 2


def test_cli_refuses_a_file_that_is_not_a_secret(tmp_path: Path) -> None:
    bogus = tmp_path / "secret.json"
    bogus.write_text("{}")
    out = tmp_path / "x.jsonl"
    args = ["pprl", "encode", str(SOURCE), "--source", "police", "--mapping", str(MAPPING)]
    result = runner.invoke(app, [*args, "--secret", str(bogus), "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()
    write_secret(new_secret(), tmp_path / "good.json")


def test_worker_processes_write_the_same_file(tmp_path: Path) -> None:
    secret = new_secret()
    source = _with_bad_row(tmp_path)
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"police-{workers}.jsonl"
        result = encode_file(
            source,
            source="police",
            secret=secret,
            out=out,
            mapping=load_mapping(MAPPING),
            workers=workers,
        )
        assert (result.rows_read, result.encoded) == (9, 4)
        assert [r.row for r in result.refusals] == [4, 5, 6, 8, 9]
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]


def test_every_row_carries_its_marks_and_an_older_format_is_refused(tmp_path: Path) -> None:
    secret = new_secret()
    out = tmp_path / "police.jsonl"
    encode_file(SOURCE, source="police", secret=secret, out=out, mapping=load_mapping(MAPPING))
    rows = list(read_encoded(out, secret.secret_id).rows)
    assert rows and all(len(r.encoding[MARKS]) == 1 for r in rows)
    # Format 1 (no marks) is refused by name, with what to do, not read with wrong levels.
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["zicht_pprl"] = 1
    del header["fields"][MARKS]
    old = tmp_path / "old.jsonl"
    old.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    assert is_encoded_file(old)
    with pytest.raises(EncodedFileError, match=r"format 1.*encode the partner file again"):
        read_encoded(old, secret.secret_id)
    # Format 2 (the age in whole years) is refused the same way.
    header["zicht_pprl"] = 2
    header["fields"][MARKS] = 8
    two = tmp_path / "two.jsonl"
    two.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(EncodedFileError, match=r"format 2.*reads format 4.*encode the partner"):
        read_encoded(two, secret.secret_id)
    # Format 3 (names salted with the birth year, a salt tag) too; its hardening also
    # names a salt this version does not make.
    header["zicht_pprl"] = 3
    header["hardening"]["salt"] = "birth_year"
    three = tmp_path / "three.jsonl"
    three.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(EncodedFileError, match=r"format 3.*reads format 4.*encode the partner"):
        read_encoded(three, secret.secret_id)
