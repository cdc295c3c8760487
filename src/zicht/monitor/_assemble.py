"""From protected counts and estimates to the report's sections, tables and charts."""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Hashable
from dataclasses import dataclass
from importlib import metadata

from babel.numbers import get_decimal_symbol

from zicht.estimate import DEFAULT_POLICY, Estimate, EstimationPolicy
from zicht.i18n import N_, Translator
from zicht.monitor._channel import channel_section
from zicht.monitor._charts import Chart, bar_chart, trend_chart
from zicht.monitor._data import MonitorData
from zicht.monitor._i18n import SUPPRESSED, fmt_date, fmt_number, pick
from zicht.monitor._model import Headline, PublishedTable, Report, Section, Value
from zicht.monitor._shelter import shelter_section
from zicht.monitor._tables import CountSystem, CountTable
from zicht.privacy import PublicationPolicy
from zicht.reporting import ReportingCounts
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

# Why an estimate is missing (zicht.monitor._estimates.Estimate.problem).
_PROBLEMS = {"too_few": N_("too few persons"), "not_estimable": N_("cannot be estimated")}


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
    channel: ReportingCounts | None = None
    """The anonymous channel's published counts of the year (no section when None)."""


# The policy's choices of model selection and interval, as the method text names them.
_METHODS = {
    "stepwise": N_("stepwise (SparseMSE)"),
    "aic": N_("stepwise by AIC (Home Office)"),
    "aic-exhaustive": N_("best AIC of all models"),
    "bic": N_("best BIC of all models"),
    "main": N_("main effects only"),
}
_INTERVALS = {
    "normal": N_("normal on the log scale"),
    "profile": N_("profile likelihood (Rcapture)"),
    "bootstrap": N_("BCa bootstrap"),
}


def method_text(policy: EstimationPolicy, lang: str) -> str:
    """The report's paragraph on the estimation method, written from the policy object."""
    t = Translator(lang)
    values = policy.text_values(t.lang)
    # the threshold's decimal sign of the report's language (text_values knows nl and en)
    values["pthresh"] = f"{policy.pthresh:g}".replace(".", get_decimal_symbol(t.locale))
    values["method"] = t(_METHODS[policy.method])
    values["interval"] = t(_INTERVALS[policy.interval])
    return t(
        "Model selection: %(method)s, threshold p < %(pthresh)s; %(level)s interval: "
        "%(interval)s. An organisation is a list of its own when it registered at least "
        "%(merge)s persons in the link run and is among the %(max_lists)s largest; the others "
        "are merged into OTHER. No estimate for a group of fewer than %(min_persons)s persons.",
        **values,
    )


