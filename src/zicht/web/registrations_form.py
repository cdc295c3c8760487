"""The filter form of the registrations list, rendered once per set of inputs.

The filter form depends only on the language, the choices (record types, organisations when
the caller sees all, years present, forms, genders, sorts) and the chosen values; it is
therefore remembered for exactly those inputs (the years passed in come from the
data-version cache of the list). The purpose of a look at identities is not part of it:
that is a form of its own, POSTed (`look_form`), rendered once per language, page and
error, with markers where the request's own values go (its CSRF token, filters and
purpose), each replaced by its value escaped as the template escapes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache

from markupsafe import Markup, escape

from zicht.i18n import N_
from zicht.standard import FORMS, GENDERS, ORGANISATIONS, RECORD_TYPES
from zicht.store.web_registrations import RegistrationQuery
from zicht.web.i18n import Translator
from zicht.web.queries import SORTS, field_label
from zicht.web.rendering import environment

__all__ = ["filter_form", "look_form"]

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


# Where a request's own values go in the remembered look form. No value put in place
# is searched again (one pass), so a purpose that holds a marker stays as typed.
_MARKER = re.compile("\x00(csrf|hidden|purpose)\x00")
_MARKS = {name: f"\x00{name}\x00" for name in ("csrf", "hidden", "purpose")}


@lru_cache(maxsize=1024)
def _look(lang: str, errors: tuple[tuple[str, str], ...], page: int, identities: bool) -> str:
    return environment.get_template("registrations_look.html").render(
        t=Translator(lang),
        csrf_token=_MARKS["csrf"],
        hidden=_MARKS["hidden"],
        purpose=_MARKS["purpose"],
        errors=dict(errors),
        page=page,
        identities=identities,
    )


def look_form(
    t: Translator,
    csrf_token: str,
    filters: Sequence[tuple[str, str]],
    purpose: str,
    errors: Mapping[str, str],
    page: int,
    identities: bool,
) -> Markup:
    """The POSTed form asking for identities with a purpose: the list's `filters` as
    hidden fields, the `purpose` typed so far, the button asking for `page`."""
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in filters
    )
    values = {"csrf": str(escape(csrf_token)), "hidden": hidden, "purpose": str(escape(purpose))}
    html = _look(t.lang, tuple(errors.items()), page, identities)
    return Markup(_MARKER.sub(lambda found: values[found.group(1)], html))  # noqa: S704 - escaped above
