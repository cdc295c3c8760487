"""A municipal licence file's row -> a licence of the register, or the rules it breaks.

The mapping file has the format of ingest's (docs/ingest.md), restricted to what a
licence file needs::

    format: csv            # csv | xlsx | jsonl; default from the extension
    columns: {Vergunning: licence_number, Naam: holder_name, Geboren: date_of_birth,
              Van: valid_from, Tot: valid_to, Status: status}
    values: {status: {A: active, G: suspended, I: revoked, V: expired}}
    date_formats: {date_of_birth: ["%d-%m-%Y"]}
    null_values: ["", "onbekend"]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zicht.ingest import load_settings_file
from zicht.platforms._problems import Problem, RowRefused
from zicht.standard import LICENCE_STATUSES, LicenceNumber, LicenceNumberError, parse_licence_number

__all__ = [
    "LICENCE_FIELDS",
    "MINIMUM_AGE",
    "LicenceMapping",
    "LicenceRecord",
    "age_on",
    "licence_from_cells",
    "load_licence_mapping",
]

MINIMUM_AGE = 21
LICENCE_FIELDS = (
    "licence_number",
    "holder_name",
    "date_of_birth",
    "valid_from",
    "valid_to",
    "status",
    "municipality",
)
_REQUIRED = ("licence_number", "holder_name", "date_of_birth", "valid_from", "status")
_DATES = ("date_of_birth", "valid_from", "valid_to")


class LicenceMapping(BaseModel):
    """How a municipality's licence file maps onto the register's fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["csv", "xlsx", "jsonl"] | None = None
    delimiter: str = "auto"
    encoding: str = "auto"
    sheet: str | None = None
    columns: dict[str, str] = Field(default_factory=lambda: {f: f for f in LICENCE_FIELDS})
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    date_formats: dict[str, list[str]] = Field(default_factory=dict)
    null_values: list[str] = Field(default_factory=lambda: [""])

    @model_validator(mode="after")
    def _known_fields(self) -> LicenceMapping:
        named = set(self.columns.values()) | set(self.values) | set(self.date_formats)
        unknown = sorted(named - set(LICENCE_FIELDS))
        if unknown:
            raise ValueError(f"unknown licence field(s): {', '.join(unknown)}")
        missing = sorted(set(_REQUIRED) - set(self.columns.values()))
        if missing:
            raise ValueError(f"no column for required field(s): {', '.join(missing)}")
        return self

    def required_columns(self) -> set[str]:
        """Source columns that feed required fields."""
        return {column for column, field in self.columns.items() if field in _REQUIRED}


def load_licence_mapping(path: Path) -> LicenceMapping:
    """Read a licence mapping file; ValueError (MappingError) names the file and the problem."""
    return load_settings_file(path, LicenceMapping)


@dataclass(frozen=True, slots=True)
class LicenceRecord:
    """A licence that passed every rule; `holder_name` and `date_of_birth` are identity."""

    number: LicenceNumber
    holder_name: str
    date_of_birth: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    status: str


def age_on(born: dt.date, day: dt.date) -> int:
    """Age in whole years on `day` (born on 29 February: a year older on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _date(value: Any, formats: list[str]) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("date")


def licence_from_cells(
    cells: dict[str, Any], mapping: LicenceMapping, municipality: str
) -> LicenceRecord:
    """Check one row of a licence file of `municipality` ("GM0363").

    Raises:
        RowRefused: with every rule the row breaks (field, column, rule; no values).
    """
    values: dict[str, Any] = {}
    column_of: dict[str, str] = {}
    for column, field in mapping.columns.items():
        value = cells.get(column)
        if value is None or (isinstance(value, str) and value.strip() in mapping.null_values):
            continue
        if isinstance(value, str):
            value = value.strip()
        values[field] = mapping.values.get(field, {}).get(str(value), value)
        column_of[field] = column
    problems: list[Problem] = []

    def problem(field: str, rule: str) -> None:
        problems.append(Problem(field, rule, column_of.get(field)))

    for field in _REQUIRED:
        if field not in values:
            problem(field, "required")
    dates: dict[str, dt.date] = {}
    for field in _DATES:
        if field in values:
            try:
                dates[field] = _date(values[field], mapping.date_formats.get(field, ["%Y-%m-%d"]))
            except ValueError:
                problem(field, "date")
    number: LicenceNumber | None = None
    if "licence_number" in values:
        try:
            number = parse_licence_number(str(values["licence_number"]))
        except LicenceNumberError as exc:
            problem("licence_number", exc.rule)
        else:
            if number.municipality != municipality:
                problem("licence_number", "municipality")
    if "municipality" in values and str(values["municipality"]).upper() != municipality:
        problem("municipality", "municipality")
    status = str(values.get("status", "")).strip().lower()
    if "status" in values and status not in LICENCE_STATUSES:
        problem("status", "code")
    born, start, end = (dates.get(f) for f in _DATES)
    if born is not None and start is not None and age_on(born, start) < MINIMUM_AGE:
        problem("date_of_birth", "minimum_age")
    if start is not None and end is not None and end < start:
        problem("valid_to", "date_order")
    if problems or number is None or born is None or start is None:
        raise RowRefused(problems)
    return LicenceRecord(number, str(values["holder_name"]), born, start, end, status)