class _Writer:
    """Builds the report in one language."""

    def __init__(self, inputs: Inputs, lang: str) -> None:
        self.inputs = inputs
        self.lang = lang
        self.translator = Translator(lang)
        self.year = inputs.year
        self.years = inputs.data.report_years
        self.later = {str(y) for y in inputs.data.years if y > inputs.year}

    def t(self, message: str, **values: object) -> str:
        return self.translator(message, **values)

    def n(self, value: float | None, digits: int = 0) -> str:
        return fmt_number(value, self.lang, digits)

    def threshold(self, value: object) -> str:
        """The link run's threshold with the language's decimal sign ('' when unset)."""
        if isinstance(value, int | float):
            return self.n(value, 2)
        return "" if value is None else str(value)

    def count(self, key: Hashable) -> int | None:
        return self.inputs.published.get(key)

    # -- tables -----------------------------------------------------------------------

    def count_table(self, table: CountTable) -> PublishedTable:
        # Year columns after the report year are cells of the system, not of the report.
        columns = [(c, label) for c, label in table.columns if c not in self.later]
        rows = []
        for row in table.rows:
            cells: list[Value] = [pick(row.label, self.lang)]
            cells += [self.count(table.keys[(row.code, c)]) for c, _ in columns]
            rows.append(tuple(cells))
        return PublishedTable(
            name=table.name,
            title=pick(table.title, self.lang),
            header=(
                pick(table.row_header, self.lang),
                *(pick(lb, self.lang) for _, lb in columns),
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
            self.t("%(title)s, %(year)s", title=title, year=self.year),
            self.t(
                "Bar chart: %(title)s, %(year)s. %(items)s.",
                title=title,
                year=self.year,
                items=listing,
            ),
            labels,
            values,
            number=self.n,
            suppressed_label=SUPPRESSED,
        )

    # -- sections ---------------------------------------------------------------------

    def victims(self) -> Section:
        tables = self.inputs.system.tables
        section = Section(
            "victims",
            self.t("Registered possible victims"),
            [
                self.t(
                    "Registrations of possible victims by year of registration. A registration is "
                    "not a finding: these are possible victims."
                )
            ],
        )
        if self.later:
            section.paragraphs.append(
                self.t(
                    "Tables and charts end at %(year)s, the report year: registrations of "
                    "later years (until the data cut-off date) belong to a later report.",
                    year=self.year,
                )
            )
        totals = [self.count(("registrations", y)) for y in self.years]
        title = self.t("Registrations per year%(extra)s", extra="")
        listing = "; ".join(f"{y}: {self.n(v)}" for y, v in zip(self.years, totals, strict=True))
        section.items.append(
            trend_chart(
                "registrations",
                title,
                self.t("Line chart: %(title)s. %(items)s.", title=title, items=listing),
                self.years,
                [(self.t("Registrations"), totals)],
                number=self.n,
            )
        )
        section.items.append(
            PublishedTable(
                "victims_per_year",
                self.t("Registrations per year"),
                (self.t("Year"), *map(str, self.years)),
                ((self.t("Registrations"), *totals),),
                (2,),
            )
        )
        for name in ("form", "organisation", "age", "gender", "nationality"):
            section.items.append(self.year_chart(tables[name]))
            section.items.append(self.count_table(tables[name]))
        return section

    def linkage(self) -> Section:
        section = Section(
            "linkage",
            self.t("Registrations and unique persons"),
            [
                self.t(
                    "The same person can be registered by several organisations or several times. "
                    "After linkage each person counts once a year."
                )
            ],
        )
        table = self.inputs.system.tables.get("linkage")
        if table is None:
            section.paragraphs.append(
                self.t(
                    "The database holds no linkage: this report counts registrations, not unique "
                    "persons, and has no estimate of the real number (run `zicht link` first)."
                )
            )
            return section
        regs = [self.count(table.keys[("registrations", str(y))]) for y in self.years]
        persons = [self.count(table.keys[("persons", str(y))]) for y in self.years]
        title = self.t("Registrations and unique persons")
        listing = "; ".join(
            f"{y}: {self.n(r)} / {self.n(p)}"
            for y, r, p in zip(self.years, regs, persons, strict=True)
        )
        section.items.append(
            trend_chart(
                "linkage",
                title,
                self.t("Line chart: %(title)s. %(items)s.", title=title, items=listing),
                self.years,
                [(self.t("Registrations"), regs), (self.t("Unique persons"), persons)],
                number=self.n,
            )
        )
        section.items.append(self.count_table(table))
        return section

    def estimate_row(
        self, label: str, estimate: Estimate, persons: int | None
    ) -> tuple[Value, ...]:
        if estimate.problem is not None:
            # Why there is no estimate is text: it goes in the text column (the model's),
            # not among the numbers.
            reason = self.t(_PROBLEMS[estimate.problem])
            return (label, persons, "", "", "", "", reason)
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
            self.t("Registered persons"),
            self.t("Estimate"),
            self.t("Lower 95%%"),
            self.t("Upper 95%%"),
            self.t("Estimate / registered"),
            self.t("Model"),
        )

    def estimates(self) -> Section:
        section = Section(
            "estimate",
            self.t("Estimated real number of victims"),
            [
                self.t(
                    "Multiple systems estimation (MSE) on the linked persons; lists are the "
                    "registering organisations. The interval shows sampling uncertainty only, not "
                    "model uncertainty."
                )
            ],
        )
        if self.inputs.data.link_run is None:
            section.paragraphs.append(
                self.t(
                    "The database holds no linkage: this report counts registrations, not unique "
                    "persons, and has no estimate of the real number (run `zicht link` first)."
                )
            )
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
        title = self.t("Estimate per year")
        listing = "; ".join(
            f"{y}: {self.n(e) if e is not None else self.t('cannot be estimated')}"
            for y, e in zip(self.years, points, strict=True)
        )
        section.items.append(
            trend_chart(
                "estimate",
                title,
                self.t("Line chart: %(title)s. %(items)s.", title=title, items=listing),
                self.years,
                [(self.t("Estimate"), points), (self.t("Unique persons"), registered)],
                number=self.n,
                band=(
                    self.t("95%% interval %(low)s – %(high)s", low="", high="").strip(" –"),
                    lows,
                    highs,
                ),
            )
        )
        section.items.append(
            PublishedTable(
                "estimate_per_year",
                title,
                self.estimate_header(self.t("Year")),
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
                self.t("Estimate per form, %(year)s", year=self.year),
                self.estimate_header(pick((FORMS.nl, FORMS.en), self.lang)),
                tuple(form_rows),
                digits=1,
            )
        )
        return section

    def suspects(self) -> Section:
        section = Section(
            "suspects",
            self.t("Suspects against the target"),
            [
                self.t(
                    "Registered suspects and suspects brought to the Public Prosecution Service, "
                    "against the yearly target of the programme Together against human "
                    "trafficking."
                )
            ],
        )
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
            (self.t("Target"), *targets),
            (self.t("Achieved (%% of target)"), *shares),
        )
        registered = [self.count(table.keys[("registered", str(y))]) for y in self.years]
        title = self.t("Suspects against the target")
        listing = "; ".join(
            f"{y}: {self.n(p)} / {self.n(t) if isinstance(t, int) else '–'}"
            for y, p, t in zip(self.years, prosecutor, targets, strict=True)
        )
        section.items.append(
            trend_chart(
                "suspects",
                title,
                self.t("Line chart: %(title)s. %(items)s.", title=title, items=listing),
                self.years,
                [
                    (self.t("Brought to the prosecutor"), prosecutor),
                    (self.t("Suspects registered"), registered),
                ],
                number=self.n,
                bars=(self.t("Target"), [t if isinstance(t, int) else None for t in targets]),
            )
        )
        section.items.append(
            PublishedTable(published.name, published.title, published.header, rows, (0, 0, 0, 0))
        )
        return section

    def quality(self) -> Section:
        section = Section(
            "quality",
            self.t("Data quality"),
            [
                self.t(
                    "Rows that failed the data standard on ingest are quarantined; missing fields "
                    "are counted per source over the report year."
                )
            ],
        )
        tables = self.inputs.system.tables
        quarantine = self.count_table(tables["quarantine"])
        section.items.append(quarantine)
        missing = self.count_table(tables["missing"])
        section.items.append(
            PublishedTable(
                missing.name,
                self.t("Missing fields by source, %(year)s", year=self.year),
                missing.header,
                missing.rows,
                missing.levels,
            )
        )
        return section

    def method(self, cutoff: str) -> Section:
        section = Section(
            "method",
            self.t("Method annex"),
            [
                self.t(
                    "Cells below k are suppressed, and enough other cells that no suppressed cell "
                    "can be recomputed from totals and other cells (also of linked tables); "
                    "audited by linear programming (see docs/privacy.md)."
                ),
                self.t(
                    "Estimates are rounded to %(digits)s significant digits of the interval "
                    "half-width; the interval limits are rounded outwards (lower down, upper up).",
                    digits=self.inputs.policy.digits,
                ),
            ],
        )
        run = self.inputs.data.link_run
        items: list[tuple[Value, ...]] = [
            (self.t("Data cut-off date"), cutoff),
            (self.t("Smallest published count (k)"), self.inputs.k),
        ]
        if run is None:
            items.append((self.t("Link run"), self.t("no linkage")))
        else:
            params = run.parameters or {}
            finished = run.finished_at.date() if run.finished_at else None
            items += [
                (
                    self.t("Link run"),
                    f"#{run.id} {run.mode}, {run.backend}"
                    + (f", {fmt_date(finished, self.lang)}" if finished else ""),
                ),
                (self.t("Match threshold"), self.threshold(params.get("threshold"))),
                (self.t("Clustering"), str(params.get("method", ""))),
                (
                    self.t("Registrations / persons"),
                    f"{self.n(run.registrations)} / {self.n(run.persons)}",
                ),
            ]
            section.paragraphs.append(method_text(self.inputs.policy, self.lang))
        targets = ", ".join(f"{y}: {v}" for y, v in sorted(self.inputs.targets.items()))
        items.append((self.t("Targets suspects to prosecutor"), targets))
        section.items.append(
            PublishedTable(
                "method",
                self.t("Method annex"),
                (self.t("Item"), self.t("Value")),
                tuple(items),
            )
        )
        if run is not None:
            models = [
                (
                    e.stratum,
                    ", ".join(e.lists),
                    e.model or self.t(_PROBLEMS[e.problem or "not_estimable"]),
                    "" if e.aic is None else e.aic,  # no model, no AIC: nothing suppressed
                )
                for e in [*self.inputs.by_year, *self.inputs.by_form]
                if e.stratum not in self.later
            ]
            section.items.append(
                PublishedTable(
                    "mse_models",
                    self.t("MSE models chosen"),
                    (self.t("Stratum"), self.t("Lists"), self.t("Model"), "AIC"),
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
                self.t("Software"),
                (self.t("Package"), self.t("Version")),
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
            compared = self.t("compared with %(year)s", year=previous)
            change = f"{percent}% {compared}"
            if regs >= before:
                change = "+" + change
        headlines = [
            Headline(
                "registrations",
                self.t("Registrations of possible victims in %(year)s", year=y),
                self.n(regs),
                change,
            )
        ]
        rows: list[tuple[Value, ...]] = [
            (self.t("Registrations of possible victims in %(year)s", year=y), regs)
        ]
        if self.inputs.data.link_run is not None:
            persons = self.count(("persons", y))
            removed = self.count(("removed", y))
            headlines.append(
                Headline(
                    "persons",
                    self.t("Unique persons after linkage in %(year)s", year=y),
                    self.n(persons),
                    self.n(removed) + " " + self.t("double counts removed"),
                )
            )
            rows.append((self.t("Unique persons after linkage in %(year)s", year=y), persons))
            estimate = next((e for e in self.inputs.by_year if e.stratum == str(y)), None)
            if estimate is not None and estimate.estimate is not None:
                ratio = estimate.estimate / persons if persons else None
                detail = self.t(
                    "95%% interval %(low)s – %(high)s",
                    low=self.n(estimate.lower),
                    high=self.n(estimate.upper),
                )
                if ratio is not None:
                    detail += "; " + self.t(
                        "%(ratio)s times the number registered", ratio=self.n(ratio, 1)
                    )
                headlines.append(
                    Headline(
                        "estimate",
                        self.t("Estimated real number of victims in %(year)s", year=y),
                        self.n(estimate.estimate),
                        detail,
                    )
                )
                rows += [
                    (
                        self.t("Estimated real number of victims in %(year)s", year=y),
                        estimate.estimate,
                    ),
                    (self.t("Lower 95%%"), estimate.lower),
                    (self.t("Upper 95%%"), estimate.upper),
                ]
            else:
                headlines.append(
                    Headline(
                        "estimate",
                        self.t("Estimated real number of victims in %(year)s", year=y),
                        self.t("cannot be estimated"),
                    )
                )
        prosecutor = self.count(("suspects", "prosecutor", y))
        target = self.inputs.targets.get(y)
        detail = (
            self.t("target %(target)s", target=self.n(target))
            if target
            else self.t("no target set")
        )
        headlines.append(
            Headline(
                "suspects",
                self.t("Suspects brought to the prosecutor in %(year)s", year=y),
                self.n(prosecutor),
                detail,
            )
        )
        rows.append((self.t("Suspects brought to the prosecutor in %(year)s", year=y), prosecutor))
        if target:
            rows.append((self.t("Target"), target))
        table = PublishedTable(
            "summary", self.t("Summary"), (self.t("Item"), self.t("Value")), tuple(rows)
        )
        return headlines, table


def assemble(inputs: Inputs, lang: str, cutoff: dt.date | None) -> Report:
    """The report of `inputs` in `lang`."""
    writer = _Writer(inputs, lang)
    cutoff_text = fmt_date(cutoff, lang) if cutoff else "–"
    headlines, key_figures = writer.headlines()
    summary = Section("summary", writer.t("Summary"), items=[key_figures])
    if inputs.data.link_run is None:
        summary.paragraphs.append(
            writer.t(
                "The database holds no linkage: this report counts registrations, not unique "
                "persons, and has no estimate of the real number (run `zicht link` first)."
            )
        )
    sections = [
        summary,
        writer.victims(),
        writer.linkage(),
        writer.estimates(),
        writer.suspects(),
        shelter_section(
            inputs.data.shelter, writer.count, PublicationPolicy(k=inputs.k), writer.lang
        ),
        writer.quality(),
    ]
    if inputs.channel is not None:
        sections.append(channel_section(inputs.channel, inputs.year, lang))
    sections.append(writer.method(cutoff_text))
    return Report(
        lang=lang,
        year=inputs.year,
        title=writer.t("Human trafficking monitor %(year)s", year=inputs.year),
        subtitle=writer.t("Registered possible victims, suspects and the estimated total"),
        cutoff=cutoff_text,
        headlines=headlines,
        sections=sections,
        suppressed_note=writer.t(
            "x = not published to protect persons (count below %(k)s, or derivable from other "
            "cells).",
            k=inputs.k,
        ),
    )
