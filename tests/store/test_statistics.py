"""The store's aggregate queries against counts computed from the synthetic world's truth.

A small world (seed 7) is written and ingested as a partner would deliver it; every
aggregate of `zicht.store.statistics` is then compared with a count made in plain Python
from the world's truth files (registrations.csv: source, record, person, date and which
rows were written bad, with their rule), never from the store itself (issue 23).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from zicht.ingest import ingest_file, load_mapping, read_manifest
from zicht.privacy import Cipher
from zicht.store import VictimRegistrationRow, statistics
from zicht.store import linkage as link_store
from zicht.synth import generate_world

ORGANISATIONS = [
    "police",
    "kmar",
    "inspectorate",
    "fairwork",
    "care_coordinator",
    "shelter",
    "other",
    "comensha",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("statistics")
    generate_world(out, persons=300, seed=7)
    return out


def _truth(world: Path) -> list[dict[str, str]]:
    with (world / "truth" / "registrations.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ingest(world: Path, engine: Engine, cipher: Cipher) -> None:
    for entry in read_manifest(world / "world" / "manifest.json"):
        ingest_file(
            entry.file,
            source=entry.source,
            engine=engine,
            cipher=cipher,
            mapping=load_mapping(entry.mapping),
        )


def _good(truth: list[dict[str, str]], record_type: str) -> list[dict[str, str]]:
    return [r for r in truth if r["record_type"] == record_type and r["bad_row"] == "0"]


def _year(row: dict[str, str]) -> int:
    return dt.date.fromisoformat(row["registration_date"]).year


def test_aggregates_agree_with_the_truth(world: Path, engine: Engine, cipher: Cipher) -> None:
    _ingest(world, engine, cipher)
    truth = _truth(world)
    victims = _good(truth, "victim_registration")
    assert victims

    by_year_source: Counter[tuple[int, str]] = Counter()
    for row in statistics.victim_counts(engine):
        by_year_source[(int(row[0]), str(row[1]))] += int(row[-1])
    assert by_year_source == Counter((_year(r), r["source"]) for r in victims)

    suspects = _good(truth, "suspect_registration")
    registered = statistics.suspect_counts(engine)["registered"]
    assert registered == dict(Counter(_year(r) for r in suspects))

    rows, rules = statistics.quarantine_counts(engine)
    bad = [r for r in truth if r["bad_row"] == "1"]
    assert rows == dict(Counter(r["source"] for r in bad))
    assert rules == dict(Counter((r["source"], r["bad_rule"]) for r in bad))

    for year in sorted({_year(r) for r in victims}):
        missing = statistics.missing_fields(engine, year)
        expected = Counter(r["source"] for r in victims if _year(r) == year)
        assert {s: m["registrations"] for s, m in missing.items()} == dict(expected)


def test_capture_histories_agree_with_the_truth(
    world: Path, engine: Engine, cipher: Cipher
) -> None:
    """A link run that links exactly as the truth does gives the truth's capture histories."""
    _ingest(world, engine, cipher)
    victims = _good(_truth(world), "victim_registration")
    person_of = {(r["source"], r["source_record_id"]): r["person_id"] for r in victims}
    with engine.connect() as connection:
        stored = connection.execute(
            select(
                VictimRegistrationRow.id,
                VictimRegistrationRow.source,
                VictimRegistrationRow.source_record_id,
                VictimRegistrationRow.forms,
            )
        ).all()
    run_id = link_store.start_link_run(engine, mode="truth", backend="none", parameters={})
    truth_persons = sorted({person_of[(s.source, s.source_record_id)] for s in stored})
    ids = dict(
        zip(
            truth_persons,
            link_store.allocate_person_ids(engine, run_id, len(truth_persons)),
            strict=True,
        )
    )
    link_store.write_person_registrations(
        engine,
        run_id,
        pd.DataFrame(
            {
                "registration_id": [s.id for s in stored],
                "person_id": [ids[person_of[(s.source, s.source_record_id)]] for s in stored],
            }
        ),
    )

    bit = {code: 1 << i for i, code in enumerate(ORGANISATIONS)}
    masks: dict[tuple[int, str], int] = defaultdict(int)
    registrations: Counter[tuple[int, str]] = Counter()
    for r in victims:
        masks[(_year(r), r["person_id"])] |= bit[r["source"]]
        registrations[(_year(r), r["person_id"])] += 1
    expected: dict[int, dict[int, tuple[int, int]]] = {}
    for (year, person), mask in masks.items():
        persons, count = expected.setdefault(year, {}).get(mask, (0, 0))
        expected[year][mask] = (persons + 1, count + registrations[(year, person)])
    assert statistics.capture_masks(engine, run_id, ORGANISATIONS) == expected

    forms_of = {(s.source, s.source_record_id): str(s.forms).split(";") for s in stored}
    year = max(expected)
    per_form: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in victims:
        if _year(r) == year:
            for form in forms_of[(r["source"], r["source_record_id"])]:
                per_form[form][r["person_id"]] |= bit[r["source"]]
    assert statistics.form_masks(engine, run_id, ORGANISATIONS, year) == {
        form: dict(Counter(people.values())) for form, people in per_form.items()
    }
