"""The results table for parliament as data: per theme its actions (owner, status,
result, change since last year), the indicators against their targets, and the
self-assessment's coverage per safety region. Rendered by `_documents`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.i18n import N_, Translator
from zicht.monitor import SUPPRESSED
from zicht.programme._assessment import Coverage, coverage
from zicht.programme._indicators import Figure, compute_indicators
from zicht.programme._labour import ALL, DEFINITIONS, LabourReports, labour_reports
from zicht.programme._model import Action, Programme, ProgrammeError, seed_programme
from zicht.programme._service import stored_programme
from zicht.standard import ORGANISATIONS
from zicht.store import programme as store
from zicht.store import statistics

__all__ = [
    "STATUS_LABELS",
    "ActionLine",
    "IndicatorLine",
    "Results",
    "build_results",
    "labour_table",
    "programme_of",
]

# Where a computed figure comes from (Figure.source), as the table names it.
SOURCE_LABELS = {
    "monitor": N_("monitor"),
    "self-assessment": N_("self-assessment"),
    "shelter": N_("shelter coordination"),
    "reporting": N_("anonymous reporting channel"),
}
STATUS_LABELS = {
    "planned": N_("Planned"),
    "running": N_("Running"),
    "done": N_("Done"),
    "delayed": N_("Delayed"),
}


@dataclass(frozen=True)
class ActionLine:
    """A row of the results table."""

    theme: str
    action: str
    owners: str
    status: str
    result: str
    change: str


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator with its figures of last year and this year and the target."""

    name: str
    previous: str
    current: str
    target: str
    source: str


@dataclass(frozen=True)
class Results:
    """Everything the results table of `year` shows."""

    year: int
    lang: str
    source: str
    cutoff: dt.date | None
    actions: list[ActionLine]
    indicators: list[IndicatorLine]
    figures: list[Figure]
    previous_figures: list[Figure]
    places: list[Coverage]
    regions: list[Coverage]
    national: Coverage
    published: bool
    labour: LabourReports


def programme_of(engine: Engine, year: int) -> Programme | None:
    """The stored programme of `year`; the shipped one for its own year when none is stored."""
    found = stored_programme(engine, year)
    if found is None and year == seed_programme().year:
        return seed_programme()
    return found


def _change(t: Translator, action: Action, year: int, before: Programme | None) -> str:
    earlier = before.action(action.code) if before is not None else None
    if before is not None and earlier is None:
        return t("New action")
    notes = []
    if earlier is not None and earlier.status != action.status:
        notes.append(
            t(
                "Status: %(old)s → %(new)s",
                old=t(STATUS_LABELS[earlier.status]),
                new=t(STATUS_LABELS[action.status]),
            )
        )
    last = (earlier or action).results.get(year - 1)
    now = action.results.get(year)
    if now is not None and now != last:
        notes.append(t("Result updated") if last is not None else t("First result"))
    if before is None and earlier is None and not notes:
        return t("No earlier year")
    return "; ".join(notes) if notes else t("No change")


def _shown(t: Translator, figure: Figure | None) -> str:
    if figure is None:
        return "–"
    if figure.suppressed:
        return SUPPRESSED
    if figure.value is None:
        return "–"
    digits = 0 if float(figure.value).is_integer() else 1
    text = t.number(figure.value, digits)
    if figure.lower is not None and figure.upper is not None:
        text += f" ({t.number(figure.lower)}–{t.number(figure.upper)})"
    return text


def build_results(engine: Engine, year: int, lang: str = "nl") -> Results:
    """The results table of `year` from the stored programme and Zicht's data."""
    programme = programme_of(engine, year)
    if programme is None:
        raise ProgrammeError(f"no programme is stored for {year}: import one first")
    before = programme_of(engine, year - 1)
    t = Translator(lang)
    actions = [
        ActionLine(
            theme.name,
            action.title,
            ", ".join(action.owners),
            t(STATUS_LABELS[action.status]),
            action.results.get(year, "–"),
            _change(t, action, year, before),
        )
        for theme in programme.themes
        for action in theme.actions
    ]
    figures = compute_indicators(engine, programme, year)
    previous = compute_indicators(engine, before or programme, year - 1)
    earlier = {f.indicator: f for f in previous}
    indicators = []
    for indicator, figure in zip(programme.indicators, figures, strict=True):
        source = (
            t("Zicht (%(what)s)", what=t(SOURCE_LABELS.get(figure.source, figure.source)))
            if indicator.kind == "computed"
            else (figure.source or "–")
        )
        target = indicator.targets.get(year)
        indicators.append(
            IndicatorLine(
                indicator.name,
                _shown(t, earlier.get(indicator.code)),
                _shown(t, figure),
                "–" if target is None else t.number(target),
                source,
            )
        )
    places, regions, national = coverage(engine, programme, year, published_only=True)
    return Results(
        year=year,
        lang=t.lang,
        source=programme.source,
        cutoff=statistics.data_cutoff(engine),
        actions=actions,
        indicators=indicators,
        figures=figures,
        previous_figures=previous,
        places=places,
        regions=regions,
        national=national,
        published=store.round_published(engine, year),
        labour=labour_reports(engine, year),
    )


def labour_table(t: Translator, labour: LabourReports) -> tuple[list[str], list[list[str]]]:
    """The header and rows (organisation, one count per definition, total last) of the
    labour-exploitation table, formatted for `t`; x marks a suppressed count."""
    header = [t("Organisation"), *(t(name) for name in DEFINITIONS.values())]
    rows = []
    for organisation in (*labour.organisations, ALL):
        name = t("Total") if organisation == ALL else _organisation(organisation, t.lang)
        counts = [SUPPRESSED if n is None else t.number(n) for n in labour.row(organisation)]
        rows.append([name, *counts])
    return header, rows


def _organisation(code: str, lang: str) -> str:
    return ORGANISATIONS.label(code, lang) if code in ORGANISATIONS else code
