"""The filter form of the registrations list, rendered once per set of inputs.

The form depends only on the language, the choices (record types, organisations when
the caller sees all, years present, forms, sorts), the chosen values and whether the
caller may ask for identities; a form without a typed purpose or an error is
therefore remembered for exactly those inputs (the years passed in come from the
data-version cache of the list).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup

from zicht.i18n import N_
from zicht.standard import FORMS, ORGANISATIONS, RECORD_TYPES
from zicht.web.i18n import Translator
from zicht.web.queries import SORTS
from zicht.web.rendering import environment

__all__ = ["filter_form"]

_SORT_LABELS = {
    "id": N_("Number"),
    "registration_date": N_("Registration date"),
    "source": N_("Organisation"),
}


def _render(
    t: Translator,
    query: dict[str, Any],
    errors: dict[str, str],
    all_organisations: bool,
    years: tuple[int, ...],
    can_identify: bool,
) -> Markup:
    organisations = None
    if all_organisations:
        organisations = [(code, t.label("organisation", code)) for code in ORGANISATIONS.codes]
    html = environment.get_template("registrations_filter.html").render(
        t=t,
        errors=errors,
        query=query,
        record_types=[(n, k.nl if t.lang == "nl" else k.en) for n, k in RECORD_TYPES.items()],
        organisations=organisations,
        years=[(y, str(y)) for y in years],
        forms=[(code, t.label("form", code)) for code in FORMS.codes],
        sorts=[
            (s, t(_SORT_LABELS[s.lstrip("-")]) + (" ↓" if s.startswith("-") else "")) for s in SORTS
        ],
        can_identify=can_identify,
    )
    return Markup(html)  # noqa: S704 - rendered by the autoescaping environment


@lru_cache(maxsize=512)
def _remembered(
    lang: str,
    choice: tuple[str, str | None, int | None, str | None, str],
    all_organisations: bool,
    years: tuple[int, ...],
    can_identify: bool,
) -> Markup:
    record_type, organisation, year, form, sort = choice
    query = {
        "record_type": record_type,
        "organisation": organisation,
        "year": year,
        "form": form,
        "sort": sort,
        "identities": False,
        "purpose": "",
    }
    return _render(Translator(lang), query, {}, all_organisations, years, can_identify)


def filter_form(
    t: Translator,
    query: dict[str, Any],
    errors: dict[str, str],
    all_organisations: bool,
    years: tuple[int, ...],
    can_identify: bool,
) -> Markup:
    """The filter form for `query` (its filters, `identities` and `purpose`)."""
    if query["purpose"] or query["identities"] or errors:
        return _render(t, query, errors, all_organisations, years, can_identify)
    choice = (
        query["record_type"],
        query["organisation"],
        query["year"],
        query["form"],
        query["sort"],
    )
    return _remembered(t.lang, choice, all_organisations, years, can_identify)
