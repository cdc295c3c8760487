"""Quarantined rows back out, for a data steward to correct and re-ingest.

The export holds the original rows (decrypted: the steward must see them to correct
them) with three leading columns: the quarantine id, the row number in the original
file and the rules broken (no values). Ingesting the corrected file with the same
source and mapping resolves the entries whose rows now pass.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zicht.ingest.mapping import RESERVED_PREFIX
from zicht.ingest.prepare import QUARANTINE_ID_COLUMN, flagged_context
from zicht.ingest.problems import RowProblem
from zicht.ingest.service import quarantine_context
from zicht.privacy import Cipher
from zicht.store import identity_context, read_flagged, read_quarantine

__all__ = ["export_flagged", "export_quarantine"]

ROW_COLUMN = f"{RESERVED_PREFIX}row"
ERRORS_COLUMN = f"{RESERVED_PREFIX}errors"
RECORD_TYPE_COLUMN = f"{RESERVED_PREFIX}record_type"


def _describe(errors: list[dict[str, str]]) -> str:
    return "; ".join(
        RowProblem(e["field"], e["rule"], e.get("column"), e.get("detail")).describe()
        for e in errors
    )


def export_quarantine(engine: Engine, cipher: Cipher, source: str, out: Path) -> int:
    """Write the open quarantine rows of `source` to `out` (.csv or .jsonl); return the count."""
    entries = read_quarantine(engine, source=source)
    rows: list[dict[str, object]] = []
    for entry in entries:
        context = quarantine_context(entry["source"], entry["file_name"], entry["row_number"])
        original = dict(cipher.decrypt_json(entry["original"], context)["cells"])
        rows.append(
            {
                QUARANTINE_ID_COLUMN: entry["id"],
                ROW_COLUMN: entry["row_number"],
                ERRORS_COLUMN: _describe(entry["errors"]),
                **original,
            }
        )
    _write(rows, out, [QUARANTINE_ID_COLUMN, ROW_COLUMN, ERRORS_COLUMN])
    return len(rows)


def export_flagged(engine: Engine, cipher: Cipher, source: str, out: Path) -> int:
    """Write `source`'s records stored with identity values left out, with those values.

    Each row names the record (type and source record id), the flags (field, column and
    rule) and the left-out cells as the source sent them; the source corrects them in
    its own system and sends the records again. Returns the count.
    """
    rows = []
    for record_type, record_id, _, token in read_flagged(engine, source):
        kept: dict[str, Any] = {"cells": {}, "flags": []}
        if token is not None:
            context = flagged_context(identity_context(record_type, source, record_id))
            kept = cipher.decrypt_json(token, context)
        rows.append(
            {
                RECORD_TYPE_COLUMN: record_type,
                "source_record_id": record_id,
                ERRORS_COLUMN: _describe(kept["flags"]),
                **kept["cells"],
            }
        )
    _write(rows, out, [RECORD_TYPE_COLUMN, "source_record_id", ERRORS_COLUMN])
    return len(rows)


def _write(rows: list[dict[str, object]], out: Path, first: list[str]) -> None:
    """`rows` as CSV (columns `first`, then every other key in order met) or JSON Lines."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".part")
    if out.suffix.lower() in (".jsonl", ".ndjson"):
        with temporary.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        columns = list(first)
        for row in rows:
            columns.extend(key for key in row if key not in columns)
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    temporary.replace(out)
