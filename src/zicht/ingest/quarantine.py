"""Quarantined rows back out, for a data steward to correct and re-ingest.

The export holds the original rows (decrypted: the steward must see them to correct
them) with three leading columns: the quarantine id, the row number in the original
file and the rules broken (no values). Ingesting the corrected file with the same
source and mapping resolves the entries whose rows now pass. A CSV's text cells are
neutralised against spreadsheet formulas (`zicht.privacy.cells`); the ingest of the
corrected file takes the added quote off again.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine

from zicht.access import Look, record_look
from zicht.ingest.mapping import RESERVED_PREFIX
from zicht.ingest.prepare import QUARANTINE_ID_COLUMN
from zicht.ingest.problems import RowProblem
from zicht.ingest.service import quarantine_context
from zicht.privacy import Cipher
from zicht.privacy.cells import CsvWriter
from zicht.store import read_quarantine

__all__ = ["export_quarantine", "quarantined_record_types"]

ROW_COLUMN = f"{RESERVED_PREFIX}row"
ERRORS_COLUMN = f"{RESERVED_PREFIX}errors"


def _describe(errors: list[dict[str, str]]) -> str:
    return "; ".join(
        RowProblem(e["field"], e["rule"], e.get("column"), e.get("detail")).describe()
        for e in errors
    )


def quarantined_record_types(engine: Engine, source: str) -> list[str]:
    """Record types of which `source` has open quarantine rows, sorted."""
    return sorted({entry["record_type"] for entry in read_quarantine(engine, source=source)})


def export_quarantine(
    engine: Engine, cipher: Cipher, source: str, out: Path, record_type: str, *, look: Look
) -> int:
    """Write the open quarantine rows of `source` and `record_type` to `out` (.csv or .jsonl).

    One record type per file, with only its columns, so that the corrected file is
    ingested with that record type's mapping. Returns the number of rows written. The
    decrypted rows are a look at identity data: `look` (who, why) is audited as one
    `export_quarantine` entry naming the rows, once the file is written.
    """
    entries = [e for e in read_quarantine(engine, source=source) if e["record_type"] == record_type]
    rows = []
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
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".part")
    if out.suffix.lower() in (".jsonl", ".ndjson"):
        with temporary.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        columns: list[str] = [QUARANTINE_ID_COLUMN, ROW_COLUMN, ERRORS_COLUMN]
        for row in rows:
            columns.extend(key for key in row if key not in columns)
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            # Text cells cannot start a formula; the ingest of the corrected file restores them.
            writer = CsvWriter(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(row.get(column, "") for column in columns)
    temporary.replace(out)
    record_look(engine, look, "export_quarantine", "quarantine_row", [e["id"] for e in entries])
    return len(rows)
