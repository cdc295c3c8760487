"""From protected counts and estimates to the report's sections, tables and charts."""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Hashable
from dataclasses import dataclass
from importlib import metadata

from zicht.estimate import DEFAULT_POLICY, Estimate, EstimationPolicy
from zicht.monitor.charts import Chart, bar_chart, trend_chart
from zicht.monitor.data import MonitorData
from zicht.monitor.i18n import SUPPRESSED, fmt_date, fmt_number, pick, text
from zicht.monitor.model import Headline, PublishedTable, Report, Section, Value
from zicht.monitor.tables import CountSystem, CountTable
from zicht.standard import FORMS

__all__ = ["Inputs", "assemble", "method_text"]

SOFTWARE = (
    "zicht",
    "numpy",
    "scipy",
    "pandas",
    "sqlalchemy",
    "matplotlib",
    "weasyprint",
    "openpyxl",
    "babel",
    "jinja2",
    "splink",
)


@dataclass
class Inputs:
    """Everything the report is made of, before choosing a language."""

    year: int
    k: int
    data: MonitorData
    system: CountSystem
    published: dict[Hashable, int | None]
    targets: dict[int, int]
    by_year: list[Estimate]
    by_form: list[Estimate]
    policy: EstimationPolicy = DEFAULT_POLICY


def method_text(policy: EstimationPolicy, lang: str) -> str:
    """The report's paragraph on the estimation method, written from the policy object."""
    values = policy.text_values(lang)
    values["method"] = text(f"mse_{values['method']}", lang)
    values["interval"] = text(f"ci_{values['interval']}", lang)
    return text("m_mse_method", lang, **values)


