"""The store's aggregates on a handful of rows whose counts are written by hand (issue 23).

Complements test_statistics.py (the synthetic world's truth): here every column of every
aggregate is checked, with a link run whose persons are chosen by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select, update

from zicht.ingest import default_mapping, ingest_file
from zicht.privacy import Cipher
from zicht.store import IngestBatch, VictimRegistrationRow, statistics
from zicht.store import linkage as link_store

POLICE = """\
source_record_id,registration_date,forms,age,gender,nationality,country_of_exploitation,date_of_birth
V1,2021-02-01,labour,17,female,RO,NL,
V2,2021-03-01,labour;sexual_domestic,30,unknown,,,
V3,2022-01-10,labour,,male,NL,NL,1850-01-01
"""
KMAR = """\
source_record_id,registration_date,forms,age,gender,nationality,country_of_exploitation
K1,2021-05-01,criminal;labour,40,male,PL,
K2,2021-06-01,labour,,unknown,,
K5,2021-07-01,labour,,unknown,,
K3,2021-13-01,labour,,unknown,,
K4,2021-14-01,labour,twintig,unknown,,
"""
REPORTS = """\
source_record_id,registration_date,forms
R1,2021-02-01,labour
R2,2021-03-01,labour
R3,2022-04-01,criminal
"""

# (year, source, forms, minor, age band, gender, nationality, count), by hand.
VICTIM_COUNTS = {
    (2021, "police", "labour", True, "9--17", "female", "RO", 1),
    (2021, "police", "sexual_domestic;labour", False, "30--38", "unknown", None, 1),
    (2022, "police", "labour", None, None, "male", "NL", 1),
    (2021, "kmar", "labour;criminal", False, "39--47", "male", "PL", 1),
    (2021, "kmar", "labour", None, None, "unknown", None, 2),
}
MISSING_2021 = {
    "police": {
        "registrations": 2,
        "age": 0,
        "nationality": 1,
        "gender": 1,
        "forms": 0,
        "country_of_exploitation": 1,
        "identity_flagged": 0,
    },
    "kmar": {
        "registrations": 3,
        "age": 2,
        "nationality": 2,
        "gender": 2,
        "forms": 0,
        "country_of_exploitation": 3,
        "identity_flagged": 0,
    },
}
MISSING_2022 = {
    "police": {
        "registrations": 1,
        "age": 1,
        "nationality": 0,
        "gender": 0,
        "forms": 0,
        "country_of_exploitation": 0,
        "identity_flagged": 1,  # the birth date of 1850 was left out and flagged
    }
}


def _ingest(engine: Engine, cipher: Cipher, folder: Path) -> None:
    for source, record_type, text in (
        ("police", "victim_registration", POLICE),
        ("kmar", "victim_registration", KMAR),
        ("police", "report", REPORTS),
    ):
        path = folder / f"{source}-{record_type}.csv"
        path.write_text(text, encoding="utf-8")
        mapping = default_mapping(record_type)
        ingest_file(path, source=source, engine=engine, cipher=cipher, mapping=mapping)


@pytest.fixture
def store(engine: Engine, cipher: Cipher, tmp_path: Path) -> Engine:
    _ingest(engine, cipher, tmp_path)
    return engine


def test_victim_counts_by_every_column(store: Engine) -> None:
    assert set(statistics.victim_counts(store)) == VICTIM_COUNTS
    assert len(statistics.victim_counts(store)) == len(VICTIM_COUNTS)


def test_forms_by_source_of_victims_and_reports(store: Engine) -> None:
    assert sorted(statistics.forms_by_source(store, "victim_registration", 2021)) == [
        ("kmar", "labour", 2),
        ("kmar", "labour;criminal", 1),
        ("police", "labour", 1),
        ("police", "sexual_domestic;labour", 1),
    ]
    assert statistics.forms_by_source(store, "report", 2021) == [("police", "labour", 2)]
    assert statistics.forms_by_source(store, "report", 2022) == [("police", "criminal", 1)]
    assert statistics.forms_by_source(store, "victim_registration", 2020) == []


def test_missing_fields_per_source_and_year(store: Engine) -> None:
    assert statistics.missing_fields(store, 2021) == MISSING_2021
    assert statistics.missing_fields(store, 2022) == MISSING_2022
    assert statistics.missing_fields(store, 2020) == {}


def test_quarantine_counts_rows_once_and_each_rule_once(store: Engine) -> None:
    rows, rules = statistics.quarantine_counts(store)
    # K3: a bad date; K4: a bad date and an age that is no number (two rules, one row).
    assert rows == {"kmar": 2}
    assert rules == {("kmar", "date"): 2, ("kmar", "integer"): 1}


def test_the_data_cut_off(engine: Engine, cipher: Cipher, tmp_path: Path) -> None:
    assert statistics.data_cutoff(engine) is None
    _ingest(engine, cipher, tmp_path)
    with engine.begin() as connection:
        connection.execute(update(IngestBatch).values(finished_at=dt.datetime(2023, 3, 4, 23, 59)))
    assert statistics.data_cutoff(engine) == dt.date(2023, 3, 4)
    with engine.begin() as connection:
        connection.execute(update(IngestBatch).values(finished_at=None))
    assert statistics.data_cutoff(engine) == dt.date(2022, 1, 10)  # V3, the newest


def _link_by_hand(engine: Engine) -> int:
    """P1: V1 and K1; P2: V2 (2021) and V3 (2022); P3: K2 and K5."""
    with engine.connect() as connection:
        ids = dict(
            connection.execute(
                select(VictimRegistrationRow.source_record_id, VictimRegistrationRow.id)
            ).all()
        )
    run_id = link_store.start_link_run(engine, mode="hand", backend="none", parameters={})
    p1, p2, p3 = link_store.allocate_person_ids(engine, run_id, 3)
    person = {"V1": p1, "K1": p1, "V2": p2, "K2": p3, "K5": p3, "V3": p2}
    link_store.write_person_registrations(
        engine,
        run_id,
        pd.DataFrame(
            {
                "registration_id": [ids[r] for r in person],
                "person_id": list(person.values()),
            }
        ),
    )
    return run_id


def test_capture_masks_by_hand(store: Engine) -> None:
    _link_by_hand(store)  # an earlier run: its persons must not count
    run_id = _link_by_hand(store)
    # police is bit 1, kmar bit 2: P1 both (two registrations), P2 police, P3 kmar (two);
    # P2 again in 2022: a history is per year.
    assert statistics.capture_masks(store, run_id, ["police", "kmar"]) == {
        2021: {3: (1, 2), 1: (1, 1), 2: (1, 2)},
        2022: {1: (1, 1)},
    }
    assert statistics.capture_masks(store, run_id, ["kmar", "police"]) == {
        2021: {3: (1, 2), 2: (1, 1), 1: (1, 2)},
        2022: {2: (1, 1)},
    }
    # an organisation that is not a list sets no bit
    assert statistics.capture_masks(store, run_id, ["police"]) == {
        2021: {1: (2, 3), 0: (1, 2)},
        2022: {1: (1, 1)},
    }


def test_form_masks_by_hand(store: Engine) -> None:
    _link_by_hand(store)  # an earlier run: its persons must not count
    run_id = _link_by_hand(store)
    # labour: P1 by police (V1) and kmar (K1), P2 by police, P3 by kmar; criminal: P1
    # by kmar; sexual_domestic: P2 by police.
    assert statistics.form_masks(store, run_id, ["police", "kmar"], 2021) == {
        "labour": {3: 1, 1: 1, 2: 1},
        "criminal": {2: 1},
        "sexual_domestic": {1: 1},
    }
    assert statistics.form_masks(store, run_id, ["police", "kmar"], 2022) == {"labour": {1: 1}}
    assert statistics.form_masks(store, run_id, ["police", "kmar"], 2020) == {}


def test_the_linkage_run_is_the_newest_finished_one(store: Engine) -> None:
    assert statistics.linkage_run(store) is None
    run_id = _link_by_hand(store)
    assert statistics.linkage_run(store) is None  # started, not finished
    link_store.finish_link_run(
        store, run_id, model={}, timings={}, metrics={}, registrations=6, persons=3
    )
    run = statistics.linkage_run(store)
    assert run is not None and (run.id, run.persons) == (run_id, 3)
