"""How long `zicht.monitor.build_report` takes: the demo world and 1,000,000 registrations.

Prints JSON. Linkage is excluded from both timings: the demo world is linked from
its ground truth, and the large store gets a finished link run written directly.

The 1M store is not ingested (that would measure ingest): synthetic *analytic* rows
(no identities) are bulk-inserted with SQLAlchemy core into a fresh SQLite database
migrated to head, together with an ingest batch, quarantined rows, suspects and a
link run mapping every registration to a person.

    .venv/bin/python benchmarks/bench_report.py [--registrations 1000000] [--skip-demo]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from zicht.monitor import build_report
from zicht.store import (
    IngestBatch,
    QuarantineRow,
    SuspectRegistrationRow,
    VictimRegistrationRow,
    make_engine,
    upgrade,
)
from zicht.store import linkage as link_store

ORGANISATIONS = ("police", "care_coordinator", "fairwork", "inspectorate", "kmar", "shelter")
CAPTURE = np.array([0.35, 0.3, 0.25, 0.1, 0.08, 0.05])
FORMS = ("sexual_domestic", "sexual_cross_border", "labour", "criminal", "organ_removal", "other")
FORM_P = np.array([0.35, 0.15, 0.32, 0.15, 0.003, 0.027])
GENDERS = ("female", "male", "transgender_female", "non_conforming", "unknown")
GENDER_P = np.array([0.6, 0.37, 0.01, 0.005, 0.015])
COUNTRIES = ("NL", "RO", "PL", "BG", "NG", "UA", "HU", "CN", "VN", "ER", "MA", "BR", "IN")
BANDS = (
    (0, 8, "0--8"),
    (9, 17, "9--17"),
    (18, 20, "18--20"),
    (21, 23, "21--23"),
    (24, 26, "24--26"),
    (27, 29, "27--29"),
    (30, 38, "30--38"),
    (39, 47, "39--47"),
    (48, 200, "48+"),
)
YEARS = tuple(range(2016, 2024))
CHUNK = 50_000


def _band(age: int) -> str:
    return next(code for low, high, code in BANDS if low <= age <= high)


def build_large_store(path: Path, registrations: int, seed: int = 1) -> dict[str, int]:
    """A migrated SQLite store with about `registrations` victim registrations, linked."""
    rng = np.random.default_rng(seed)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    # Registrations per person: the captures, plus one forced for a person no list caught.
    expected_per_person = float(CAPTURE.sum() + np.prod(1 - CAPTURE))
    persons = int(registrations / expected_per_person)
    captured = rng.random((persons, len(ORGANISATIONS))) < CAPTURE
    none = ~captured.any(axis=1)
    captured[none, rng.integers(0, len(ORGANISATIONS), none.sum())] = True
    person_of, organisation_of = np.nonzero(captured)
    n = len(person_of)
    year = rng.choice(YEARS, persons)[person_of]
    age = np.clip(rng.normal(30, 10, persons).astype(int), 12, 80)[person_of]
    age_known = rng.random(n) > 0.05
    form = rng.choice(len(FORMS), persons, p=FORM_P)[person_of]
    second = rng.random(n) < 0.05
    gender = rng.choice(len(GENDERS), persons, p=GENDER_P)[person_of]
    country = rng.choice(len(COUNTRIES), persons, p=_country_p())[person_of]
    nationality_known = rng.random(n) > 0.03
    day = rng.integers(0, 365, n)
    now = dt.datetime(2024, 2, 1, 12, 0)
    with engine.begin() as connection:
        connection.execute(
            insert(IngestBatch),
            [
                {
                    "id": 1,
                    "source": "bulk",
                    "record_type": "victim_registration",
                    "file_name": "bulk",
                    "file_sha256": "0" * 64,
                    "started_at": now,
                    "finished_at": now,
                }
            ],
        )
    rows = []
    for i in range(n):
        forms = FORMS[form[i]]
        if second[i] and form[i] != 2:
            forms = ";".join(sorted({forms, "labour"}, key=FORMS.index))
        a = int(age[i]) if age_known[i] else None
        rows.append(
            {
                "id": i + 1,
                "source": ORGANISATIONS[organisation_of[i]],
                "source_record_id": f"R{i:08d}",
                "registration_date": dt.date(int(year[i]), 1, 1) + dt.timedelta(days=int(day[i])),
                "registration_year": int(year[i]),
                "forms": forms,
                "identity": None,
                "content_hash": "0" * 64,
                "batch_id": 1,
                "updated_at": now,
                "victim_status": "possible",
                "sectors": "",
                "means_of_control": "",
                "gender": GENDERS[gender[i]],
                "age": a,
                "age_band": _band(a) if a is not None else None,
                "minor": (a < 18) if a is not None else None,
                "nationality": COUNTRIES[country[i]] if nationality_known[i] else None,
                "country_of_exploitation": "NL",
            }
        )
        if len(rows) == CHUNK:
            _insert(engine, VictimRegistrationRow, rows)
    _insert(engine, VictimRegistrationRow, rows)
    suspects = [
        {
            "id": j + 1,
            "source": "om",
            "source_record_id": f"S{j:07d}",
            "registration_date": dt.date(int(y), 6, 1),
            "registration_year": int(y),
            "forms": "labour",
            "identity": None,
            "content_hash": "0" * 64,
            "batch_id": 1,
            "updated_at": now,
            "role": "exploiter",
            "gender": "male",
            "referred_to_prosecutor": bool(rng.random() < 0.6),
            "prosecutor_date": None,
        }
        for j, y in enumerate(rng.choice(YEARS, registrations // 50))
    ]
    suspect_count = len(suspects)
    _insert(engine, SuspectRegistrationRow, suspects)
    rules = ("required", "date", "code", "range")
    quarantine = [
        {
            "batch_id": 1,
            "source": ORGANISATIONS[j % len(ORGANISATIONS)],
            "record_type": "victim_registration",
            "file_name": "bulk",
            "row_number": j,
            "errors": [{"field": "age", "rule": rules[j % len(rules)]}],
            "original": b"",
            "original_hash": f"{j:064d}",
            "status": "open",
            "created_at": now,
        }
        for j in range(registrations // 100)
    ]
    _insert(engine, QuarantineRow, quarantine)
    run = link_store.start_link_run(engine, mode="full", backend="bulk", parameters={})
    ids = link_store.allocate_person_ids(engine, run, persons)
    id_array = np.asarray(ids)[person_of]
    mapping = [
        {"run_id": run, "registration_id": i + 1, "person_id": int(id_array[i])} for i in range(n)
    ]
    for start in range(0, n, CHUNK):
        _insert(engine, link_store.PersonRegistrationRow, mapping[start : start + CHUNK])
    link_store.finish_link_run(
        engine, run, model={}, timings={}, metrics={}, registrations=n, persons=persons
    )
    engine.dispose()
    return {"registrations": n, "persons": persons, "suspects": suspect_count}


def _country_p() -> np.ndarray:
    weights = np.array([30, 15, 10, 8, 6, 5, 4, 3, 3, 2, 2, 1, 1], dtype=float)
    return weights / weights.sum()


def _insert(engine: object, table: object, rows: list[dict[str, object]]) -> None:
    if rows:
        with engine.begin() as connection:  # type: ignore[attr-defined]
            connection.execute(insert(table), rows)  # type: ignore[arg-type]
        rows.clear()


def _timed_report(url: str, year: int, out: Path) -> dict[str, object]:
    engine = make_engine(url)
    started = time.perf_counter()
    summary = build_report(engine, year=year, out=out, lang="nl")
    seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "seconds": round(seconds, 2),
        "timings": summary.timings,
        "registrations_in_year": summary.registrations,
        "persons_in_year": summary.persons,
        "estimate": summary.estimate,
        "cells": summary.cells,
        "suppressed_primary": summary.suppressed_primary,
        "suppressed_secondary": summary.suppressed_secondary,
    }


def bench_demo(folder: Path) -> dict[str, object]:
    """The default demo world (4,000 persons), ingested and linked from its truth."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.monitor.conftest import ingest_world, link_from_truth

    from zicht.privacy import Cipher, generate_key
    from zicht.synth import DEFAULT_PERSONS, generate_world

    generate_world(folder / "world", persons=DEFAULT_PERSONS, seed=1)
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    ingest_world(engine, Cipher(generate_key()), folder / "world")
    link_from_truth(engine, folder / "world")
    engine.dispose()
    result = _timed_report(url, 2021, folder / "report")
    return {"world": f"demo, {DEFAULT_PERSONS} persons, seed 1", **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        if not args.skip_demo:
            results["demo"] = bench_demo(folder / "demo")
        if not args.skip_large:
            started = time.perf_counter()
            sizes = build_large_store(folder / "large.db", args.registrations)
            build = round(time.perf_counter() - started, 1)
            report = _timed_report(f"sqlite:///{folder / 'large.db'}", 2021, folder / "large")
            results["large"] = {**sizes, "store_build_seconds": build, **report}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
