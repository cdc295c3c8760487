"""The report's PDF: tagged (PDF/UA), no table wider than the page, trends end at the year.

Two oracles for clipping, neither the CSS under test: WeasyPrint's own layout boxes
(every box of every table against the page's content box, named by table) and the
words `pdftotext -bbox` finds in the written PDF (none beyond the right margin).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import IN_CI
from zicht.monitor import build_report
from zicht.monitor._data import load

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

YEAR = 2020
RIGHT_MARGIN_PT = 15 * 72 / 25.4  # @page margin of report.css (15 mm)


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if IN_CI:
            pytest.fail(f"CI=true but {tool} (poppler-utils) is not installed (make pdf-libs)")
        pytest.skip(f"{tool} (poppler-utils) is not installed: `make pdf-libs` installs it")
    return path


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in box.all_children():
        yield from _boxes(child)


def clipped_tables(html: str) -> list[tuple[int, str, float, float]]:
    """(page, table id, right edge, content right) of every table past its page's content."""
    import weasyprint  # type: ignore[import-untyped]

    found = []
    tables = 0
    for number, page in enumerate(weasyprint.HTML(string=html).render().pages, 1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in _boxes(page_box):
            if box.element_tag != "table" or type(box).__name__ != "TableBox":
                continue
            tables += 1
            edge = max(b.border_box_x() + b.border_width() for b in _boxes(box))
            if edge > right + 0.5:
                found.append((number, str(box.element.get("id")), edge, right))
    assert tables >= 10, "the report should lay out its tables"
    return found


def words_past_the_margin(pdf: Path) -> list[tuple[str, float, float]]:
    """Words of the PDF whose right edge lies in the right margin or beyond the page."""
    text = subprocess.run(
        [_poppler("pdftotext"), "-bbox", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    width = 0.0
    found = []
    words = 0
    for line in text.splitlines():
        page = re.search(r'<page width="([\d.]+)"', line)
        if page:
            width = float(page.group(1))
        word = re.search(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', line)
        if word:
            words += 1
            if float(word.group(1)) > width - RIGHT_MARGIN_PT + 1:
                found.append((word.group(2), float(word.group(1)), width))
    assert words > 1000, "pdftotext should find the report's words"
    return found


def test_the_pdf_is_tagged_and_no_table_is_clipped(filled_engine: Engine, tmp_path: Path) -> None:
    summary = build_report(filled_engine, year=YEAR, out=tmp_path, lang="nl")
    info = subprocess.run(
        [_poppler("pdfinfo"), str(summary.pdf)], check=True, capture_output=True, text=True
    ).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Tagged"].strip() == "yes"
    assert fields["Title"].strip() == f"Monitor mensenhandel {YEAR}"
    html = summary.html.read_text(encoding="utf-8")
    # the method annex in Dutch: the link run's threshold (0.99) with a decimal comma
    assert '<th scope="row">Koppeldrempel</th>' in html and "0,99" in html
    assert clipped_tables(html) == []
    assert words_past_the_margin(summary.pdf) == []


def test_a_heading_or_caption_never_ends_a_page(filled_engine: Engine, tmp_path: Path) -> None:
    summary = build_report(filled_engine, year=YEAR, out=tmp_path, lang="en")
    from pypdf import PdfReader

    html = summary.html.read_text(encoding="utf-8")
    captions = {
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<caption>(.*?)</caption>", html)
    }
    headings = set(re.findall(r"<h2>(.*?)</h2>", html))
    assert len(captions) > 10
    for number, page in enumerate(PdfReader(summary.pdf).pages, 1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        # the last line before the footer (running title, page number)
        footer = {f"Human trafficking monitor {YEAR}"}
        body = [
            line for line in lines if not re.fullmatch(r".*\d+ / \d+", line) and line not in footer
        ]
        assert body, number
        assert body[-1] not in captions | headings, (number, body[-1])


def test_trends_end_at_the_report_year(filled_engine: Engine, tmp_path: Path) -> None:
    later = [y for y in load(filled_engine, YEAR).data_years if y > YEAR]
    assert later, "the test world should have registrations after the report year"
    summary = build_report(filled_engine, year=YEAR, out=tmp_path, lang="en")
    html = summary.html.read_text(encoding="utf-8")
    for name in ("victims_per_year", "victims_by_form", "registrations_and_persons"):
        with (summary.csv_dir / f"{name}.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header[-1] == str(YEAR), name
    with (summary.csv_dir / "estimate_per_year.csv").open(encoding="utf-8") as handle:
        years = [row[0] for row in list(csv.reader(handle))[1:]]
    assert years[-1] == str(YEAR)
    with (summary.csv_dir / "mse_models.csv").open(encoding="utf-8") as handle:
        strata = {row[0] for row in list(csv.reader(handle))[1:]}
    assert not strata & {str(y) for y in later}
    # Every chart's listing of values (its <desc>) names no later year.
    descriptions = re.findall(r"<desc[^>]*>(.*?)</desc>", html, re.S)
    assert len(descriptions) >= 8
    for year in later:
        assert not any(f"{year}:" in d or f"{year} " in d for d in descriptions), year
    assert f"Tables and charts end at {YEAR}" in html
