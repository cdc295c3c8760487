"""The shelter figures of a year: the dashboard, the report (CSV/HTML/XLSX from one
model), the shelter page's service and the API publish the same value for every cell,
through the one publication step; published values are the true counts of what happened.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine, text

from tests.shelter.conftest import CASEWORKER, COORDINATOR, STAFF_A
from tests.web.conftest import web_on
from zicht.ingest import ingest_file
from zicht.monitor import build_report, dashboard_figures
from zicht.privacy import Cipher
from zicht.shelter import (
    RequestInput,
    accept,
    discharge,
    make_request,
    refuse,
    reserve,
    set_availability,
    shelter_figures,
)
from zicht.web.i18n import Translator
from zicht.web.routers.dashboard import figures_html

YEAR = 2025
DAY = dt.datetime(YEAR, 6, 10, 9)


def _registrations(engine: Engine, cipher: Cipher, folder: Path) -> None:
    path = folder / "police.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_record_id", "registration_date", "forms", "gender", "age"])
        for i in range(12):
            writer.writerow([f"r{i}", f"{YEAR}-03-{1 + i:02d}", "labour", "female", 30])
    assert ingest_file(path, source="police", engine=engine, cipher=cipher).stored == 12


def _happen(engine: Engine) -> None:
    """24 people asked for in Rotterdam (labour): 20 accepted within an hour, 2 after ten
    hours, 2 refused for language; 5 of them leave two days later."""
    set_availability(engine, COORDINATOR, "a", "crisis_labour", 30, 30)
    set_availability(engine, COORDINATOR, "c", "crisis_labour", 0, 0)
    request_id = make_request(
        engine,
        CASEWORKER,
        RequestInput("crisis_labour", 24, "rotterdam", "labour", urgency="days"),
        now=DAY,
    )
    placed = reserve(engine, COORDINATOR, request_id, now=DAY).placed
    assert len(placed) == 24 and {p.shelter_code for p in placed} == {"a"}
    for i, placement in enumerate(placed):
        if i < 20:
            accept(engine, STAFF_A, placement.reservation_id, now=DAY + dt.timedelta(hours=1))
        elif i < 22:
            accept(engine, STAFF_A, placement.reservation_id, now=DAY + dt.timedelta(hours=10))
        else:
            refuse(engine, STAFF_A, placement.reservation_id, "language", now=DAY)
    for placement in placed[:5]:
        discharge(engine, STAFF_A, placement.reservation_id, now=DAY + dt.timedelta(days=2))
    with engine.begin() as connection:
        connection.execute(text("UPDATE shelter_request SET created_at = :at"), {"at": DAY})


def _csv(folder: Path, name: str) -> dict[str, list[str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        return {row[0]: row[1:] for row in list(csv.reader(handle))[1:]}


def _shown(value: int | None) -> str:
    return "x" if value is None else str(value)


def test_dashboard_report_and_page_publish_the_same_shelter_cells(
    places: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    _registrations(places, cipher, tmp_path)
    _happen(places)
    counts = dashboard_figures(places, {})
    dashboard = counts.shelter
    summary = build_report(places, year=YEAR, out=tmp_path / "report", lang="en", k=10)
    page = shelter_figures(places, today=dt.date(YEAR, 12, 31))
    assert dashboard is not None and dashboard.year == YEAR

    # The truth, written by hand: every published value is true; 2 is suppressed and
    # cannot be given back by the total minus the other bands.
    truth = {"under_4h": 20, "4h_24h": 2, "1d_3d": 0, "over_3d": 0, "*": 22}
    assert all(dashboard.waits[c] in (None, n) for c, n in truth.items())
    assert dashboard.waits["4h_24h"] is None
    assert dashboard.waits["under_4h"] is None or dashboard.waits["*"] is None
    assert dashboard.placements[("rotterdam", "labour")] == 22
    assert dashboard.refusals["language"] is None and dashboard.refusals["*"] is None
    assert list(dashboard.occupancy) == [
        dt.date(YEAR, 12, 31) - dt.timedelta(days=n) for n in range(13, -1, -1)
    ]
    assert set(dashboard.occupancy.values()) == {17}

    # the dashboard page draws those cells: a chart with its table per figure
    html = str(figures_html(Translator("en"), counts))
    assert "Refusals by reason, 2025" in html and "Placements by region, 2025" in html
    assert '<th scope="row">rotterdam</th><td class="numeric">22</td>' in html

    # /api/dashboard gives the same cells under their codes
    client = web_on(places, cipher, tmp_path).client("analyst")
    api = client.get("/api/dashboard").json()["shelter"]
    assert api["year"] == YEAR
    assert api["placements_by_region"]["rotterdam"] == 22
    assert api["placements_by_form"]["labour"] == 22
    assert api["placements_by_waiting_time"] == dashboard.waits
    assert api["refusals_by_reason"] == dashboard.refusals
    assert api["refusals_by_reason"]["language"] is None
    assert api["occupancy_by_day"] == {day.isoformat(): 17 for day in dashboard.occupancy}
    assert len(api["occupancy_by_day"]) == 14

    # the page's service publishes the same cells
    assert page.waits == dashboard.waits and page.refusals == dashboard.refusals
    assert page.placements == dashboard.placements and page.occupancy == dashboard.occupancy

    # the report: every table as the dashboard has it
    folder = summary.csv_dir
    waits = _csv(folder, "shelter_wait")
    assert waits["under 4 hours"] == [_shown(dashboard.waits["under_4h"])]
    assert waits["4 to 24 hours"] == [_shown(dashboard.waits["4h_24h"])]
    assert waits["Total"] == [_shown(dashboard.waits["*"])]
    refusals = _csv(folder, "shelter_refusals")
    assert refusals["Language cannot be served"] == [_shown(dashboard.refusals["language"])]
    placements = _csv(folder, "shelter_placements")
    assert placements["rotterdam"] == [_shown(dashboard.placements[("rotterdam", "labour")])] * 2
    occupancy = _csv(folder, "shelter_occupancy")
    assert occupancy["10 June 2025"] == ["22"]
    assert occupancy["12 June 2025"] == ["17"]
    assert occupancy["31 December 2025"] == [_shown(dashboard.occupancy[dt.date(YEAR, 12, 31)])]
    assert len(occupancy) == (dt.date(YEAR, 12, 31) - DAY.date()).days + 1
    report_html = summary.html.read_text(encoding="utf-8")
    assert "Shelter and crisis beds" in report_html and "Refusals by reason, 2025" in report_html
    sheets = load_workbook(summary.xlsx, read_only=True).sheetnames
    assert any("shelter" in name.lower() for name in sheets), sheets
