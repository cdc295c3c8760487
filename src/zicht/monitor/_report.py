"""`build_report`: the yearly monitor from the store, the linkage and the estimates."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from zicht.estimate import DEFAULT_POLICY, Estimate
from zicht.i18n import N_, Translator
from zicht.monitor._assemble import Inputs, assemble
from zicht.monitor._data import MonitorData, load
from zicht.monitor._estimates import report_estimates
from zicht.monitor._i18n import fmt_date, known_language
from zicht.monitor._publication import publication_system
from zicht.monitor._render_csv import write_csv
from zicht.monitor._render_html import render_html
from zicht.monitor._render_pdf import write_pdf
from zicht.monitor._render_xlsx import write_xlsx
from zicht.privacy import PublicationPolicy
from zicht.reporting import reporting_counts

__all__ = ["DEFAULT_TARGETS", "ReportError", "ReportSummary", "build_report"]

log = logging.getLogger(__name__)

DEFAULT_TARGETS: dict[int, int] = {2020: 190, 2021: 205}
"""OM suspects targets of the programme (letter to parliament, 17 November 2021)."""


class ReportError(ValueError):
    """The report cannot be made from these inputs (the message names why).

    ``message`` is the catalogue's message (English) and ``values`` fill it in, so an
    edge can show it in its own language; ``str()`` is the English text.
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values


@dataclass(frozen=True)
class ReportSummary:
    """What `build_report` wrote and the headline figures (None where suppressed)."""

    year: int
    lang: str
    k: int
    html: Path
    pdf: Path
    xlsx: Path
    csv_dir: Path
    meta: Path
    registrations: int | None
    persons: int | None
    estimate: float | None
    estimate_lower: float | None
    estimate_upper: float | None
    suspects_to_prosecutor: int | None
    target: int | None
    linkage: bool
    cells: int
    suppressed_primary: int
    suppressed_secondary: int
    anonymous_reports: int | None = None
    """Reports filed through `/meld` in the year (None: suppressed)."""
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """Plain JSON-ready data."""
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}


def _estimates(engine: Engine, data: MonitorData, year: int) -> tuple[list[Estimate], ...]:
    if data.link_run is None:
        return [], []
    return report_estimates(engine, data.link_run.id, year, DEFAULT_POLICY)


def build_report(
    engine: Engine,
    *,
    year: int,
    out: Path,
    lang: str = "nl",
    k: int = 10,
    targets: dict[int, int] | None = None,
) -> ReportSummary:
    """Write the monitor of `year` to `out`: HTML, PDF, XLSX, one CSV per table, meta.json.

    Args:
        engine: the application database (registrations, quarantine, linkage tables).
        year: the report year.
        out: folder to write to (created).
        lang: "nl" or "en".
        k: smallest published count (zero excepted); smaller ones are suppressed.
        targets: suspects-to-prosecutor target per year (default DEFAULT_TARGETS).
    """
    if not known_language(lang):
        raise ReportError(N_("unknown language %(lang)s; choose nl or en"), lang=repr(lang))
    if k < 1:
        raise ReportError(N_("k must be at least 1"))
    timings: dict[str, float] = {}
    started = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    data = load(engine, year)
    if not data.data_years:
        raise ReportError(N_("the database holds no registrations: ingest data first"))
    if not data.totals.get(year) and not data.suspects["registered"].get(year):
        # An empty report of a year without data says nothing: refuse it, naming the years.
        raise ReportError(
            N_(
                "no registrations or suspects in %(year)s: the data hold the years "
                "%(first)s to %(last)s"
            ),
            year=year,
            first=data.data_years[0],
            last=data.data_years[-1],
        )
    lap("read")
    by_year, by_form = _estimates(engine, data, year)
    lap("estimate")
    system = publication_system(data, year)
    publication = system.publish(PublicationPolicy(k=k))
    protection, published = publication.protection, publication.values
    # The anonymous channel's counts: the dashboard publishes them with the same call.
    channel = reporting_counts(engine, PublicationPolicy(k=k), year)
    lap("disclosure")
    inputs = Inputs(
        year=year,
        k=k,
        data=data,
        system=system,
        published=published,
        targets=dict(DEFAULT_TARGETS if targets is None else targets),
        by_year=by_year,
        by_form=by_form,
        policy=DEFAULT_POLICY,
        channel=channel,
    )
    report = assemble(inputs, lang, data.cutoff)
    lap("assemble")
    out.mkdir(parents=True, exist_ok=True)
    built = dt.datetime.now(dt.UTC).replace(microsecond=0)
    when = f"{fmt_date(built.date(), lang)} {built:%H:%M} UTC"
    t = Translator(lang)
    report.built_at = t("Built on %(when)s.", when=when)
    stem = f"monitor-{year}-{lang}"
    html_text = render_html(report)
    html = out / f"{stem}.html"
    html.write_text(html_text, encoding="utf-8")
    lap("html")
    xlsx = write_xlsx(report, out / f"{stem}.xlsx", data.cutoff)
    csv_dir = out / f"{stem}-csv"
    write_csv(report, csv_dir)
    lap("xlsx_csv")
    pdf = write_pdf(html_text, out / f"{stem}.pdf")
    lap("pdf")
    timings["total"] = round(time.perf_counter() - started, 3)

    headline = next((e for e in by_year if e.stratum == str(year)), None)
    target = inputs.targets.get(year)
    summary = ReportSummary(
        year=year,
        lang=lang,
        k=k,
        html=html,
        pdf=pdf,
        xlsx=xlsx,
        csv_dir=csv_dir,
        meta=out / f"{stem}.meta.json",
        registrations=published.get(("registrations", year)),
        persons=published.get(("persons", year)),
        estimate=headline.estimate if headline else None,
        estimate_lower=headline.lower if headline else None,
        estimate_upper=headline.upper if headline else None,
        suspects_to_prosecutor=published.get(("suspects", "prosecutor", year)),
        target=target,
        linkage=data.link_run is not None,
        cells=len(system.values),
        suppressed_primary=len(protection.primary),
        suppressed_secondary=len(protection.secondary),
        anonymous_reports=channel.total,
        timings=timings,
    )
    summary.meta.write_text(
        json.dumps(summary.as_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    log.info("report %s written to %s in %.1f s", stem, out, timings["total"])
    return summary
