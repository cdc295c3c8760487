"""How the pages and the API show registrations: list columns, sorts, labels, small caches.

The reading itself is done by the store (`zicht.store.web_registrations`, `web_uploads`,
`web_quarantine`, `web_counts`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from zicht.i18n import N_, translator
from zicht.standard import RECORD_TYPES
from zicht.standard import field_label as standard_field_label

__all__ = [
    "EXPORT_LIMIT",
    "LIST_COLUMNS",
    "LIST_IDENTITY",
    "MAX_PAGE_SIZE",
    "SORTS",
    "cached",
    "field_label",
    "record_type_label",
    "versioned",
]

MAX_PAGE_SIZE = 200
EXPORT_LIMIT = 100_000
"""Rows (registrations, audit entries) in one CSV export at most; the rest is counted."""
SORTS = ("id", "-id", "registration_date", "-registration_date", "source")

# Analytic columns in the registrations list, per record type (after the id).
LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "victim_registration": (
        "source",
        "source_record_id",
        "registration_date",
        "forms",
        "gender",
        "age",
        "nationality",
    ),
    "suspect_registration": (
        "source",
        "source_record_id",
        "registration_date",
        "forms",
        "role",
        "gender",
        "age",
    ),
    "report": (
        "source",
        "source_record_id",
        "registration_date",
        "forms",
        "channel",
        "reporter_kind",
        "municipality",
    ),
}
# Identity columns shown in lists (all identity fields are shown on a record's own page).
LIST_IDENTITY: dict[str, tuple[str, ...]] = {
    "victim_registration": ("given_names", "family_name", "date_of_birth"),
    "suspect_registration": ("given_names", "family_name", "date_of_birth"),
    "report": ("reporter_name",),
}

T = TypeVar("T")
_CACHE_SECONDS = 10.0


def cached(
    cache: dict[str, Any], key: str, compute: Callable[[], T], ttl: float = _CACHE_SECONDS
) -> T:
    """`compute()`, remembered in `cache` for `ttl` seconds."""
    hit = cache.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        value: T = hit[1]
        return value
    value = compute()
    cache[key] = (now + ttl, value)
    return value


def versioned(cache: dict[str, Any], key: str, version: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, remembered in `cache` for as long as the data `version` stays the same."""
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        value: T = hit[1]
        return value
    value = compute()
    cache[key] = (version, value)
    return value


# Columns the store adds to a record of the standard (and the pages show).
_STORE_LABELS = {
    "id": N_("No."),
    "age_band": N_("Age band"),
    "registration_year": N_("Year of registration"),
    "batch_id": N_("Delivery"),
    "updated_at": N_("Last changed"),
}


def field_label(record_type: str, name: str, lang: str) -> str:
    """The standard's label of a field in `lang` (of a column the store adds: a message)."""
    label = standard_field_label(record_type, name, lang)
    if label is not None:
        return label
    if name in _STORE_LABELS:
        return translator(lang)(_STORE_LABELS[name])
    return name


def record_type_label(record_type: str, lang: str) -> str:
    """The standard's name of a record type in `lang` (Dutch for nl, else English)."""
    kind = RECORD_TYPES[record_type]
    return kind.nl if lang == "nl" else kind.en
