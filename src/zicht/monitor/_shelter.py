"""The report's shelter chapter: the shelter area's cells of the report year, as published.

The cells are those of `zicht.shelter.shelter_counts`, added to the report's count
system (`zicht.monitor._tables.build_system`) and published with it; the dashboard
reads the same cells from the same system (`zicht.monitor._publication`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from zicht.i18n import N_, Translator
from zicht.monitor._charts import bar_chart
from zicht.monitor._i18n import SUPPRESSED, fmt_date, fmt_number, pick
from zicht.monitor._model import PublishedTable, Section, Value
from zicht.privacy import PublicationPolicy
from zicht.shelter import REFUSAL_REASONS, WAIT_BANDS, ShelterCounts, ShelterFigures, read_figures
from zicht.standard import FORMS

__all__ = ["shelter_section"]

ALL = "*"


def _form(code: str, lang: str) -> str:
    if code == ALL:
        return pick(N_("Total"), lang)
    return pick((FORMS.get(code).nl, FORMS.get(code).en), lang) if code in FORMS else code


def _occupancy_rows(figures: ShelterFigures, lang: str) -> tuple[tuple[Value, ...], ...]:
    """One row per day from the first to the last day not published as 0."""
    days = [day for day in figures.days if figures.occupancy[day] != 0]
    if not days:
        return ()
    first, last = figures.days.index(days[0]), figures.days.index(days[-1])
    return tuple(
        (fmt_date(day, lang), figures.occupancy[day]) for day in figures.days[first : last + 1]
    )


def shelter_section(
    counts: ShelterCounts | None,
    published: Callable[[Hashable], int | None],
    policy: PublicationPolicy,
    lang: str,
) -> Section:
    """The chapter on shelter of the report year, in `lang`."""
    t = Translator(lang)
    section = Section(
        "shelter",
        t("Shelter and crisis beds"),
        [
            t(
                "Places in shelters and crisis beds coordinated through Zicht: people in a "
                "shelter at the end of each day, time from request to placement, refusals by "
                "the shelters and placements by region and form of exploitation."
            )
        ],
    )
    if counts is None or not any(counts.values.values()):
        section.paragraphs.append(t("No shelter placements or refusals were recorded this year."))
        return section
    figures = read_figures(counts, published, policy)
    year = counts.year
    waits = [(pick(label, lang), figures.waits[code]) for code, label, _bound in WAIT_BANDS]
    title = t("Time from request to placement, %(year)s", year=year)
    listing = "; ".join(f"{label}: {fmt_number(n, lang)}" for label, n in waits)
    section.items.append(
        bar_chart(
            f"shelter-wait-{year}",
            title,
            t("Bar chart: %(title)s, %(year)s. %(items)s.", title=title, year=year, items=listing),
            [label for label, _n in waits],
            [n for _label, n in waits],
            number=lambda v: fmt_number(v, lang),
            suppressed_label=SUPPRESSED,
        )
    )
    section.items.append(
        PublishedTable(
            "shelter_wait",
            title,
            (t("Time"), t("Placements")),
            (*waits, (t("Total"), figures.waits[ALL])),
            (*(0 for _ in waits), 2),
        )
    )
    refusals = [(pick(label, lang), figures.refusals[c]) for c, label in REFUSAL_REASONS.items()]
    section.items.append(
        PublishedTable(
            "shelter_refusals",
            t("Refusals by reason, %(year)s", year=year),
            (t("Reason"), t("Refusals")),
            (*refusals, (t("Total"), figures.refusals[ALL])),
            (*(0 for _ in refusals), 2),
        )
    )
    forms = (*figures.forms, ALL)
    rows = tuple(
        (
            t("Total") if region == ALL else region,
            *(figures.placements[(region, form)] for form in forms),
        )
        for region in (*figures.regions, ALL)
    )
    section.items.append(
        PublishedTable(
            "shelter_placements",
            t("Placements by region and form of exploitation, %(year)s", year=year),
            (t("Region"), *(_form(form, lang) for form in forms)),
            rows,
            (*(0 for _ in figures.regions), 2),
        )
    )
    section.items.append(
        PublishedTable(
            "shelter_occupancy",
            t("People in a shelter at the end of the day, %(year)s", year=year),
            (t("Date"), t("People")),
            _occupancy_rows(figures, lang),
        )
    )
    return section
