"""The mapping file of a source: how its columns and codes become the standard's.

A mapping is YAML (see docs/ingest.md for the full format)::

    source: police                    # registering organisation (standard code)
    record_type: victim_registration  # victim_registration | suspect_registration | report
    format: csv                       # csv | xlsx | jsonl; default from the file extension
    delimiter: auto                   # csv only; auto-detected by default
    encoding: auto                    # csv only; UTF-8 (with or without BOM), cp1252, latin-1
    columns: {RegNr: source_record_id, Datum: registration_date, Vorm: forms}
    combine: {address: {columns: [Straat, Huisnr]}}   # several columns -> one field
    split: {Naam: {fields: [family_name, given_names], separator: ","}}  # one column -> fields
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
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from zicht.standard import ORGANISATIONS, RECORD_TYPES, RecordType

__all__ = [
    "DEFAULT_DATE_FORMATS",
    "Combine",
    "Mapping",
    "MappingError",
    "Split",
    "default_mapping",
    "load_mapping",
    "load_settings_file",
]

DEFAULT_DATE_FORMATS = ("%Y-%m-%d",)
RESERVED_PREFIX = "_zicht_"


SettingsT = TypeVar("SettingsT", bound=BaseModel)


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the problem."""


class Combine(BaseModel):
    """One field built from several columns, joined in order (empty parts left out)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: list[str] = Field(min_length=2)
    separator: str = " "


class Split(BaseModel):
    """One column split into several fields.

    The cell is split at `separator` (any run of whitespace when not given) into at
    most as many parts as there are fields; the last field takes the rest, so
    "Jan van der Berg" split into [given_names, family_name] gives "Jan" and
    "van der Berg". A part left empty leaves its field unknown.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    fields: list[str] = Field(min_length=2)
    separator: str | None = None

    def parts(self, text: str) -> list[str]:
        """The cell's parts, one per field at most, stripped."""
        pieces = (
            text.split(None, len(self.fields) - 1)
            if self.separator is None
            else text.split(self.separator, len(self.fields) - 1)
        )
        return [piece.strip() for piece in pieces]


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
    combine: dict[str, Combine] = Field(default_factory=dict)
    split: dict[str, Split] = Field(default_factory=dict)
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
        split_fields = [field for spec in self.split.values() for field in spec.fields]
        built = list(self.columns.values()) + list(self.combine) + split_fields
        twice = sorted({field for field in built if built.count(field) > 1} - self._multi_fields())
        if twice:
            raise ValueError(f"field(s) filled by more than one column: {', '.join(twice)}")
        named = (
            set(built)
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

    def _multi_fields(self) -> set[str]:
        fields = {**self.kind.analytic.model_fields, **self.kind.identity.model_fields}
        return {name for name, info in fields.items() if "tuple" in str(info.annotation)}

    def derived_cells(self, cells: dict[str, Any], nulls: frozenset[str]) -> dict[str, Any]:
        """The cells of combined and split fields, under the names `derived_columns` gives.

        Args:
            cells: a raw row's cells by source column.
            nulls: lower-cased null values; such parts are left out.
        """
        derived: dict[str, Any] = {}
        names = self.derived_columns()
        for field, spec in self.combine.items():
            parts = [_text(cells.get(column), nulls) for column in spec.columns]
            kept = [part for part in parts if part]
            if kept:
                derived[names[field]] = spec.separator.join(kept)
        for column, split in self.split.items():
            text = _text(cells.get(column), nulls)
            if not text:
                continue
            for field, part in zip(split.fields, split.parts(text), strict=False):
                if part and part.lower() not in nulls:
                    derived[names[field]] = part
        return derived

    def derived_columns(self) -> dict[str, str]:
        """Field -> the name its combined or split cell goes by in errors ("A+B", "C[2]")."""
        names = {field: "+".join(spec.columns) for field, spec in self.combine.items()}
        for column, split in self.split.items():
            for number, field in enumerate(split.fields, start=1):
                names[field] = f"{column}[{number}]"
        return names

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
        columns = set(self.columns) | set(self.split)
        for spec in self.combine.values():
            columns |= set(spec.columns)
        for flag_columns in self.flags.values():
            columns |= set(flag_columns)
        return columns

    def fields_provided(self) -> set[str]:
        """Standard fields this mapping fills."""
        split_fields = {field for spec in self.split.values() for field in spec.fields}
        return (
            set(self.columns.values())
            | set(self.combine)
            | split_fields
            | set(self.flags)
            | set(self.constants)
        )


def _text(cell: Any, nulls: frozenset[str]) -> str | None:
    """A cell as stripped text; None when empty or a null value."""
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    return None if not text or text.lower() in nulls else text


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
    return load_settings_file(path, Mapping)


def load_settings_file(path: Path, model: type[SettingsT]) -> SettingsT:
    """Read a YAML settings file (a mapping) into `model`; MappingError names the file and
    the problem (missing, a folder, FIFO or unreadable, not YAML, or a field's rule)."""
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
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'mapping'}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors(include_input=False)
        )
        raise MappingError(f"{path}: {problems}") from None
