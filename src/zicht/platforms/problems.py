"""What can be wrong with a licence or ad row, in Dutch and English.

Shaped like ingest's row problems so that the shared quarantine holds both: each names
the field, the source column and the rule, never the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["PLATFORM_RULES", "Problem", "RowRefused"]

PLATFORM_RULES: dict[str, tuple[str, str]] = {
    "required": ("verplicht veld ontbreekt", "required field is missing"),
    "date": ("geen geldige datum", "not a valid date"),
    "datetime": ("geen geldig ISO 8601-tijdstip", "not a valid ISO 8601 date and time"),
    "code": ("waarde komt niet voor in de codelijst", "value is not a code of the vocabulary"),
    "malformed": (
        "vergunningnummer heeft niet de vorm GMcccc-nnnnnn-cc",
        "licence number does not have the form GMcccc-nnnnnn-cc",
    ),
    "check_digit": (
        "controlecijfers van het vergunningnummer kloppen niet",
        "check digits of the licence number do not match",
    ),
    "municipality": (
        "vergunningnummer is niet van de opgegeven gemeente",
        "licence number is not of the municipality given",
    ),
    "minimum_age": (
        "houder was op de datum van afgifte jonger dan 21",
        "holder was younger than 21 on the issue date",
    ),
    "date_order": ("einddatum ligt voor de begindatum", "end date lies before the start date"),
    "integer": ("geen geheel getal", "not a whole number"),
    "range": ("waarde buiten het toegestane bereik", "value outside the allowed range"),
    "too_long": ("tekst is te lang", "text is too long"),
    "type": ("verkeerd soort waarde (tekst verwacht)", "wrong kind of value (text expected)"),
    "list": ("geen lijst van teksten", "not a list of texts"),
    "phone": ("geen geldig telefoonnummer", "not a valid phone number"),
    "email": ("geen geldig e-mailadres", "not a valid e-mail address"),
    "image_hash": ("geen PDQ-hash (64 hexadecimale tekens)", "not a PDQ hash (64 hex digits)"),
    "platform": ("advertentie van een ander platform", "ad of another platform"),
    "duplicate_record_id": (
        "kenmerk komt al eerder in dit bestand voor",
        "record id occurs earlier in this file",
    ),
    "invalid_json": ("regel is geen geldig JSON-object", "line is not a valid JSON object"),
    "cell_count": (
        "regel heeft een ander aantal cellen dan de kopregel",
        "row has another number of cells than the header",
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule in one row: the field, the source column, the rule."""

    field: str
    rule: str
    column: str | None = None

    def message(self, lang: str = "en") -> str:
        """The rule's message in `lang` ("nl" or "en")."""
        nl, en = PLATFORM_RULES[self.rule]
        return nl if lang == "nl" else en

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
