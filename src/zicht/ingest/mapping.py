"""The mapping file of a source: how its columns and codes become the standard's.

A mapping is YAML (see docs/ingest.md for the full format)::

    source: police                    # registering organisation (standard code)
    record_type: victim_registration  # victim_registration | suspect_registration | report
    format: csv                       # csv | xlsx | jsonl; default from the file extension
    delimiter: auto                   # csv only; auto-detected by default
    encoding: auto                    # csv only; UTF-8 (with or without BOM), cp1252, latin-1
    columns: {RegNr: source_record_id, Datum: registration_date, Vorm: forms}
    flags: {forms: {IsArbeid: labour}}     # 0/1 columns that add a code to a multi-valued field
    values: {forms: {AU: labour, SU: sexual_domestic}, gender: {M: male, V: female}}
    separators: {forms: ";"}
    date_formats: {registration_date: ["%d-%m-%Y"]}
    constants: {victim_status: possible}
    null_values: ["", "NB", "onbekend"]
    allow_missing_columns: false      # true: only columns of required fields must exist
    true_values: ["1", "ja", "j", "true", "yes", "y"]
    false_values: ["0", "nee", "n", "false", "no"]
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from zicht.standard import ORGANISATIONS, RECORD_TYPES, RecordType

__all__ = ["DEFAULT_DATE_FORMATS", "Mapping", "MappingError", "default_mapping", "load_mapping"]

DEFAULT_DATE_FORMATS = ("%Y-%m-%d",)
RESERVED_PREFIX = "_zicht_"


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the problem."""


class Mapping(BaseModel):
    """How one source's file maps onto one record type of the standard."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str | None = None
    record_type: str = "victim_registration"
    format: Literal["csv", "xlsx", "jsonl"] | None = None
    delimiter: str = "auto"
    encoding: str = "auto"
    sheet: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    flags: dict[str, dict[str, str]] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    separators: dict[str, str] = Field(default_factory=dict)
    date_formats: dict[str, list[str]] = Field(default_factory=dict)
    constants: dict[str, Any] = Field(default_factory=dict)
    null_values: list[str] = Field(default_factory=lambda: [""])
    true_values: list[str] = Field(
        default_factory=lambda: ["1", "true", "yes", "y", "ja", "j", "waar"]
    )
    false_values: list[str] = Field(
        default_factory=lambda: ["0", "false", "no", "n", "nee", "onwaar"]
    )
    allow_missing_columns: bool = False

    @model_validator(mode="after")
    def _known_names(self) -> Mapping:
        if self.record_type not in RECORD_TYPES:
            raise ValueError(f"record_type must be one of {', '.join(RECORD_TYPES)}")
        if self.source is not None and self.source not in ORGANISATIONS:
            raise ValueError("source is not a known organisation code")
        known = set(self.kind.fields)
        named = (
            set(self.columns.values())
            | set(self.flags)
            | set(self.values)
            | set(self.separators)
            | set(self.date_formats)
            | set(self.constants)
        )
        unknown = sorted(named - known)
        if unknown:
            raise ValueError(f"unknown field(s) of {self.record_type}: {', '.join(unknown)}")
        if self.delimiter != "auto" and (len(self.delimiter) != 1 or self.delimiter in '"\r\n'):
            raise ValueError(
                "delimiter must be one character (not a quote or line break) or 'auto'"
            )
        if self.encoding != "auto" and not _is_text_encoding(self.encoding):
            raise ValueError("encoding is not a known text encoding (e.g. utf-8, cp1252, utf-16)")
        if any(not separator for separator in self.separators.values()):
            raise ValueError("a separator must not be empty")
        return self

    @property
    def kind(self) -> RecordType:
        """The record type this mapping produces."""
        return RECORD_TYPES[self.record_type]

    def field_of(self, column: str) -> str | None:
        """The standard field a source column feeds, if any."""
        return self.columns.get(column)

    def formats_for(self, field: str) -> tuple[str, ...]:
        """strptime formats to try for a date field."""
        return tuple(self.date_formats.get(field, DEFAULT_DATE_FORMATS))

    def required_columns(self) -> set[str]:
        """Source columns the file must have: every mapped column and flag column.

        With `allow_missing_columns`, only the columns that feed required fields.
        """
        if self.allow_missing_columns:
            required = set(self.kind.required_fields)
            return {column for column, field in self.columns.items() if field in required}
        columns = set(self.columns)
        for flag_columns in self.flags.values():
            columns |= set(flag_columns)
        return columns

    def fields_provided(self) -> set[str]:
        """Standard fields this mapping fills."""
        return set(self.columns.values()) | set(self.flags) | set(self.constants)


def _is_text_encoding(name: str) -> bool:
    try:
        return codecs.lookup(name)._is_text_encoding
    except LookupError:
        return False


def default_mapping(record_type: str = "victim_registration") -> Mapping:
    """The identity mapping: the file's columns are the standard's own field names."""
    kind = RECORD_TYPES[record_type]
    return Mapping(
        record_type=record_type,
        allow_missing_columns=True,
        columns={name: name for name in kind.fields if name != "source"},
        separators={
            name: ";"
            for name, info in {**kind.analytic.model_fields, **kind.identity.model_fields}.items()
            if "tuple" in str(info.annotation)
        },
    )


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; MappingError names the file and the problem."""
    if path.exists() and not path.is_file() and not path.is_dir():
        raise MappingError(f"{path}: mapping path is not a regular file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file does not exist") from None
    except IsADirectoryError:
        raise MappingError(f"{path}: mapping path is a directory, not a file") from None
    except PermissionError:
        raise MappingError(f"{path}: mapping file cannot be read (permission denied)") from None
    except OSError as exc:
        raise MappingError(f"{path}: mapping file cannot be read ({type(exc).__name__})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: mapping is not valid YAML ({type(exc).__name__})") from None
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: mapping must be a YAML mapping of settings")
    raw.pop("version", None)
    try:
        return Mapping.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'mapping'}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors(include_input=False)
        )
        raise MappingError(f"{path}: {problems}") from None
