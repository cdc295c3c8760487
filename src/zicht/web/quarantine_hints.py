"""What a steward needs to correct a quarantined cell: allowed codes, date formats, identity.

Read from the mapping the delivery was ingested with and the data standard: a coded
field offers the codes the file may hold (the mapping's own codes when it translates
them, else the standard's), a date field names its expected format(s), and a column
that feeds an identity field (or no known field) is marked as identity, to be shown
only after a purpose is given.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from zicht.i18n import N_, translator
from zicht.ingest import Mapping
from zicht.standard import RECORD_TYPES, InVocabulary, Vocabulary

__all__ = ["CellHint", "cell_hints", "date_pattern", "problem_hint"]

# strptime directives as a person writes them: messages, so that Dutch writes JJJJ.
_PATTERN = {
    "%d": N_("DD"),
    "%m": N_("MM"),
    "%Y": N_("YYYY"),
    "%y": N_("YY"),
    "%b": N_("Mon"),
    "%B": N_("Month"),
}
_MAX_CHOICES = 40  # more are typed, with the hint, not picked from a list
_COUNTRY_FIELDS = frozenset({"nationality", "country_of_exploitation"})  # any ISO code is read


@dataclass(frozen=True)
class CellHint:
    """How a column of a quarantined row can be corrected."""

    column: str
    field: str | None
    identity: bool
    choices: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    """(value to put in the file, label), when the field is coded and the list short."""
    multiple: str | None = None
    """The separator, when several codes may be given."""
    hint: str = ""
    """Expected format or allowed codes (Markup: the codes marked as code)."""


def date_pattern(strptime_format: str, lang: str) -> str:
    """'%d-%m-%Y' as 'DD-MM-JJJJ' (nl) or 'DD-MM-YYYY' (en)."""
    t = translator(lang)
    text = strptime_format
    for directive, written in _PATTERN.items():
        text = text.replace(directive, t(written))
    return text


def _vocabulary(annotation: Any, metadata: list[Any] | None = None) -> Vocabulary | None:
    for meta in metadata or ():
        if isinstance(meta, InVocabulary):
            return meta.vocabulary
    for part in (annotation, *typing.get_args(annotation)):
        for meta in getattr(part, "__metadata__", ()):
            if isinstance(meta, InVocabulary):
                return meta.vocabulary
        if typing.get_args(part) and part is not annotation:
            found = _vocabulary(part)
            if found is not None:
                return found
    return None


def _choices(mapping: Mapping, name: str, lang: str) -> list[tuple[str, str]]:
    model_fields = {**mapping.kind.analytic.model_fields, **mapping.kind.identity.model_fields}
    info = model_fields.get(name)
    vocabulary = _vocabulary(info.annotation, info.metadata) if info is not None else None
    if vocabulary is None:
        return []

    def label(code: str) -> str:
        return vocabulary.label(code, lang) if code in vocabulary else code

    table = mapping.values.get(name)
    if table:
        return [(key, f"{key} – {label(code)}") for key, code in table.items()]
    return [(code, f"{code} – {label(code)}") for code in vocabulary.codes]


def _codes(t: Any, codes: list[str], more: bool = False, iso: str = "") -> Markup:
    """ "Allowed: A, B" with each code marked as code (what the file must hold, as written)."""
    shown = Markup(", ").join(Markup("<code>{}</code>").format(code) for code in codes)
    if more:
        shown += Markup(", …")
    if iso:
        message = escape(t.translations.gettext("Allowed: %(codes)s or %(iso)s"))
        return message % {"codes": shown, "iso": iso}
    return escape(t.translations.gettext("Allowed: %(codes)s")) % {"codes": shown}


def _hint(mapping: Mapping, name: str, choices: list[tuple[str, str]], lang: str) -> Markup:
    t = translator(lang)
    if (name in mapping.kind.fields and name.endswith("date")) or name == "date_of_birth":
        formats = [date_pattern(f, lang) for f in mapping.formats_for(name)]
        iso = date_pattern("%Y-%m-%d", lang)
        return escape(t("Date as %(formats)s", formats=" / ".join(dict.fromkeys([*formats, iso]))))
    if name in _COUNTRY_FIELDS:
        named = list(mapping.values.get(name, {}))[:12]
        iso = t("country code (ISO 3166, e.g. NL)")
        if named:
            return _codes(t, named, iso=iso)
        return escape(t("Allowed: %(codes)s", codes=iso))
    if choices:
        return _codes(t, [value for value, _ in choices[:12]], more=len(choices) > 12)
    return Markup("")


def cell_hints(mapping: Mapping, columns: list[str], lang: str) -> dict[str, CellHint]:
    """A hint for each column of a quarantined row, by column name."""
    kind = RECORD_TYPES[mapping.record_type]
    identity_fields = set(kind.identity_fields)
    hints: dict[str, CellHint] = {}
    for column in columns:
        name = mapping.field_of(column)
        if name is None:
            hints[column] = CellHint(column, None, identity=True)
            continue
        choices = _choices(mapping, name, lang)
        separator = mapping.separators.get(name) if _is_multi(mapping, name) else None
        hints[column] = CellHint(
            column,
            name,
            identity=name in identity_fields,
            choices=choices if len(choices) <= _MAX_CHOICES and name not in _COUNTRY_FIELDS else [],
            multiple=separator,
            hint=_hint(mapping, name, choices, lang),
        )
    return hints


def _is_multi(mapping: Mapping, name: str) -> bool:
    info = {**mapping.kind.analytic.model_fields, **mapping.kind.identity.model_fields}.get(name)
    return info is not None and "tuple" in str(info.annotation)


def problem_hint(mapping: Mapping, problem_field: str, rule: str, lang: str) -> Markup:
    """What a problem's message should add: the expected date format or the allowed codes."""
    if rule not in ("date", "code"):
        return Markup("")
    return _hint(mapping, problem_field, _choices(mapping, problem_field, lang), lang)
