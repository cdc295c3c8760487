"""Quarantined rows back out, for a data steward to correct and re-ingest.

The export holds the original rows (decrypted: the steward must see them to correct
them) with three leading columns: the quarantine id, the row number in the original
file and the rules broken (no values). Ingesting the corrected file with the same
source and mapping resolves the entries whose rows now pass. A CSV's text cells are
neutralised against spreadsheet formulas (`zicht.privacy._cells`); the ingest of the
corrected file takes the added quote off again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zicht.access import Look, record_look
from zicht.ingest._mapping import RESERVED_PREFIX
from zicht.ingest._prepare import QUARANTINE_ID_COLUMN, flagged_context
from zicht.ingest._problems import RowProblem
from zicht.ingest._service import quarantine_context
from zicht.privacy import Cipher, CsvWriter
from zicht.store import identity_context, read_flagged, read_quarantine

__all__ = ["export_flagged", "export_quarantine", "quarantined_record_types"]

ROW_COLUMN = f"{RESERVED_PREFIX}row"
ERRORS_COLUMN = f"{RESERVED_PREFIX}errors"
RECORD_TYPE_COLUMN = f"{RESERVED_PREFIX}record_type"


def _describe(
    errors: list[dict[str, str]], lang: str = "en", record_type: str | None = None
) -> str:
    return "; ".join(
        RowProblem(e["field"], e["rule"], e.get("column"), e.get("detail")).describe(
            lang, record_type
        )
        for e in errors
    )


def quarantined_record_types(engine: Engine, source: str) -> list[str]:
    """Record types of which `source` has open quarantine rows, sorted."""
    return sorted({entry.record_type for entry in read_quarantine(engine, source=source)})


def export_quarantine(
    engine: Engine,
    cipher: Cipher,
    source: str,
    out: Path,
    record_type: str,
    *,
    look: Look,
    lang: str | None = None,
) -> int:
    """Write the open quarantine rows of `source` and `record_type` to `out` (.csv or .jsonl).

    One record type per file, with only its columns, so that the corrected file is
    ingested with that record type's mapping. Returns the number of rows written. The
    decrypted rows are a look at identity data: `look` (who, why) is audited as one
    `export_quarantine` entry naming the rows, once the file is written. With `lang`
    the problems are said in that language, fields by their labels (for people
    correcting the file); without it in English with the fields' names.
    """
    entries = [e for e in read_quarantine(engine, source=source) if e.record_type == record_type]
    rows: list[dict[str, object]] = []
    for entry in entries:
        context = quarantine_context(entry.source, entry.file_name, entry.row_number)
        original = dict(cipher.decrypt_json(entry.original, context)["cells"])
        rows.append(
            {
                QUARANTINE_ID_COLUMN: entry.id,
                ROW_COLUMN: entry.row_number,
                ERRORS_COLUMN: _describe(entry.errors, lang or "en", record_type if lang else None),
                **original,
            }
        )
    _write(rows, out, [QUARANTINE_ID_COLUMN, ROW_COLUMN, ERRORS_COLUMN])
    record_look(engine, look, "export_quarantine", "quarantine_row", [e.id for e in entries])
    return len(rows)


def export_flagged(engine: Engine, cipher: Cipher, source: str, out: Path, *, look: Look) -> int:
    """Write `source`'s records stored with identity values left out, with those values.

    Each row names the record (type and source record id), the flags (field, column and
    rule) and the left-out cells as the source sent them; the source corrects them in
    its own system and sends the records again. Returns the count. The decrypted cells
    are a look at identity data: `look` (who, why) is audited as one `export_flagged`
    entry naming the records, once the file is written.
    """
    rows = []
    flagged = read_flagged(engine, source)
    for record_type, record_id, _, token in flagged:
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
    ids: list[int | str] = [
        f"{record_type}:{record_id}" for record_type, record_id, _, _ in flagged
    ]
    record_look(engine, look, "export_flagged", "flagged_record", ids)
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
            # Text cells cannot start a formula; the ingest of the corrected file restores them.
            writer = CsvWriter(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(row.get(column, "") for column in columns)
    temporary.replace(out)
