"""Reading a run's results: export, evaluation against ground truth, linked frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from zicht.linkage._evaluate import LinkageQuality, linkage_quality
from zicht.privacy import neutralise
from zicht.store import linkage as store

__all__ = [
    "ResultsError",
    "evaluate",
    "export_persons",
    "linked_registrations_frame",
    "person_table",
    "read_truth",
]


class ResultsError(LookupError):
    """No run, or no usable truth."""


def _run_id(engine: Engine, run_id: int | None) -> int:
    run = store.latest_link_run(engine) if run_id is None else store.read_link_run(engine, run_id)
    if run is None or run.status != "done":
        raise ResultsError("no finished link run; run `zicht link` first")
    return run.id


def person_table(engine: Engine, run_id: int | None = None) -> pd.DataFrame:
    """One row per registration: `source`, `source_record_id`, `person_id`, `registration_id`."""
    rows = store.read_person_registrations(engine, _run_id(engine, run_id))
    return rows[["source", "source_record_id", "person_id", "registration_id"]]


def export_persons(engine: Engine, out: Path, run_id: int | None = None) -> int:
    """Write the registration -> person CSV of a run; returns the number of rows."""
    table = person_table(engine, run_id).rename(columns={"source": "organisation"})
    # A partner's record id is text it chose: it must not start a spreadsheet formula.
    table["source_record_id"] = table["source_record_id"].astype(str).map(neutralise)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, lineterminator="\r\n")  # CRLF: a CR in a cell is quoted
    return len(table)


def read_truth(truth_dir: Path) -> pd.Series:
    """True person per (source, source_record_id) from a synthetic world's truth folder.

    Accepts the world folder, its `truth/` folder, or the CSV itself.
    """
    candidates = [
        truth_dir,
        truth_dir / "registrations.csv",
        truth_dir / "truth" / "registrations.csv",
    ]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        raise ResultsError(f"{truth_dir}: no truth/registrations.csv found")
    truth = pd.read_csv(path, dtype=str)
    missing = {"source", "source_record_id", "person_id"} - set(truth.columns)
    if missing:
        raise ResultsError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    if "record_type" in truth.columns:
        truth = truth[truth["record_type"] == "victim_registration"]
    return truth.set_index(["source", "source_record_id"])["person_id"]


def evaluate(engine: Engine, truth_dir: Path, run_id: int | None = None) -> LinkageQuality:
    """Pairwise and B-cubed quality of a run against synthetic ground truth."""
    found = person_table(engine, run_id).set_index(["source", "source_record_id"])["person_id"]
    truth = read_truth(truth_dir)
    common = found.index.intersection(truth.index)
    if common.empty:
        raise ResultsError("no registration of the run appears in the truth")
    return linkage_quality(found.loc[common], truth.loc[common])


def linked_registrations_frame(database_url: str) -> pd.DataFrame:
    """The registrations of the latest link run with their person, for estimation.

    Columns: person_id, organisation (source code), year (registration year), forms
    (';'-joined codes), minor (bool or None), gender, dutch (nationality == "NL").
    Empty (with these columns) when there is no finished run.
    """
    from zicht.store import make_engine

    engine = make_engine(database_url)
    try:
        rows = store.linked_registrations(engine)
    finally:
        engine.dispose()
    frame = pd.DataFrame(
        {
            "person_id": rows["person_id"].astype("int64"),
            "organisation": rows["organisation"].astype(object),
            "year": rows["year"].astype("int64"),
            "forms": rows["forms"].astype(object),
            "minor": rows["minor"].astype(object).where(rows["minor"].notna(), None),
            "gender": rows["gender"].astype(object),
            "dutch": (rows["nationality"] == "NL").astype(bool),
        }
    )
    return frame.reset_index(drop=True)


def unlinked_years(database_url: str) -> dict[int, int]:
    """Victim registrations per registration year that the latest link run lacks (stored
    after it), so that an estimate by year can say so instead of leaving a year out."""
    from zicht.store import make_engine

    engine = make_engine(database_url)
    try:
        return store.unlinked_registrations_by_year(engine)
    finally:
        engine.dispose()
