"""What can be wrong with a file or a row, with messages of the catalogues.

Messages name the file, row, column, field and rule, never the value: a row may hold
personal data, and a quarantine reason or a log line must not leak it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from zicht.i18n import N_, translator
from zicht.standard import field_label

__all__ = ["RULES", "IngestFileError", "RowProblem", "rule_message", "rule_summary"]

# rule -> its message (English, a message of the catalogues; Dutch in nl/zicht.po)
RULES: dict[str, str] = {
    "required": N_("required field is missing"),
    "code": N_("value is not a code of the vocabulary"),
    "date": N_("not a valid date in the expected format"),
    "future_date": N_("date lies in the future"),
    "integer": N_("not a whole number"),
    "boolean": N_("not a yes/no value"),
    "range": N_("value outside the allowed range"),
    "too_long": N_("text is too long"),
    "inconsistent": N_("fields contradict each other"),
    "invalid_json": N_("line is not a valid JSON object"),
    "cell_count": N_("row has another number of cells than the header"),
    "duplicate_record_id": N_("record id occurs earlier in this file with other content"),
    "control_character": N_("text holds a control character (such as NUL)"),
    "birth_after_registration": N_("date of birth lies after the registration date"),
    "eleven_test": N_("number fails the eleven-test of the BSN (citizen service number)"),
    "quarantine_id": N_("quarantine id is not a row of this organisation and record type"),
    "invalid": N_("invalid value"),
}


def rule_message(rule: str, lang: str = "en") -> str:
    """The message of `rule` in `lang` (any language with a catalogue)."""
    return translator(lang)(RULES.get(rule, RULES["invalid"]))


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One broken rule in one row: which column fed which field, and the rule."""

    field: str
    rule: str
    column: str | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The problem as stored in the quarantine (messages in both languages)."""
        return {
            "field": self.field,
            "column": self.column,
            "rule": self.rule,
            "message_nl": rule_message(self.rule, "nl"),
            "message_en": rule_message(self.rule, "en"),
            "detail": self.detail,
        }

    def describe(self, lang: str = "en", record_type: str | None = None) -> str:
        """One line: field (column): message; the field by its label in `lang` when the
        record type is given (a page, an export for people), else by its name."""
        name = (field_label(record_type, self.field, lang) if record_type else None) or self.field
        if self.column in (None, self.field, name):
            where = name
        elif record_type is None:
            where = f"{self.field} ({self.column})"
        else:
            t = translator(lang)
            where = t("%(field)s (column %(column)s)", field=name, column=self.column)
        text = f"{where}: {rule_message(self.rule, lang)}"
        return f"{text} [{self.detail}]" if self.detail else text


class IngestFileError(Exception):
    """The file as a whole cannot be ingested; nothing from it is stored.

    `problem` is English (command line, logs). A problem given as a message of the
    catalogues (marked with `N_`, placeholders `%(name)s` filled from `values`) is also
    said in any language by `describe`; other problems stay as written. A message
    without values is plain text (no `%%`).
    """

    def __init__(self, path: object, problem: str, **values: object) -> None:
        text = problem % values if values else problem
        super().__init__(f"{path}: {text}")
        self.path = path
        self.problem = text
        self.message = problem
        self.values = values

    def describe(self, lang: str) -> str:
        """The problem in `lang` (the message translated when the catalogues have it)."""
        translated = translator(lang).translations.gettext(self.message)
        return translated % self.values if self.values else translated

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        # raised in worker processes too: rebuilt from its parts, not from str(self)
        return partial(type(self), self.path, self.message, **self.values), ()


def rule_summary(rules: dict[str, int]) -> str:
    """E.g. "3 x code, 1 x date", most frequent first."""
    ordered = sorted(rules.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count} x {rule}" for rule, count in ordered)
