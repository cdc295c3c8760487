"""The report's section on the anonymous reporting channel (`/meld`).

Its counts are `zicht.reporting.reporting_counts` of the report year with the report's
policy: the one publication step the dashboard calls too, so both show the same value
for every cell (and the same suppressions). A report's content is never counted.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from zicht.i18n import N_, Translator
from zicht.monitor._i18n import fmt_number
from zicht.monitor._model import PublishedTable, Section, Value
from zicht.reporting import AUDIENCES, OUTCOMES, ReportingCounts

__all__ = ["CHANNELS", "channel_label", "channel_section"]

CHANNELS: dict[str, str] = {"web": N_("Web form"), "api": N_("Partner interface (API)")}
"""How a report came in (`reporting.NewReport.channel`)."""

_OPEN = N_("Still open")

# dimension -> (column header, table title with the year)
_DIMENSIONS = {
    "channel": (N_("Channel"), N_("Anonymous reports by channel, %(year)s")),
    "language": (N_("Language of the form"), N_("Anonymous reports by language, %(year)s")),
    "audience": (N_("Who reported"), N_("Anonymous reports by who reported, %(year)s")),
    "outcome": (N_("Outcome"), N_("Anonymous reports by outcome, %(year)s")),
}


def channel_label(t: Translator, dimension: str, code: str) -> str:
    """The label of `code` of a dimension of the channel's counts, in `t`'s language."""
    if dimension == "channel":
        return t(CHANNELS[code]) if code in CHANNELS else code
    if dimension == "audience":
        return t(AUDIENCES[code]) if code in AUDIENCES else code
    if dimension == "outcome":
        if code == "open":
            return t(_OPEN)
        return t(OUTCOMES[code]) if code in OUTCOMES else code
    try:
        return Locale.parse(code).get_display_name(t.lang) or code
    except (ValueError, UnknownLocaleError):
        return code


def channel_section(counts: ReportingCounts, year: int, lang: str) -> Section:
    """The section of the report of `year` on the reports filed through `/meld`."""
    t = Translator(lang)
    section = Section(
        "reporting",
        t("Anonymous reports"),
        [
            t(
                "Reports filed through the anonymous channel (/meld) in %(year)s, by how they "
                "came in, the language of the form, who reported and how they ended. Reports "
                "that are not closed count as still open. Nothing of a report's content is "
                "counted.",
                year=year,
            )
        ],
    )
    if counts.total == 0:
        section.paragraphs.append(
            t("No reports were filed through the anonymous channel in %(year)s.", year=year)
        )
        return section
    median: Value = counts.median_hours_to_answer
    section.items.append(
        PublishedTable(
            "reporting_summary",
            t("Anonymous reports, %(year)s", year=year),
            (t("Item"), t("Value")),
            (
                (t("Reports filed"), counts.total),
                (t("Reports answered"), counts.answered),
                (t("Median hours to a first answer"), median),
            ),
            note=t(
                "The median is published only when at least %(k)s reports were answered.",
                k=fmt_number(counts.k, lang),
            ),
            digits=1,
        )
    )
    for dimension, (header, title) in _DIMENSIONS.items():
        cells = counts.by[dimension]
        rows = tuple(
            (channel_label(t, dimension, code), value)
            for code, value in sorted(cells.items(), key=lambda item: item[0])
        )
        section.items.append(
            PublishedTable(
                f"reporting_{dimension}",
                t(title, year=year),
                (t(header), str(year)),
                rows,
            )
        )
    return section
