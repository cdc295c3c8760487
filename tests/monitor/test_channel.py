"""The anonymous channel's counts in the monitor: the report's section (HTML, XLSX, CSV)
and the dashboard publish the same value for every cell, the year's reports only, and
suppress what a hand-made count of the filed reports says is below k."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select, update

from tests.reporting.conftest import Channel, open_channel
from tests.web.conftest import web_on
from zicht.i18n import Translator
from zicht.monitor import SUPPRESSED, build_report, channel_label, dashboard_figures
from zicht.monitor._data import load
from zicht.privacy import Cipher
from zicht.reporting import NewReport, answer_report, close_report, refer_report, submit_report
from zicht.store.reporting import ReportRow

YEAR = 2021
# (language, audience) of the reports filed in YEAR: 12 pl, 9 ro, 4 bg; 14 worker.
FILED = (
    [("pl", "worker")] * 10
    + [("pl", "witness")] * 2
    + [("ro", "worker")] * 4
    + [("ro", "victim")] * 5
    + [("bg", "client")] * 4
)


@pytest.fixture(autouse=True)
def fast_key_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the tests check the counts, not the cost."""
    for name, value in (("WRAP", 1), ("RECEIPT", 1)):
        monkeypatch.setattr(f"zicht.reporting._sealing.{name}_OPS", value)
        monkeypatch.setattr(f"zicht.reporting._sealing.{name}_MEMORY", 8192)


def _file(channel: Channel, language: str, audience: str) -> int:
    challenge, nonce = channel.work()
    new = NewReport(audience=audience, language=language, what="Synthetisch verhaal")
    receipt = submit_report(channel.engine, channel.policy, new, challenge=challenge, nonce=nonce)
    return receipt.report_id


def _move_to(engine: Engine, report_ids: list[int], start: dt.datetime) -> None:
    """File the reports on consecutive days from `start`; an answered one `i` hours later."""
    with engine.begin() as connection:
        rows = connection.execute(
            select(ReportRow.id, ReportRow.first_answer_at).where(ReportRow.id.in_(report_ids))
        ).all()
        for i, (report_id, answered) in enumerate(sorted(rows)):
            created = start + dt.timedelta(days=i)
            first = created + dt.timedelta(hours=i + 1) if answered is not None else None
            connection.execute(
                update(ReportRow)
                .where(ReportRow.id == report_id)
                .values(created_at=created, first_answer_at=first)
            )


def _csv(folder: Path, name: str) -> dict[str, str]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return {row[0]: row[1] for row in rows[1:]}


def _agrees(published: dict[str, int | None], counter: Counter[str], k: int) -> bool:
    """Whether `published` has a cell for each filed code, hides every count below k
    (primary suppression) and shows every other one exactly or not at all (secondary)."""
    if set(published) != set(counter):
        return False
    return all(
        published[code] is None if n < k else published[code] in (n, None)
        for code, n in counter.items()
    )


def test_the_report_and_the_dashboard_publish_the_same_channel_counts(
    filled_engine: Engine, tmp_path: Path
) -> None:
    channel = open_channel(filled_engine)
    fairwork, comensha = channel.handlers["fairwork"], channel.handlers["comensha"]
    ids = [_file(channel, language, audience) for language, audience in FILED]
    by_id = dict(zip(ids, FILED, strict=True))
    answered = [i for i in ids if by_id[i][1] == "worker"][:11]
    for report_id in answered:
        answer_report(filled_engine, fairwork, report_id, "Wij nemen contact op.")
    for report_id in answered[:10]:
        close_report(filled_engine, fairwork, report_id, "advice")
    refer_report(filled_engine, comensha, next(i for i in ids if by_id[i][1] == "victim"), "police")
    _move_to(filled_engine, ids, dt.datetime(YEAR, 2, 1, 9))
    _file(channel, "pl", "worker")  # filed now: not a report of YEAR

    summary = build_report(filled_engine, year=YEAR, out=tmp_path / "monitor", lang="en")
    dashboard = dashboard_figures(filled_engine, {}, year=YEAR).channel
    t = Translator("en")

    # an oracle from what was filed, not from the code under test
    assert summary.anonymous_reports == dashboard.total == len(FILED)
    assert _agrees(dashboard.by["language"], Counter(lang for lang, _ in FILED), 10)
    assert _agrees(dashboard.by["audience"], Counter(aud for _, aud in FILED), 10)
    outcomes = Counter({"advice": 10, "referred": 1, "open": len(FILED) - 11})
    assert _agrees(dashboard.by["outcome"], outcomes, 10)
    assert dashboard.by["channel"] == {"web": len(FILED)}
    assert dashboard.answered == 11
    assert dashboard.median_hours_to_answer is not None
    # the report shows every cell the dashboard publishes, with the same value
    folder = summary.csv_dir
    for dimension, cells in dashboard.by.items():
        table = _csv(folder, f"reporting_{dimension}")
        shown = {code: table[channel_label(t, dimension, code)] for code in cells}
        assert shown == {c: SUPPRESSED if v is None else str(v) for c, v in cells.items()}
        assert len(table) == len(cells)
    head = _csv(folder, "reporting_summary")
    assert head["Reports filed"] == str(dashboard.total)
    assert head["Reports answered"] == str(dashboard.answered)
    assert float(head["Median hours to a first answer"]) == dashboard.median_hours_to_answer
    workbook = load_workbook(summary.xlsx, read_only=True)
    assert {"reporting_language", "reporting_outcome"} <= set(workbook.sheetnames)
    assert "Anonymous reports by language, 2021" in summary.html.read_text(encoding="utf-8")


def test_a_year_without_reports_says_so(filled_engine: Engine, tmp_path: Path) -> None:
    summary = build_report(filled_engine, year=YEAR, out=tmp_path, lang="nl")
    html = summary.html.read_text(encoding="utf-8")
    assert "In 2021 zijn geen meldingen via het anonieme kanaal gedaan." in html
    assert summary.anonymous_reports == 0
    assert dashboard_figures(filled_engine, {}, year=YEAR).channel.total == 0


def test_the_api_dashboard_gives_the_channel_counts_of_the_latest_year(
    filled_engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    latest = load(filled_engine, None).year
    channel = open_channel(filled_engine)
    ids = [_file(channel, language, audience) for language, audience in FILED]
    answered = ids[:10]
    for report_id in answered:
        answer_report(filled_engine, channel.handlers["fairwork"], report_id, "Wij helpen.")
    _move_to(filled_engine, ids, dt.datetime(latest, 2, 1, 9))
    _file(channel, "pl", "worker")  # filed now: not a report of the latest year

    client = web_on(filled_engine, cipher, tmp_path).client("analyst")
    body = client.get("/api/dashboard").json()
    api = body["anonymous_reports"]
    # an oracle from what was filed, not from the code under test
    assert api["year"] == latest
    assert api["total"] == len(FILED)
    assert api["by_channel"] == {"web": len(FILED)}
    assert _agrees(api["by_language"], Counter(lang for lang, _ in FILED), 10)
    assert _agrees(api["by_audience"], Counter(aud for _, aud in FILED), 10)
    assert api["by_language"]["bg"] is None  # 4 < k
    assert _agrees(api["by_outcome"], Counter({"open": len(FILED)}), 10)
    assert api["answered"] == 10
    assert api["median_hours_to_answer"] is not None
    assert body["shelter"] is None  # no shelter data in this world
