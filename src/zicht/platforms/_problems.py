"""What can be wrong with a licence or ad row, in Dutch and English.

Shaped like ingest's row problems so that the shared quarantine holds both: each names
the field, the source column and the rule, never the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zicht.i18n import N_, translator

__all__ = ["PLATFORM_RULES", "Problem", "RowRefused"]

# English messages of the catalogues (`zicht/locale`); the Dutch is in nl/zicht.po.
PLATFORM_RULES: dict[str, str] = {
    "required": N_("required field is missing"),
    "date": N_("not a valid date"),
    "datetime": N_("not a valid ISO 8601 date and time"),
    "code": N_("value is not a code of the vocabulary"),
    "malformed": N_("licence number does not have the form GMcccc-nnnnnn-cc"),
    "check_digit": N_("check digits of the licence number do not match"),
    "municipality": N_("licence number is not of the municipality given"),
    "minimum_age": N_("holder was younger than 21 on the issue date"),
    "date_order": N_("end date lies before the start date"),
    "integer": N_("not a whole number"),
    "range": N_("value outside the allowed range"),
    "too_long": N_("text is too long"),
    "type": N_("wrong kind of value (text expected)"),
    "list": N_("not a list of texts"),
    "phone": N_("not a valid phone number"),
    "email": N_("not a valid e-mail address"),
    "image_hash": N_("not a PDQ hash (64 hex digits)"),
    "platform": N_("ad of another platform"),
    "duplicate_record_id": N_("record id occurs earlier in this file"),
    "invalid_json": N_("line is not a valid JSON object"),
    "cell_count": N_("row has another number of cells than the header"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule in one row: the field, the source column, the rule."""

    field: str
    rule: str
    column: str | None = None

    def message(self, lang: str = "en") -> str:
        """The rule's message in `lang` (any language with a catalogue)."""
        return translator(lang)(PLATFORM_RULES[self.rule])

    def as_dict(self) -> dict[str, Any]:
        """The problem as the quarantine stores it."""
        return {
            "field": self.field,
            "column": self.column,
            "rule": self.rule,
            "message_nl": self.message("nl"),
            "message_en": self.message("en"),
            "detail": None,
        }

    def describe(self, file_name: str, row: int) -> str:
        """One line naming file, row, field (column) and rule."""
        where = self.field if self.column in (None, self.field) else f"{self.field} ({self.column})"
        return f"{file_name} row {row}: {where}: {self.rule}: {self.message()}"


class RowRefused(ValueError):
    """A row that breaks one or more rules."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.rule}" for p in problems))
        self.problems = problems
