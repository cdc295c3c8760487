"""Registrations for pages and API alike: scope, labels and identities per permission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from operator import attrgetter
from typing import Any

from markupsafe import Markup

from zicht.access import Principal, authorize, scope_of
from zicht.standard import RECORD_TYPES
from zicht.store.web_registrations import RegistrationRow, StoredRegistration
from zicht.web.i18n import Translator
from zicht.web.queries import LIST_COLUMNS, LIST_IDENTITY, field_label

__all__ = [
    "VOCABULARY_OF",
    "Column",
    "display",
    "list_columns",
    "page_numbers",
    "table_rows",
    "visible_organisation",
]

# Which vocabulary labels a column's codes.
VOCABULARY_OF: dict[str, str] = {
    "source": "organisation",
    "referred_by": "organisation",
    "forms": "form",
    "sectors": "sector",
    "means_of_control": "means_of_control",
    "gender": "gender",
    "nationality": "country",
    "country_of_exploitation": "country",
    "victim_status": "victim_status",
    "role": "suspect_role",
    "channel": "report_channel",
    "reporter_kind": "reporter_kind",
    "recruiter_relation": "recruiter_relation",
    "age_band": "age_band",
}


@dataclass(frozen=True)
class Column:
    name: str
    label: str


def visible_organisation(principal: Principal, action: str, asked: str | None) -> str | None:
    """The organisation filter a principal gets: its own when its scope is "own"."""
    return principal.organisation if scope_of(principal, action) == "own" else asked


def may_identify(principal: Principal, organisation: str | None = None) -> bool:
    """May the principal see identity data (of `organisation`)?"""
    return authorize(principal, "view_identity", organisation)


def list_columns(record_type: str, lang: str, with_identity: bool) -> list[Column]:
    names = ["id", *LIST_COLUMNS[record_type]]
    if with_identity:
        names += LIST_IDENTITY[record_type]
    return [Column(name, field_label(record_type, name, lang)) for name in names]


def display(t: Translator, name: str, value: Any) -> str:
    """A stored value as shown on a page."""
    if value is None:
        return ""
    vocabulary = VOCABULARY_OF.get(name)
    if vocabulary is not None:
        try:
            return t.labels(vocabulary, str(value))
        except KeyError:
            return str(value)
    if isinstance(value, bool):
        return t("Yes") if value else t("No")
    if isinstance(value, dt.date | dt.datetime):
        return t.date(value)
    if isinstance(value, int):
        return str(value)
    return str(value)


@lru_cache(maxsize=16384, typed=True)
def _analytic_cell(lang: str, name: str, value: Any) -> str:
    # Lists show the same codes, dates and numbers over and over. Only analytic values
    # are remembered here: identity values are never kept beyond their request.
    return f"<td>{escape(display(Translator(lang), name, value))}</td>"


@lru_cache(maxsize=8)
def _values_of(record_type: str) -> Callable[[RegistrationRow], tuple[Any, ...]]:
    # The list columns of a row in one call (a tuple, in LIST_COLUMNS order); a column
    # that no list row has is a KeyError here, as in `RegistrationRow.value`.
    names = LIST_COLUMNS[record_type]
    for name in names:
        RegistrationRow.__dataclass_fields__[name]
    if len(names) == 1:
        return lambda row: (getattr(row, names[0]),)
    getter: Callable[[RegistrationRow], tuple[Any, ...]] = attrgetter(*names)
    return getter


def table_rows(
    t: Translator,
    record_type: str,
    rows: list[RegistrationRow],
    identity_names: tuple[str, ...] = (),
    decrypted: dict[int, dict[str, Any]] | None = None,
    look_form: bool = False,
) -> Markup:
    """The body rows of a registrations table: the id as a link, the analytic cells of
    LIST_COLUMNS, then the `identity_names` cells from `decrypted`.

    With `look_form` the id is a button of the page's `look` form instead of a link, so
    that the registration's own page opens with the same purpose, POSTed (never in a URL).

    Built here rather than in a template loop: a page has 50 rows of about ten cells,
    and escaping each with `html.escape` is several times cheaper than Jinja's loop.
    """
    kind = escape(record_type)
    names = LIST_COLUMNS[record_type]
    values_of = _values_of(record_type)
    lang = t.lang
    parts: list[str] = []
    for row in rows:
        ident = escape(str(row.id))
        values = values_of(row)
        cells = "".join([_analytic_cell(lang, n, v) for n, v in zip(names, values, strict=True)])
        if identity_names:
            identity = (decrypted or {}).get(row.id, {})
            cells += "".join(
                f"<td>{escape(display(t, n, identity.get(n)))}</td>" for n in identity_names
            )
        if look_form:
            link = (
                f'<button type="submit" form="look" class="button-link" '
                f'formaction="/registrations/{kind}/{ident}">{ident}</button>'
            )
        else:
            link = f'<a href="/registrations/{kind}/{ident}">{ident}</a>'
        parts.append(f'<tr>\n<th scope="row">{link}</th>\n{cells}\n</tr>\n')
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and `around` either side of
    `page`, with None where numbers are left out ("…")."""
    wanted = {1, pages, *range(max(1, page - around), min(pages, page + around) + 1)}
    shown: list[int | None] = []
    previous = 0
    for number in sorted(wanted):
        if number - previous > 1:
            shown.append(None)
        shown.append(number)
        previous = number
    return shown


def record_fields(
    t: Translator, record_type: str, record: StoredRegistration
) -> list[tuple[str, str]]:
    """(label, display value) of the analytic fields of a record."""
    values = record.fields
    names = [n for n in RECORD_TYPES[record_type].analytic_fields if n in values]
    extra = [n for n in ("age_band", "registration_year", "batch_id", "updated_at") if n in values]
    return [(field_label(record_type, n, t.lang), display(t, n, values[n])) for n in names + extra]


def identity_fields(
    t: Translator, record_type: str, identity: dict[str, Any]
) -> list[tuple[str, str]]:
    """(label, value) of every identity field of a record."""
    return [
        (field_label(record_type, n, t.lang), display(t, n, identity.get(n)))
        for n in RECORD_TYPES[record_type].identity_fields
    ]
