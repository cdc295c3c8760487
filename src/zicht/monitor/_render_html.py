"""The report as one self-contained HTML file: styles and SVG charts inline, no links out."""

from __future__ import annotations

from importlib import resources

import jinja2

from zicht.i18n import Translator
from zicht.monitor._i18n import fmt_number
from zicht.monitor._model import PublishedTable, Report, Value

__all__ = ["WIDE_COLUMNS", "render_html"]

WIDE_COLUMNS = 8
"""A table of more columns is printed on a landscape page (class ``wide``)."""


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("zicht.monitor", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css() -> str:
    return resources.files("zicht.monitor").joinpath("templates/report.css").read_text("utf-8")


def render_html(report: Report) -> str:
    """The HTML text of `report`."""
    lang = report.lang
    t = Translator(lang)

    def show(value: Value, digits: int) -> str:
        if value is None or isinstance(value, int | float):
            places = digits if isinstance(value, float) and not value.is_integer() else 0
            return fmt_number(value, lang, places)
        return str(value)

    def has_suppressed(table: PublishedTable) -> bool:
        return any(cell is None for row in table.rows for cell in row[1:])

    template = _environment().get_template("report.html")
    return template.render(
        report=report,
        css=_css(),
        show=show,
        has_suppressed=has_suppressed,
        wide_columns=WIDE_COLUMNS,
        cutoff_label=t("Data cut-off date"),
        contents_label=t("Contents"),
        colophon_label=t("Colophon"),
        table_follows=t("The table below gives the figures."),
    )
