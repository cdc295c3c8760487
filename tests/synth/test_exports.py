"""Written worlds: the layout contract, same seed same bytes, and identity noise present."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
from anyascii import anyascii
from openpyxl import load_workbook

from zicht.synth import WorldSummary, generate_world

TRUTH_FILES = (
    "registrations.csv",
    "persons.csv",
    "networks.csv",
    "victims_by_stratum.csv",
    "victims_by_year.csv",
    "capture_probabilities.csv",
    "prosecutor_by_year.csv",
    "scenario.yaml",
    "capture_histories_all.csv",
    "capture_histories_2016.csv",
    "capture_histories_2023.csv",
)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate_world(tmp_path / "a", persons=1200, seed=3)
    generate_world(tmp_path / "b", persons=1200, seed=3)
    first, second = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert first == second
    assert any(name.endswith(".xlsx") for name in first)
    generate_world(tmp_path / "c", persons=1200, seed=4)
    assert _digests(tmp_path / "c") != first


def test_layout(written_world: tuple[Path, WorldSummary]) -> None:
    out, summary = written_world
    manifest = json.loads((out / "world" / "manifest.json").read_text(encoding="utf-8"))
    assert [entry["file"] for entry in manifest] == sorted(entry["file"] for entry in manifest)
    sources = {entry["source"] for entry in manifest}
    assert sources == {
        "police", "kmar", "inspectorate", "fairwork", "care_coordinator", "shelter", "other",
        "comensha",
    }  # fmt: skip
    formats = {entry["file"].rsplit(".", 1)[1] for entry in manifest}
    assert formats >= {"csv", "tsv", "xlsx", "jsonl"}
    assert {entry["record_type"] for entry in manifest} == {
        "victim_registration", "suspect_registration", "report",
    }  # fmt: skip
    for entry in manifest:
        assert (out / "world" / entry["file"]).is_file()
        mapping = (out / "world" / entry["mapping"]).read_text(encoding="utf-8")
        assert f"source: {entry['source']}" in mapping
        assert f"record_type: {entry['record_type']}" in mapping
        assert entry["bad_rows"] == len(entry["bad_row_numbers"]) == len(entry["bad_rows_detail"])
        assert all(1 <= n <= entry["rows"] for n in entry["bad_row_numbers"])
    assert sum(entry["rows"] for entry in manifest) == summary.registrations
    for name in TRUTH_FILES:
        assert (out / "truth" / name).is_file(), name
    truth = pd.read_csv(out / "truth" / "registrations.csv", keep_default_na=False)
    assert len(truth) == summary.registrations
    assert truth["bad_row"].sum() == summary.bad_rows
    assert set(truth["file"]) == {entry["file"] for entry in manifest}
    victims = truth[truth["record_type"] == "victim_registration"]
    assert victims["person_id"].str.startswith("V").all()
    # several registrations of one person by one organisation have their own ids
    repeated = victims.groupby(["source", "person_id"]).size()
    assert (repeated > 1).any()


def test_xlsx_reads_without_warnings(written_world: tuple[Path, WorldSummary]) -> None:
    out, _ = written_world
    workbook = load_workbook(out / "world" / "police" / "suspects.xlsx", read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert rows[0][0] == "Registratienummer"
    assert len(rows) > 10


def test_identity_noise_is_present(written_world: tuple[Path, WorldSummary]) -> None:
    out, _ = written_world
    truth = pd.read_csv(out / "truth" / "registrations.csv", keep_default_na=False)
    persons = pd.read_csv(out / "truth" / "persons.csv", keep_default_na=False, low_memory=False)
    other = pd.read_json(out / "world" / "other" / "victims.jsonl", lines=True, dtype=False)
    kmar = pd.read_json(out / "world" / "kmar" / "victims.jsonl", lines=True, dtype=False)
    frames = [
        other.rename(columns={"source_record_id": "id"})[["id", "given_names", "family_name"]],
        kmar.rename(columns={"caseId": "id", "givenNames": "given_names",
                             "surname": "family_name"})[["id", "given_names", "family_name"]],
    ]  # fmt: skip
    registered = pd.concat(frames, ignore_index=True).merge(
        truth[["source_record_id", "person_id"]], left_on="id", right_on="source_record_id"
    )
    registered = registered.merge(
        persons[["person_id", "true_given_names", "true_family_name"]], on="person_id"
    )
    family = registered.dropna(subset=["family_name"])
    differs = family["family_name"] != family["true_family_name"]
    assert 0.02 < differs.mean() < 0.6
    # spelling variants: the same name in other letters (diacritics dropped or folded)
    variant = [
        anyascii(got).lower()[:3] == anyascii(true).lower()[:3] and got != true
        for got, true in zip(family["family_name"], family["true_family_name"], strict=True)
    ]
    assert any(variant)
    assert not family["family_name"].str.contains("[а-яіїє]", regex=True).any()
    # the same person registered more than once by the same organisation
    assert truth.duplicated(["source", "person_id"]).any()
