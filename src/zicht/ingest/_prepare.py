"""Rows to storable rows: validation, encryption and hashing, free of the database session.

This is the CPU-heavy half of an ingest. It holds no session, so it can run in worker
processes (`zicht.ingest._parallel`) while the main process writes to the store. A
valid row leaves here as a tuple of column values in the store's column order and in
the form the database driver takes, so that the writing process only passes it on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from zicht.ingest._convert import Converter, ValidRecord
from zicht.ingest._identity import flag_labels
from zicht.ingest._mapping import RESERVED_PREFIX, Mapping
from zicht.ingest._problems import RowProblem
from zicht.ingest._readers import RawRow
from zicht.privacy import Cipher
from zicht.standard import age_band
from zicht.store import identity_context
from zicht.store.writing import driver_formatter, record_columns

__all__ = [
    "QUARANTINE_ID_COLUMN",
    "PreparedChunk",
    "PreparedRecord",
    "Preparer",
    "flagged_context",
]

QUARANTINE_ID_COLUMN = f"{RESERVED_PREFIX}quarantine_id"

# (row number, source record id, keyed content hash, column values, quarantine id or None)
PreparedRecord = tuple[int, str, str, tuple[Any, ...], int | None]


@dataclass
class PreparedChunk:
    """One chunk of rows: storable values of the valid ones, problems of the others.

    `invalid` holds (row number, problems, quarantine id of a resubmitted row or None);
    `flags` the "field:rule" labels of valid rows stored with identity values left out.
    """

    valid: list[PreparedRecord] = field(default_factory=list)
    invalid: list[tuple[int, list[RowProblem], int | None]] = field(default_factory=list)
    flags: dict[int, tuple[str, ...]] = field(default_factory=dict)


def flagged_context(identity: str) -> str:
    """Associated data of a record's flagged originals, apart from its identity's."""
    return f"{identity}/flagged"


def _quarantine_id(row: RawRow) -> int | None:
    # A value that is no entry's id becomes 0 (no entry has it): the ingest refuses the
    # row with a rule instead of storing it as if it named nothing.
    value = row.cells.get(QUARANTINE_ID_COLUMN)
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, float) and value.is_integer() and 0 < value < 2**63:
        value = int(value)  # a spreadsheet's number cell
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return 0
    number = int(text)
    return number if number <= 2**63 - 1 else 0


class Preparer:
    """Validates rows of one mapping and turns valid ones into rows of its record table.

    `dialect` is the store's SQLAlchemy dialect name: values come out as its driver
    takes them (`zicht.store.writing.driver_formatter`).
    """

    def __init__(self, mapping: Mapping, source: str, cipher: Cipher, dialect: str) -> None:
        self.converter = Converter(mapping, source)
        self.cipher = cipher
        self.record_type = mapping.record_type
        self.names = record_columns(self.record_type)
        self._format = driver_formatter(self.record_type, dialect)
        self._is_victim = self.record_type == "victim_registration"

    def columns(self, record: ValidRecord) -> dict[str, Any]:
        """The stored columns of a valid record; identity encrypted, content hashed (keyed)."""
        # A model's __dict__ holds its validated values as they are (tuples, dates): no
        # serialisation needed, and much cheaper than model_dump or iterating the model.
        analytic: dict[str, Any] = record.analytic.__dict__
        identity = {
            name: value for name, value in record.identity.__dict__.items() if value is not None
        }
        columns: dict[str, Any] = {
            key: ";".join(value) if type(value) is tuple else value
            for key, value in analytic.items()
        }
        columns["registration_year"] = analytic["registration_date"].year
        if self._is_victim:
            age = analytic.get("age")
            columns["age_band"] = age_band(age) if age is not None else None
        # The models fix the field order, so the values alone are a canonical form.
        canonical = (
            "\x1f".join(map(str, analytic.values()))
            + "\x1e"
            + "\x1f".join(f"{key}={value}" for key, value in identity.items())
        )
        context = identity_context(
            self.record_type, analytic["source"], analytic["source_record_id"]
        )
        columns["quality_flags"] = flag_labels(record.flags)
        columns["flagged_original"] = None
        if record.flags:
            # Only a flagged record's hash changes form: others keep their stored hash.
            canonical += "\x1d" + str(columns["quality_flags"]) + "\x1d" + repr(record.originals)
            columns["flagged_original"] = self.cipher.encrypt_json(
                {"cells": record.originals, "flags": [flag.as_dict() for flag in record.flags]},
                flagged_context(context),
            )
        columns["content_hash"] = self.cipher.pseudonym(canonical)
        columns["identity"] = None
        if identity:
            plain = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in identity.items()}
            columns["identity"] = self.cipher.encrypt_json(plain, context)
        return columns

    def prepare(self, rows: list[RawRow]) -> PreparedChunk:
        """Validate and prepare a chunk of rows, in order."""
        chunk = PreparedChunk()
        names, format_row = self.names, self._format
        for row in rows:
            outcome = self.converter.convert(row)
            quarantine_id = _quarantine_id(row)
            if isinstance(outcome, ValidRecord):
                columns = self.columns(outcome)
                values = format_row([columns[name] for name in names])
                chunk.valid.append(
                    (
                        row.number,
                        columns["source_record_id"],
                        columns["content_hash"],
                        values,
                        quarantine_id,
                    )
                )
                if outcome.flags:
                    chunk.flags[row.number] = tuple(
                        sorted({f"{flag.field}:{flag.rule}" for flag in outcome.flags})
                    )
            else:
                chunk.invalid.append((row.number, outcome, quarantine_id))
        return chunk
