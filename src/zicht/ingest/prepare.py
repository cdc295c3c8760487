"""Rows to storable columns: validation, encryption and hashing, free of the database.

This is the CPU-heavy half of an ingest. It holds no session, so it can run in worker
processes (`zicht.ingest.parallel`) while the main process writes to the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from zicht.ingest.convert import Converter, ValidRecord
from zicht.ingest.mapping import RESERVED_PREFIX, Mapping
from zicht.ingest.problems import RowProblem
from zicht.ingest.readers import RawRow
from zicht.privacy import Cipher
from zicht.standard import age_band
from zicht.store import identity_context

__all__ = ["QUARANTINE_ID_COLUMN", "PreparedChunk", "Preparer"]

QUARANTINE_ID_COLUMN = f"{RESERVED_PREFIX}quarantine_id"


@dataclass
class PreparedChunk:
    """One chunk of rows: storable columns of the valid ones, problems of the others.

    Both lists hold (row number, payload, quarantine id of a resubmitted row or None).
    """

    valid: list[tuple[int, dict[str, Any], int | None]] = field(default_factory=list)
    invalid: list[tuple[int, list[RowProblem], int | None]] = field(default_factory=list)


def _quarantine_id(row: RawRow) -> int | None:
    value = row.cells.get(QUARANTINE_ID_COLUMN)
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


class Preparer:
    """Validates rows of one mapping and turns valid ones into table columns."""

    def __init__(self, mapping: Mapping, source: str, cipher: Cipher) -> None:
        self.converter = Converter(mapping, source)
        self.cipher = cipher
        self.record_type = mapping.record_type

    def columns(self, record: ValidRecord) -> dict[str, Any]:
        """The stored columns of a valid record; identity encrypted, content hashed (keyed)."""
        # Iterating a model gives its validated values as they are (tuples, dates): no
        # serialisation needed, and much cheaper than model_dump.
        analytic = dict(record.analytic)
        identity = {name: value for name, value in record.identity if value is not None}
        columns: dict[str, Any] = {
            key: ";".join(value) if isinstance(value, tuple) else value
            for key, value in analytic.items()
        }
        columns["registration_year"] = analytic["registration_date"].year
        if self.record_type == "victim_registration":
            age = analytic.get("age")
            columns["age_band"] = age_band(age) if age is not None else None
        # The models fix the field order, so the values alone are a canonical form.
        canonical = (
            "\x1f".join(map(str, analytic.values()))
            + "\x1e"
            + "\x1f".join(f"{key}={value}" for key, value in identity.items())
        )
        columns["content_hash"] = self.cipher.pseudonym(canonical)
        columns["identity"] = None
        if identity:
            context = identity_context(
                self.record_type, analytic["source"], analytic["source_record_id"]
            )
            plain = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in identity.items()}
            columns["identity"] = self.cipher.encrypt_json(plain, context)
        return columns

    def prepare(self, rows: list[RawRow]) -> PreparedChunk:
        """Validate and prepare a chunk of rows, in order."""
        chunk = PreparedChunk()
        for row in rows:
            outcome = self.converter.convert(row)
            quarantine_id = _quarantine_id(row)
            if isinstance(outcome, ValidRecord):
                chunk.valid.append((row.number, self.columns(outcome), quarantine_id))
            else:
                chunk.invalid.append((row.number, outcome, quarantine_id))
        return chunk
