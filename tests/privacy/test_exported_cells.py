"""Every CSV and XLSX Zicht writes keeps formulas out (issue 11.4); a correction restores them.

Writers: the quarantine export (CLI and web), the correction form's file, the report's
CSV and XLSX, `zicht link export`.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import Engine

from zicht.access import Actor, Look
from zicht.ingest import default_mapping, export_quarantine, ingest_file
from zicht.linkage import export_persons
from zicht.monitor._model import PublishedTable, Report, Section
from zicht.monitor._render_csv import write_csv
from zicht.monitor._render_xlsx import write_xlsx
from zicht.privacy import Cipher
from zicht.store import linkage as link_store
from zicht.store import read_quarantine, read_records

TRIGGERS = "=+-@\t\r"
# Hostile cells of one bad row (its date does not exist); values as a partner sent them.
HOSTILE = {
    "source_record_id": '=HYPERLINK("http://evil.example","klik")',
    "given_names": "@SUM(1+1)*cmd|' /C calc'!A0",
    "family_name": "-2+3+cmd|' /C calc'!A0",
    "city": "'=already quoted",
    "phone": "+31 6 1234 5678",
}
BAD_DATE, GOOD_DATE = "2023-02-31", "2023-02-28"


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def assert_no_formula(cells: list[str]) -> None:
    for cell in cells:
        assert not cell or cell[0] not in TRIGGERS or _is_number(cell), repr(cell)


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def hostile_file(folder: Path) -> Path:
    path = folder / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["registration_date", "forms", *HOSTILE])
        writer.writerow([BAD_DATE, "labour", *HOSTILE.values()])
    return path


def ingest_police(engine: Engine, cipher: Cipher, path: Path) -> None:
    ingest_file(path, source="police", engine=engine, cipher=cipher, mapping=default_mapping())


def test_quarantine_export_is_neutralised_and_a_correction_restores_the_values(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    ingest_police(engine, cipher, hostile_file(tmp_path))
    export = tmp_path / "fix.csv"
    look = Look(Actor("steward"), "correct the rows")
    assert (
        export_quarantine(engine, cipher, "police", export, "victim_registration", look=look) == 1
    )
    rows = _read_csv(export)
    for row in rows:
        assert_no_formula(row)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["source_record_id"] == "'" + HOSTILE["source_record_id"]
    assert record["city"] == "''=already quoted"
    assert record["phone"] == "'+31 6 1234 5678"
    # The steward corrects the date (as in a spreadsheet) and ingests the file again.
    record["registration_date"] = GOOD_DATE
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        writer.writerow([record[column] for column in rows[0]])
    ingest_police(engine, cipher, export)
    assert read_quarantine(engine, source="police") == []
    stored = read_records(engine, cipher=cipher)
    assert len(stored) == 1
    for field, value in HOSTILE.items():
        assert stored.iloc[0][field] == value, field
    assert str(stored.iloc[0]["registration_date"])[:10] == GOOD_DATE


def _one_person_each(engine: Engine) -> None:
    """A finished link run in which every registration is a person of its own."""
    registrations = read_records(engine)["registration_id"].tolist()
    run_id = link_store.start_link_run(engine, mode="test", backend="none", parameters={})
    ids = link_store.allocate_person_ids(engine, run_id, len(registrations))
    assignments = pd.DataFrame({"registration_id": registrations, "person_id": ids})
    link_store.write_person_registrations(engine, run_id, assignments)
    persons = assignments.assign(registrations=1, suspicious=False, reasons=None)
    link_store.write_linked_persons(engine, run_id, persons.drop(columns="registration_id"))
    link_store.finish_link_run(
        engine,
        run_id,
        model={},
        timings={},
        metrics={},
        registrations=len(registrations),
        persons=len(ids),
    )


def test_link_export_neutralises_partner_record_ids(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "ok.csv"
    path.write_text(
        'source_record_id,registration_date,forms\n"=1+1",2023-01-01,labour\n-5,2023-01-01,labour\n',
        encoding="utf-8",
    )
    ingest_police(engine, cipher, path)
    _one_person_each(engine)
    out = tmp_path / "persons.csv"
    assert export_persons(engine, out) == 2
    rows = _read_csv(out)
    for row in rows:
        assert_no_formula(row)
    assert sorted(row[1] for row in rows[1:]) == ["'=1+1", "-5"]


_texts = st.text(alphabet=st.sampled_from("=+-@\t\r\n'a1., "), max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    title=_texts,
    header=st.lists(_texts, min_size=2, max_size=2),
    label=_texts,
    value=st.one_of(_texts, st.integers(-5, 5), st.none()),
    note=_texts,
)
def test_report_csv_and_xlsx_cells_cannot_start_a_formula(
    title: str, header: list[str], label: str, value: str | int | None, note: str
) -> None:
    table = PublishedTable("t1", title or "t", tuple(header), ((label, value),), note=note or None)
    report = Report("nl", 2023, title, "", "2024-01-01", [], [Section("s", "S", [], [table])], note)
    with tempfile.TemporaryDirectory() as folder:
        (path,) = write_csv(report, Path(folder))
        for row in _read_csv(path):
            assert_no_formula(row)
        workbook = load_workbook(write_xlsx(report, Path(folder) / "r.xlsx", None))
        for sheet in workbook.worksheets:
            for cells in sheet.iter_rows():
                for cell in cells:
                    assert cell.data_type != "f"
                    if isinstance(cell.value, str):
                        assert_no_formula([cell.value])
        workbook.close()
