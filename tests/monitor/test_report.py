"""The report end to end: files, browser, PDF, XLSX totals, disclosure, reproducibility."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine

from tests.conftest import CHROMIUM_ARGS
from tests.i18n.english import untranslated, untranslated_texts
from tests.monitor.conftest import ingest_world
from zicht.monitor import ReportError, build_report
from zicht.monitor._data import load
from zicht.monitor._tables import build_system
from zicht.privacy import Cipher, PublicationPolicy, feasible_intervals

YEAR = 2020
K = 10


def html_table(html: str, name: str) -> list[list[str]]:
    """Cells of one table of the HTML (header row first), as shown."""
    block = re.search(rf'<table id="table-{name}".*?</table>', html, re.S)
    assert block is not None, name
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", block.group(0), re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def dutch_int(text: str) -> int:
    return int(text.replace(".", ""))


def test_report_from_the_store(
    filled_engine: Engine, tmp_path: Path, chromium_executable: str
) -> None:
    summary = build_report(filled_engine, year=YEAR, out=tmp_path, lang="nl", k=K)
    for path in (summary.html, summary.pdf, summary.xlsx, summary.meta):
        assert path.is_file()
        assert path.stat().st_size > 0
    assert summary.linkage
    assert summary.registrations is not None
    assert summary.registrations >= K
    assert summary.persons is not None
    assert summary.persons <= summary.registrations
    assert summary.estimate is not None
    assert summary.estimate >= summary.persons
    html = summary.html.read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org", "")  # self-contained
    assert "<svg" in html
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    assert "&#34;" not in style.group(1)  # the stylesheet is not HTML-escaped
    assert "<title id=" in html
    assert "<desc id=" in html
    assert untranslated(html) == []  # the Dutch report has no English text of the catalogues

    # The headline figures are visible in a real browser.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        context = browser.new_context()
        page = context.new_page()
        page.goto(summary.html.as_uri())
        registrations = page.locator("#headline-registrations .headline-value")
        assert registrations.is_visible()
        assert dutch_int(registrations.inner_text()) == summary.registrations
        persons = page.locator("#headline-persons .headline-value")
        assert persons.is_visible()
        assert dutch_int(persons.inner_text()) == summary.persons
        estimate = page.locator("#headline-estimate .headline-value")
        assert estimate.is_visible()
        assert dutch_int(estimate.inner_text()) == summary.estimate
        assert page.locator("#headline-suspects").is_visible()
        assert page.locator("svg.chart").count() >= 8
        context.close()
        browser.close()

    # The PDF has its pages and the headline text.
    reader = PdfReader(summary.pdf)
    assert len(reader.pages) >= 5
    first = reader.pages[0].extract_text()
    assert f"Monitor mensenhandel {YEAR}" in first
    assert f"{summary.registrations:,}".replace(",", ".") in first

    # The workbook opens; its totals agree with the HTML.
    workbook = load_workbook(summary.xlsx, read_only=True)
    assert "summary" in workbook.sheetnames
    assert "victims_by_form" in workbook.sheetnames
    rows = list(workbook["victims_per_year"].iter_rows(values_only=True))
    header, totals = rows[1], rows[2]
    shown = html_table(html, "victims_per_year")
    assert [str(h) for h in header] == shown[0]
    for xlsx_value, html_value in zip(totals[1:], shown[1][1:], strict=True):
        assert (
            str(xlsx_value) if xlsx_value == "x" else f"{xlsx_value:,}".replace(",", ".")
        ) == html_value
    texts = [
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]
    assert untranslated_texts(texts) == []
    summary_rows = {r[0]: r[1] for r in workbook["summary"].iter_rows(min_row=3, values_only=True)}
    assert summary.registrations in summary_rows.values()
    workbook.close()

    # One CSV per table; no published count is below k (zero may be shown).
    csv_files = sorted(summary.csv_dir.glob("*.csv"))
    assert {p.stem for p in csv_files} == set(workbook.sheetnames) - {"contents"}
    for name in ("victims_by_form", "victims_by_organisation", "victims_by_age"):
        with (summary.csv_dir / f"{name}.csv").open(encoding="utf-8") as handle:
            for row in list(csv.reader(handle))[1:]:
                for cell in row[1:]:
                    assert cell == "x" or int(cell) == 0 or int(cell) >= K


def test_no_suppressed_cell_of_the_report_can_be_recomputed(filled_engine: Engine) -> None:
    data = load(filled_engine, YEAR)
    system = build_system(data, YEAR)
    publication = system.publish(PublicationPolicy(k=K))
    protection, published = publication.protection, publication.values
    assert protection.primary, "the test world should have small cells"
    intervals = feasible_intervals(published, system.relations)
    for cell, (low, high) in intervals.items():
        assert high - low > 1e-6, cell
        if cell in protection.primary:
            assert low <= 1e-6, cell
            assert high >= system.values[cell] + K - 1e-6, cell


def _content(html: str) -> str:
    return re.sub(r'<p class="built">.*?</p>', "", html)


def _workbook_content(path: Path) -> list[object]:
    workbook = load_workbook(path)
    props = workbook.properties
    content: list[object] = [props.created, props.modified, props.creator, props.title]
    for sheet in workbook.worksheets:
        content.append(sheet.title)
        content.extend(sheet.iter_rows(values_only=True))
    return content


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_same_inputs_give_the_same_report(filled_engine: Engine, tmp_path: Path) -> None:
    first = build_report(filled_engine, year=YEAR, out=tmp_path / "a", lang="en")
    second = build_report(filled_engine, year=YEAR, out=tmp_path / "b", lang="en")
    html_a, html_b = (s.html.read_text(encoding="utf-8") for s in (first, second))
    assert html_a.count('<p class="built">') == 1
    assert _content(html_a) == _content(html_b)
    assert _workbook_content(first.xlsx) == _workbook_content(second.xlsx)
    assert first.xlsx.read_bytes() == second.xlsx.read_bytes()
    with zipfile.ZipFile(first.xlsx) as archive:  # not the time of writing, however late
        assert {entry.date_time[3:] for entry in archive.infolist()} == {(0, 0, 0)}
    for path in first.csv_dir.glob("*.csv"):
        assert path.read_bytes() == (second.csv_dir / path.name).read_bytes()
    # English formatting.
    assert f"{first.registrations:,}" in html_a


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_without_linkage_the_report_says_so(
    engine: Engine, cipher: Cipher, world: Path, tmp_path: Path
) -> None:
    ingest_world(engine, cipher, world)
    summary = build_report(engine, year=YEAR, out=tmp_path, lang="en", targets={YEAR: 150})
    assert not summary.linkage
    assert summary.persons is None
    assert summary.estimate is None
    assert summary.target == 150
    html = summary.html.read_text(encoding="utf-8")
    assert "The database holds no linkage" in html
    assert 'id="table-estimate_per_year"' not in html


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_empty_store_is_an_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no registrations"):
        build_report(engine, year=YEAR, out=tmp_path)
    with pytest.raises(ReportError, match="language"):
        build_report(engine, year=YEAR, out=tmp_path, lang="de")