class _Writer:
    """Builds the report in one language."""

    def __init__(self, inputs: Inputs, lang: str) -> None:
        self.inputs = inputs
        self.lang = lang
        self.year = inputs.year
        self.years = inputs.data.years

    def t(self, key: str, **values: object) -> str:
        return text(key, self.lang, **values)

    def n(self, value: float | None, digits: int = 0) -> str:
        return fmt_number(value, self.lang, digits)

    def count(self, key: Hashable) -> int | None:
        return self.inputs.published.get(key)

    # -- tables -----------------------------------------------------------------------

    def count_table(self, table: CountTable) -> PublishedTable:
        rows = []
        for row in table.rows:
            cells: list[Value] = [pick(row.label, self.lang)]
            cells += [self.count(table.keys[(row.code, c)]) for c, _ in table.columns]
            rows.append(tuple(cells))
        return PublishedTable(
            name=table.name,
            title=pick(table.title, self.lang),
            header=(
                pick(table.row_header, self.lang),
                *(pick(lb, self.lang) for _, lb in table.columns),
            ),
            rows=tuple(rows),
            levels=tuple(r.level for r in table.rows),
            note=pick(table.note, self.lang) if table.note else None,
        )

    def year_chart(self, table: CountTable) -> Chart:
        column = str(self.year)
        items = [r for r in table.rows if r.level < 2]
        labels = [("   " if r.level else "") + pick(r.label, self.lang) for r in items]
        values = [self.count(table.keys[(r.code, column)]) for r in items]
        title = pick(table.title, self.lang)
        listing = "; ".join(
            f"{lb.strip()}: {self.n(v)}" for lb, v in zip(labels, values, strict=True)
        )
        return bar_chart(
            f"{table.name}-{self.year}",
            self.t("chart_bar", title=title, year=self.year),
            self.t("chart_alt_bar", title=title, year=self.year, items=listing),
            labels,
            values,
            number=self.n,
            suppressed_label=SUPPRESSED,
        )

    # -- sections ---------------------------------------------------------------------

    def victims(self) -> Section:
        tables = self.inputs.system.tables
        section = Section("victims", self.t("sec_victims"), [self.t("sec_victims_intro")])
        totals = [self.count(("registrations", y)) for y in self.years]
        title = self.t("chart_trend", extra="")
        listing = "; ".join(f"{y}: {self.n(v)}" for y, v in zip(self.years, totals, strict=True))
        section.items.append(
            trend_chart(
                "registrations",
                title,
                self.t("chart_alt_trend", title=title, items=listing),
                self.years,
                [(self.t("row_registrations"), totals)],
                number=self.n,
            )
        )
        section.items.append(
            PublishedTable(
                "victims_per_year",
                self.t("t_total"),
                (self.t("year"), *map(str, self.years)),
                ((self.t("row_registrations"), *totals),),
                (2,),
            )
        )
        for name in ("form", "organisation", "age", "gender", "nationality"):
            section.items.append(self.year_chart(tables[name]))
            section.items.append(self.count_table(tables[name]))
        return section

    def linkage(self) -> Section:
        section = Section("linkage", self.t("sec_linkage"), [self.t("sec_linkage_intro")])
        table = self.inputs.system.tables.get("linkage")
        if table is None:
            section.paragraphs.append(self.t("no_linkage"))
            return section
        regs = [self.count(table.keys[("registrations", str(y))]) for y in self.years]
        persons = [self.count(table.keys[("persons", str(y))]) for y in self.years]
        title = self.t("t_linkage")
        listing = "; ".join(
            f"{y}: {self.n(r)} / {self.n(p)}"
            for y, r, p in zip(self.years, regs, persons, strict=True)
        )
        section.items.append(
            trend_chart(
                "linkage",
                title,
                self.t("chart_alt_trend", title=title, items=listing),
                self.years,
                [(self.t("row_registrations"), regs), (self.t("row_persons"), persons)],
                number=self.n,
            )
        )
        section.items.append(self.count_table(table))
        return section

    def estimate_row(
        self, label: str, estimate: Estimate, persons: int | None
    ) -> tuple[Value, ...]:
        if estimate.problem is not None:
            reason = self.t("too_few" if estimate.problem == "too_few" else "not_estimable")
            return (label, persons, reason, None if persons is None else "", "", "", "")
        ratio = (
            None if persons is None or estimate.estimate is None else estimate.estimate / persons
        )
        return (
            label,
            persons,
            estimate.estimate,
            estimate.lower,
            estimate.upper,
            None if ratio is None else round(ratio, 1),
            estimate.model or "",
        )

    def estimate_header(self, first: str) -> tuple[str, ...]:
        return (
            first,
            self.t("col_persons"),
            self.t("col_estimate"),
            self.t("col_lower"),
            self.t("col_upper"),
            self.t("col_ratio"),
            self.t("col_model"),
        )

    def estimates(self) -> Section:
        section = Section("estimate", self.t("sec_estimate"), [self.t("sec_estimate_intro")])
        if self.inputs.data.link_run is None:
            section.paragraphs.append(self.t("no_linkage"))
            return section
        by_year = {e.stratum: e for e in self.inputs.by_year}
        rows, points, lows, highs, registered = [], [], [], [], []
        for y in self.years:
            persons = self.count(("persons", y))
            estimate = by_year.get(str(y), Estimate(str(y), persons or 0, problem="not_estimable"))
            rows.append(self.estimate_row(str(y), estimate, persons))
            points.append(estimate.estimate)
            lows.append(estimate.lower)
            highs.append(estimate.upper)
            registered.append(persons)
        title = self.t("t_estimate_year")
        listing = "; ".join(
            f"{y}: {self.n(e) if e is not None else self.t('not_estimable')}"
            for y, e in zip(self.years, points, strict=True)
        )
        section.items.append(
            trend_chart(
                "estimate",
                title,
                self.t("chart_alt_trend", title=title, items=listing),
                self.years,
                [(self.t("col_estimate"), points), (self.t("row_persons"), registered)],
                number=self.n,
                band=(self.t("headline_interval", low="", high="").strip(" –"), lows, highs),
            )
        )
        section.items.append(
            PublishedTable(
                "estimate_per_year",
                title,
                self.estimate_header(self.t("year")),
                tuple(rows),
                digits=1,
            )
        )
        form_rows = []
        for estimate in self.inputs.by_form:
            persons = self.count(("persons_form", estimate.stratum))
            label = (
                pick((FORMS.get(estimate.stratum).nl, FORMS.get(estimate.stratum).en), self.lang)
                if estimate.stratum in FORMS
                else estimate.stratum
            )
            form_rows.append(self.estimate_row(label, estimate, persons))
        section.items.append(
            PublishedTable(
                "estimate_per_form",
                self.t("t_estimate_form", year=self.year),
                self.estimate_header(pick((FORMS.nl, FORMS.en), self.lang)),
                tuple(form_rows),
                digits=1,
            )
        )
        return section

    def suspects(self) -> Section:
        section = Section("suspects", self.t("sec_suspects"), [self.t("sec_suspects_intro")])
        table = self.inputs.system.tables["suspects"]
        published = self.count_table(table)
        targets: list[Value] = [self.inputs.targets.get(y) or "" for y in self.years]
        prosecutor = [self.count(table.keys[("prosecutor", str(y))]) for y in self.years]
        shares: list[Value] = []
        for p, target in zip(prosecutor, targets, strict=True):
            shares.append(
                round(100 * p / target)
                if p is not None and isinstance(target, int)
                else ("" if p is not None else None)
            )
        rows = (
            *published.rows,
            (self.t("row_target"), *targets),
            (self.t("row_target_share"), *shares),
        )
        registered = [self.count(table.keys[("registered", str(y))]) for y in self.years]
        title = self.t("sec_suspects")
        listing = "; ".join(
            f"{y}: {self.n(p)} / {self.n(t) if isinstance(t, int) else '–'}"
            for y, p, t in zip(self.years, prosecutor, targets, strict=True)
        )
        section.items.append(
            trend_chart(
                "suspects",
                title,
                self.t("chart_alt_trend", title=title, items=listing),
                self.years,
                [
                    (self.t("row_prosecutor"), prosecutor),
                    (self.t("row_registered_suspects"), registered),
                ],
                number=self.n,
                bars=(self.t("row_target"), [t if isinstance(t, int) else None for t in targets]),
            )
        )
        section.items.append(
            PublishedTable(published.name, published.title, published.header, rows, (0, 0, 0, 0))
        )
        return section

    def quality(self) -> Section:
        section = Section("quality", self.t("sec_quality"), [self.t("sec_quality_intro")])
        tables = self.inputs.system.tables
        quarantine = self.count_table(tables["quarantine"])
        section.items.append(quarantine)
        missing = self.count_table(tables["missing"])
        section.items.append(
            PublishedTable(
                missing.name,
                self.t("t_missing", year=self.year),
                missing.header,
                missing.rows,
                missing.levels,
            )
        )
        return section

    def method(self, cutoff: str) -> Section:
        section = Section(
            "method",
            self.t("sec_method"),
            [self.t("m_disclosure"), self.t("m_rounding", digits=self.inputs.policy.digits)],
        )
        run = self.inputs.data.link_run
        items: list[tuple[Value, ...]] = [
            (self.t("m_cutoff"), cutoff),
            (self.t("m_k"), self.inputs.k),
        ]
        if run is None:
            items.append((self.t("m_linkage_run"), self.t("m_linkage_none")))
        else:
            params = run.parameters or {}
            finished = run.finished_at.date() if run.finished_at else None
            items += [
                (
                    self.t("m_linkage_run"),
                    f"#{run.id} {run.mode}, {run.backend}"
                    + (f", {fmt_date(finished, self.lang)}" if finished else ""),
                ),
                ("threshold", str(params.get("threshold", ""))),
                ("clustering", str(params.get("method", ""))),
                ("registrations / persons", f"{self.n(run.registrations)} / {self.n(run.persons)}"),
            ]
            section.paragraphs.append(method_text(self.inputs.policy, self.lang))
        targets = ", ".join(f"{y}: {v}" for y, v in sorted(self.inputs.targets.items()))
        items.append((self.t("m_targets"), targets))
        section.items.append(
            PublishedTable(
                "method",
                self.t("sec_method"),
                (self.t("col_item"), self.t("col_value")),
                tuple(items),
            )
        )
        if run is not None:
            models = [
                (
                    e.stratum,
                    ", ".join(e.lists),
                    e.model or self.t(e.problem or "not_estimable"),
                    e.aic,
                )
                for e in [*self.inputs.by_year, *self.inputs.by_form]
            ]
            section.items.append(
                PublishedTable(
                    "mse_models",
                    self.t("t_models"),
                    (self.t("col_stratum"), self.t("col_lists"), self.t("col_model"), "AIC"),
                    tuple(models),
                    digits=2,
                )
            )
        versions = [("python", platform.python_version())]
        for package in SOFTWARE:
            try:
                versions.append((package, metadata.version(package)))
            except metadata.PackageNotFoundError:
                continue
        section.items.append(
            PublishedTable(
                "software",
                self.t("t_software"),
                (self.t("col_package"), self.t("col_version")),
                tuple(versions),
            )
        )
        return section

    # -- summary ----------------------------------------------------------------------

    def headlines(self) -> tuple[list[Headline], PublishedTable]:
        y, previous = self.year, self.year - 1
        regs = self.count(("registrations", y))
        before = self.count(("registrations", previous)) if previous in self.years else None
        change = ""
        if regs is not None and before:
            percent = self.n(100 * (regs - before) / before, 0)
            change = f"{percent}% {self.t('headline_change', year=previous)}"
            if regs >= before:
                change = "+" + change
        headlines = [
            Headline(
                "registrations", self.t("headline_registrations", year=y), self.n(regs), change
            )
        ]
        rows: list[tuple[Value, ...]] = [(self.t("headline_registrations", year=y), regs)]
        if self.inputs.data.link_run is not None:
            persons = self.count(("persons", y))
            removed = self.count(("removed", y))
            headlines.append(
                Headline(
                    "persons",
                    self.t("headline_persons", year=y),
                    self.n(persons),
                    f"{self.n(removed)} {self.t('headline_double')}",
                )
            )
            rows.append((self.t("headline_persons", year=y), persons))
            estimate = next((e for e in self.inputs.by_year if e.stratum == str(y)), None)
            if estimate is not None and estimate.estimate is not None:
                ratio = estimate.estimate / persons if persons else None
                detail = self.t(
                    "headline_interval", low=self.n(estimate.lower), high=self.n(estimate.upper)
                )
                if ratio is not None:
                    detail += "; " + self.t("headline_ratio", ratio=self.n(ratio, 1))
                headlines.append(
                    Headline(
                        "estimate",
                        self.t("headline_estimate", year=y),
                        self.n(estimate.estimate),
                        detail,
                    )
                )
                rows += [
                    (self.t("headline_estimate", year=y), estimate.estimate),
                    (self.t("col_lower"), estimate.lower),
                    (self.t("col_upper"), estimate.upper),
                ]
            else:
                headlines.append(
                    Headline(
                        "estimate", self.t("headline_estimate", year=y), self.t("not_estimable")
                    )
                )
        prosecutor = self.count(("suspects", "prosecutor", y))
        target = self.inputs.targets.get(y)
        detail = (
            self.t("headline_target", target=self.n(target))
            if target
            else self.t("headline_no_target")
        )
        headlines.append(
            Headline("suspects", self.t("headline_suspects", year=y), self.n(prosecutor), detail)
        )
        rows.append((self.t("headline_suspects", year=y), prosecutor))
        if target:
            rows.append((self.t("row_target"), target))
        table = PublishedTable(
            "summary", self.t("summary"), (self.t("col_item"), self.t("col_value")), tuple(rows)
        )
        return headlines, table


def assemble(inputs: Inputs, lang: str, cutoff: dt.date | None) -> Report:
    """The report of `inputs` in `lang`."""
    writer = _Writer(inputs, lang)
    cutoff_text = fmt_date(cutoff, lang) if cutoff else "–"
    headlines, key_figures = writer.headlines()
    summary = Section("summary", writer.t("summary"), items=[key_figures])
    if inputs.data.link_run is None:
        summary.paragraphs.append(writer.t("no_linkage"))
    sections = [
        summary,
        writer.victims(),
        writer.linkage(),
        writer.estimates(),
        writer.suspects(),
        writer.quality(),
        writer.method(cutoff_text),
    ]
    return Report(
        lang=lang,
        year=inputs.year,
        title=writer.t("title", year=inputs.year),
        subtitle=writer.t("subtitle"),
        cutoff=cutoff_text,
        headlines=headlines,
        sections=sections,
        suppressed_note=writer.t("suppressed_note", k=inputs.k),
    )
