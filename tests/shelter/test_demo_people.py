"""The shelter demo names people by pseudonyms of stored victim registrations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from zicht.ingest import ingest_file
from zicht.privacy import Cipher
from zicht.shelter import ShelterError, fill_demo, registration_pseudonym
from zicht.store.shelter import ShelterRequestRow, ShelterRow


def _registrations(engine: Engine, cipher: Cipher, folder: Path) -> dict[str, str]:
    """35 labour registrations of the police and 5 sexual ones of KMar: pseudonym -> form."""
    made: dict[str, str] = {}
    for source, form, count in (("police", "labour", 35), ("kmar", "sexual_domestic", 5)):
        path = folder / f"{source}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source_record_id", "registration_date", "forms", "gender", "age"])
            for i in range(count):
                writer.writerow([f"{source}-{i}", "2025-05-01", form, "female", 30])
                made[registration_pseudonym(cipher, source, f"{source}-{i}")] = form
        assert ingest_file(path, source=source, engine=engine, cipher=cipher).stored == count
    return made


def test_every_person_of_a_request_is_a_stored_registration(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    known = _registrations(engine, cipher, tmp_path)
    demo = fill_demo(engine, cipher, seed=2, days=4)
    assert demo.requests > 0
    with engine.connect() as connection:
        rows = connection.execute(
            select(ShelterRequestRow.size, ShelterRequestRow.form, ShelterRequestRow.person_keys)
        ).all()
    assert len(rows) == demo.requests
    for size, form, keys in rows:
        assert len(keys) == size and set(keys) <= set(known)
        if size == 1:
            assert form == known[keys[0]]  # the request's form is the registration's
    group = [keys for size, _form, keys in rows if size > 1]
    assert len(group) == 1 and len(group[0]) == 30
    assert all(known[key] == "labour" for key in group[0])


def test_without_registrations_the_demo_says_so_and_adds_nothing(
    engine: Engine, cipher: Cipher
) -> None:
    with pytest.raises(ShelterError, match="victim registrations"):
        fill_demo(engine, cipher)
    with engine.connect() as connection:
        assert connection.execute(select(ShelterRow.id)).first() is None
