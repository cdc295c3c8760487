"""`write_results`: the results table as DOCX (python-docx), PDF (WeasyPrint) and the
municipal map as SVG, with the per-municipality table behind the map as CSV.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from sqlalchemy import Engine

from zicht.i18n import N_, Translator
from zicht.programme._assessment import Coverage
from zicht.programme._map import band_of, coverage_map
from zicht.programme._results import Results, build_results, labour_table

__all__ = ["LABOUR_NOTE", "ResultFiles", "coverage_rows", "write_results"]

LABOUR_NOTE = N_(
    "The partners define a report of labour exploitation differently, so each "
    "definition is counted side by side; the columns overlap and cannot be added up."
)


@dataclass(frozen=True)
class ResultFiles:
    """What `write_results` wrote, and the results it wrote them from."""

    docx: Path
    pdf: Path
    svg: Path
    map_table: Path
    results: Results


def coverage_rows(t: Translator, items: Sequence[Coverage]) -> list[tuple[str, str, str, str]]:
    """Rows (name, answered, met, share) of a coverage table, formatted for `t`."""
    return [
        (
            item.name,
            t.number(item.answered),
            t.number(item.met, 0 if float(item.met).is_integer() else 1),
            "–" if item.share is None else t.number(100 * item.share) + "%",
        )
        for item in items
    ]


def _texts(t: Translator, results: Results) -> tuple[str, str, str]:
    title = t("Programme Together against human trafficking: results %(year)s", year=results.year)
    cutoff = t.date(results.cutoff) if results.cutoff else "–"
    intro = t(
        "Results table of the progress letter (%(source)s). Figures from Zicht up to "
        "%(cutoff)s, as published in the monitor and on the dashboard.",
        source=results.source,
        cutoff=cutoff,
    )
    note = t(
        "x = not published to protect persons; – = not available. The estimate is given "
        "with its 95%% interval."
    )
    return title, intro, note


def _docx(results: Results, t: Translator, path: Path) -> None:
    import docx  # heavy: only when a document is made
    from docx.enum.section import WD_ORIENT

    title, intro, note = _texts(t, results)
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.language = results.lang
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(title, level=1)
    document.add_paragraph(intro)

    def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = text

    document.add_heading(t("Actions per theme"), level=2)
    table(
        [
            t("Theme"),
            t("Action"),
            t("Owner"),
            t("Status"),
            t("Result %(year)s", year=results.year),
            t("Change since %(year)s", year=results.year - 1),
        ],
        [(a.theme, a.action, a.owners, a.status, a.result, a.change) for a in results.actions],
    )
    document.add_heading(t("Indicators against targets"), level=2)
    table(
        [
            t("Indicator"),
            str(results.year - 1),
            str(results.year),
            t("Target %(year)s", year=results.year),
            t("Source"),
        ],
        [(i.name, i.previous, i.current, i.target, i.source) for i in results.indicators],
    )
    document.add_paragraph(note)
    document.add_heading(
        t("Reports of labour exploitation per organisation and definition"), level=2
    )
    document.add_paragraph(t(LABOUR_NOTE))
    table(*labour_table(t, results.labour))
    document.add_heading(
        t("Municipal approach: self-assessment against the Kader mensenhandel"), level=2
    )
    if not results.published:
        document.add_paragraph(
            t("The answers of this year's self-assessment have not been published yet.")
        )
    table(
        [
            t("Safety region"),
            t("Building blocks answered"),
            t("Building blocks met"),
            t("Share met"),
        ],
        coverage_rows(t, [*results.regions, results.national]),
    )
    document.save(str(path))


def _html(results: Results, t: Translator) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("zicht.programme", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    title, intro, note = _texts(t, results)
    return environment.get_template("results.html").render(
        t=t,
        results=results,
        title=title,
        intro=intro,
        note=note,
        map_svg=coverage_map(t, results.places, results.year),
        region_rows=coverage_rows(t, [*results.regions, results.national]),
        labour=labour_table(t, results.labour),
        labour_note=t(LABOUR_NOTE),
    )


def _map_table(results: Results, t: Translator, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["municipality_code", "municipality", "answered", "met", "band"])
        for item in results.places:
            writer.writerow([item.code, item.name, item.answered, item.met, t(band_of(item).label)])


def write_results(engine: Engine, year: int, out: Path, lang: str = "nl") -> ResultFiles:
    """Write the results table of `year` to `out`: DOCX, PDF, SVG map and its table (CSV).

    Files appear whole or not at all: each is written beside its name and moved in place.
    """
    from zicht.monitor import write_pdf

    results = build_results(engine, year, lang)
    t = Translator(lang)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"programme-{year}-{results.lang}"
    targets = {
        "docx": out / f"{stem}.docx",
        "pdf": out / f"{stem}.pdf",
        "svg": out / f"gemeenten-{year}.svg",
        "csv": out / f"gemeenten-{year}.csv",
    }
    partial = {kind: path.with_name(path.name + ".partial") for kind, path in targets.items()}
    try:
        _docx(results, t, partial["docx"])
        write_pdf(_html(results, t), partial["pdf"])
        svg = coverage_map(t, results.places, year)
        partial["svg"].write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + str(svg), encoding="utf-8"
        )
        _map_table(results, t, partial["csv"])
        for kind, path in partial.items():
            os.replace(path, targets[kind])
    finally:
        for path in partial.values():
            path.unlink(missing_ok=True)
    return ResultFiles(targets["docx"], targets["pdf"], targets["svg"], targets["csv"], results)
