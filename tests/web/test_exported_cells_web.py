"""The web's quarantine export and correction form keep formulas out and values intact (11.4)."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

from tests.privacy.test_exported_cells import (
    GOOD_DATE,
    HOSTILE,
    assert_no_formula,
    hostile_file,
    ingest_police,
)
from tests.web.conftest import WebWorld
from zicht.store import read_quarantine, read_records


def test_web_export_and_the_correction_form_keep_values_and_formulas_out(world: WebWorld) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ingest_police(world.engine, world.cipher, hostile_file(Path(folder)))
    client = world.client("data_steward")
    body = client.get("/quarantine/export.csv").text
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert len(rows) > 2 and HOSTILE["given_names"] in "".join(rows[-1])
    for row in rows:
        assert_no_formula(row)
    entry = next(
        e for e in read_quarantine(world.engine, source="police") if e.file_name == "hostile.csv"
    )
    page = client.get(f"/quarantine/{entry.id}").text
    labels = dict(re.findall(r'<label for="(cell-\d+)">([^<]+)</label>', page))
    form = dict.fromkeys(labels, "")
    for cell, label in labels.items():
        # "Registratiedatum (kolom registration_date)": the field's label, then the column
        named = re.search(r"\(kolom ([^)]+)\)$", label)
        column = named.group(1) if named else label
        form[cell] = {**HOSTILE, "registration_date": GOOD_DATE, "forms": "labour"}[column]
    fixed = client.post(
        f"/quarantine/{entry.id}",
        data={**form, "csrf_token": world.csrf(client)},
        follow_redirects=False,
    )
    assert fixed.status_code == 303
    stored = read_records(world.engine, cipher=world.cipher)
    row = stored[stored["source_record_id"] == HOSTILE["source_record_id"]]
    assert len(row) == 1
    for field, value in HOSTILE.items():
        assert row.iloc[0][field] == value, field
