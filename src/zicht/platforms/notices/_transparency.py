"""Art. 15 / 24 transparency report of a platform for a period, as CSV and HTML.

Counts by category, by source (notice, trusted flagger, own initiative), by decision
and ground, the automated share, complaints and reversals, referrals, and the median
time from receipt to decision. Every count passes the publication policy
(`zicht.privacy._publish`: small counts suppressed, with secondary suppression over the
totals); the median is shown only when at least k decisions stand behind it.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import statistics
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from zicht.access import Principal
from zicht.i18n import N_, translator
from zicht.platforms.notices._common import audit, require
from zicht.platforms.notices._vocabulary import STATEMENT_CATEGORIES
from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Relation, publish
from zicht.store import notice_cases as store

__all__ = ["TransparencyReport", "transparency_report", "write_transparency_report"]

Cell = tuple[str, str]
SOURCES = ("notice", "trusted_flagger", "own_initiative")
_SECTIONS = {
    "notices": N_("Notices"),
    "category": N_("By category"),
    "source": N_("By source"),
    "decision": N_("Decisions"),
    "ground": N_("Decisions to act by ground"),
    "automated": N_("Automated means"),
    "complaints": N_("Complaints"),
    "referrals": N_("Referrals to the police (Art. 18)"),
}


@dataclass(frozen=True)
class TransparencyReport:
    """Published counts (None: suppressed) and the median hours to a decision."""

    platform: str
    start: dt.date
    end: dt.date
    cells: dict[Cell, int | None]
    median_hours: float | None
    policy: PublicationPolicy


def _counts(engine: Engine, platform: str, start: dt.date, end: dt.date) -> tuple[
    dict[Hashable, int], list[Relation], list[float]
]:  # fmt: skip
    rows, extra = store.transparency_rows(
        engine, platform, dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
    )
    decided = [row for row in rows if row["decided_at"] is not None]
    acted = [row for row in decided if row["acted"]]
    categories = Counter(row["category"] for row in rows)
    sources = Counter(row["source"] for row in rows)
    grounds = Counter(row["ground"] for row in acted)
    values: dict[Hashable, int] = {("notices", "total"): len(rows)}
    values.update({("category", c): categories[c] for c in STATEMENT_CATEGORIES})
    values.update({("source", s): sources[s] for s in SOURCES})
    values[("decision", "acted")] = len(acted)
    values[("decision", "not_acted")] = len(decided) - len(acted)
    values[("decision", "pending")] = len(rows) - len(decided)
    values[("ground", "illegal_content")] = grounds["DECISION_GROUND_ILLEGAL_CONTENT"]
    values[("ground", "terms_and_conditions")] = grounds["DECISION_GROUND_INCOMPATIBLE_CONTENT"]
    values[("automated", "detection")] = sum(1 for row in rows if row["automated_detection"])
    values[("automated", "decision")] = sum(
        1 for row in decided if row["automated_decision"] != "AUTOMATED_DECISION_NOT_AUTOMATED"
    )
    values[("complaints", "total")] = extra["complaints"]
    values[("complaints", "reversed")] = extra["reversed"]
    values[("referrals", "total")] = extra["referrals"]
    total = ("notices", "total")
    decisions = (("decision", "acted"), ("decision", "not_acted"), ("decision", "pending"))
    grounds_cells = (("ground", "illegal_content"), ("ground", "terms_and_conditions"))
    relations = [
        Relation(total, tuple(("category", c) for c in STATEMENT_CATEGORIES)),
        Relation(total, tuple(("source", s) for s in SOURCES)),
        Relation(total, decisions),
        Relation(("decision", "acted"), grounds_cells),
        Relation(total, (("automated", "detection"),), "bound"),
        Relation(("complaints", "total"), (("complaints", "reversed"),), "bound"),
    ]
    hours = [(row["decided_at"] - row["received_at"]).total_seconds() / 3600 for row in decided]
    return values, relations, hours


def transparency_report(
    engine: Engine,
    principal: Principal,
    platform: str,
    start: dt.date,
    end: dt.date,
    policy: PublicationPolicy = DEFAULT_PUBLICATION,
) -> TransparencyReport:
    """The report of `platform` for notices received in [start, end), published."""
    require(principal, "export_statements", platform)
    if end <= start:
        raise ValueError("the period ends after it starts")
    values, relations, hours = _counts(engine, platform, start, end)
    published = publish(values, relations, policy)
    median = round(statistics.median(hours), 1) if len(hours) >= policy.k else None
    audit(
        engine, principal, "transparency_report", "platform", [platform],
        start=start.isoformat(), end=end.isoformat(),
    )  # fmt: skip
    cells = {cell: value for cell, value in published.values.items() if isinstance(cell, tuple)}
    return TransparencyReport(platform, start, end, cells, median, policy)


def write_transparency_report(
    report: TransparencyReport, folder: Path, lang: str | None = None
) -> tuple[Path, Path]:
    """Write the report as CSV (section, key, count; empty = suppressed) and HTML."""
    t = translator(lang)
    stem = f"transparency-{report.platform}-{report.start}-{report.end}"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "key", "count"])
    for (section, key), value in report.cells.items():
        writer.writerow([section, key, "" if value is None else value])
    writer.writerow(["median_hours_to_decision", "", report.median_hours or ""])
    csv_path = folder / f"{stem}.csv"
    csv_path.write_text(buffer.getvalue(), encoding="utf-8")
    title = t(
        "Transparency report of %(platform)s, %(start)s to %(end)s",
        platform=report.platform, start=t.date(report.start), end=t.date(report.end),
    )  # fmt: skip
    parts = [f'<!doctype html><html lang="{t.lang}"><head><meta charset="utf-8">']
    parts.append(f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>")
    note = t("Counts below %(k)s are suppressed (x).", k=report.policy.k)
    parts.append(f"<p>{html.escape(note)}</p>")
    for section, label in _SECTIONS.items():
        parts.append(f"<table><caption>{html.escape(t(label))}</caption><tbody>")
        for (name, key), value in report.cells.items():
            if name == section:
                shown = "x" if value is None else t.number(value)
                parts.append(f"<tr><th scope='row'>{html.escape(key)}</th><td>{shown}</td></tr>")
        parts.append("</tbody></table>")
    median = "x" if report.median_hours is None else t.number(report.median_hours, 1)
    label = t("Median hours from receipt to decision: %(hours)s", hours=median)
    parts.append(f"<p>{html.escape(label)}</p></body></html>")
    html_path = folder / f"{stem}.html"
    html_path.write_text("".join(parts), encoding="utf-8")
    return csv_path, html_path
