"""The filter form of the registrations list, rendered once per set of inputs.

The form depends only on the language, the choices (record types, organisations when
the caller sees all, years present, forms, genders, sorts) and the chosen values; it is
therefore remembered for exactly those inputs (the years passed in come from the
data-version cache of the list). The purpose of a look at identities is not part of it:
that is a form of its own, POSTed (templates/registrations.html).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from markupsafe import Markup

from zicht.i18n import N_
from zicht.standard import FORMS, GENDERS, ORGANISATIONS, RECORD_TYPES
from zicht.store.web_registrations import RegistrationQuery
from zicht.web.i18n import Translator
from zicht.web.queries import SORTS, field_label
from zicht.web.rendering import environment

__all__ = ["filter_form"]

_SORT_LABELS = {
    "id": N_("Number"),
    "registration_date": N_("Registration date"),
    "source": N_("Organisation"),
}


@lru_cache(maxsize=512)
def _render(
    lang: str,
    query: RegistrationQuery,
    all_organisations: bool,
    years: tuple[int, ...],
) -> Markup:
    t = Translator(lang)
    organisations = None
    if all_organisations:
        organisations = [(code, t.label("organisation", code)) for code in ORGANISATIONS.codes]
    html = environment.get_template("registrations_filter.html").render(
        t=t,
        query=query,
        record_types=[(n, k.nl if t.lang == "nl" else k.en) for n, k in RECORD_TYPES.items()],
        organisations=organisations,
        years=[(y, str(y)) for y in years],
        forms=[(code, t.label("form", code)) for code in FORMS.codes],
        genders=[(code, t.label("gender", code)) for code in GENDERS.codes],
        gender_label=field_label(query.record_type, "gender", lang),
        sorts=[
            (s, t(_SORT_LABELS[s.lstrip("-")]) + (" ↓" if s.startswith("-") else "")) for s in SORTS
        ],
    )
    return Markup(html)  # noqa: S704 - rendered by the autoescaping environment


def filter_form(
    t: Translator,
    query: RegistrationQuery,
    all_organisations: bool,
    years: tuple[int, ...],
) -> Markup:
    """The filter and search form for `query` (the page number is not part of it).

    A form with typed search text is not remembered: what a user types is kept no
    longer than their request."""
    if query.search:
        return _render.__wrapped__(t.lang, _without_page(query), all_organisations, years)
    return _render(t.lang, _without_page(query), all_organisations, years)


def _without_page(query: RegistrationQuery) -> RegistrationQuery:
    return replace(query, page=1) if query.page != 1 else query
