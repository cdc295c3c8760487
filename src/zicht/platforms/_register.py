"""Import a municipality's licence file into the register: one transaction, nothing lost.

Every row is either stored (new, updated or unchanged) or quarantined in the shared
quarantine (source = the municipality's CBS code, record type "licence") with the
rules it breaks; a problem with the file as a whole stores nothing from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from zicht.ingest import FORMATS, IngestFileError, RawRow, open_source
from zicht.platforms._geo import municipalities
from zicht.platforms._licence_rows import LicenceMapping, LicenceRecord, licence_from_cells
from zicht.platforms._problems import Problem, RowRefused
from zicht.privacy import Cipher
from zicht.store import writing
from zicht.store.licences import write_licences
from zicht.store.platforms import licence_context

__all__ = ["LicenceImport", "holder_key", "import_licences", "licence_key"]

RECORD_TYPE = "licence"
_CHUNK = 2000


@dataclass
class LicenceImport:
    """What happened to every row of one licence file."""

    file: str
    municipality: str
    batch_id: int = 0
    rows_read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    refusals: list[str] = field(default_factory=list)
    # The same refusals as (row, problem), for a page that says them in its language.
    problems: list[tuple[int, Problem]] = field(default_factory=list)


def licence_key(cipher: Cipher, number: str) -> str:
    """The keyed pseudonym of a canonical licence number."""
    return cipher.pseudonym(f"licence/{number}")


def holder_key(cipher: Cipher, name: str, born: dt.date) -> str:
    """The keyed pseudonym of a licence holder: normalised name and date of birth."""
    return cipher.pseudonym(f"licence-holder/{' '.join(name.casefold().split())}/{born}")


def _stored_row(cipher: Cipher, record: LicenceRecord) -> dict[str, Any]:
    key = licence_key(cipher, str(record.number))
    analytic = {
        "municipality": record.number.municipality,
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
        "status": record.status,
        "holder_key": holder_key(cipher, record.holder_name, record.date_of_birth),
    }
    identity = {
        "licence_number": str(record.number),
        "holder_name": record.holder_name,
        "date_of_birth": record.date_of_birth.isoformat(),
    }
    digest = cipher.pseudonym(json.dumps([analytic, identity], sort_keys=True, default=str))
    return {
        "number_key": key,
        **analytic,
        "identity": cipher.encrypt_json(identity, licence_context(key)),
        "content_hash": digest,
    }


def _quarantine_entry(
    cipher: Cipher, result: LicenceImport, file_name: str, row: RawRow, problems: list[Problem]
) -> dict[str, Any]:
    cells = [[c, v.isoformat() if isinstance(v, dt.date) else v] for c, v in row.cells.items()]
    context = f"quarantine/{result.municipality}/{file_name}/{row.number}"
    return {
        "batch_id": result.batch_id,
        "source": result.municipality,
        "record_type": RECORD_TYPE,
        "status": "open",
        "file_name": file_name,
        "row_number": row.number,
        "errors": [p.as_dict() for p in problems],
        "original": cipher.encrypt_json({"cells": cells}, context),
        "original_hash": cipher.pseudonym(json.dumps(cells, default=str)),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_licences(
    path: Path,
    *,
    municipality: str,
    engine: Engine | Connection,
    cipher: Cipher,
    mapping: LicenceMapping | None = None,
) -> LicenceImport:
    """Import one licence file of `municipality` ("GM0363") in one transaction (the
    caller's, given a connection: e.g. with its audit entry, `audited_transaction`).

    Raises:
        IngestFileError: the file as a whole is unusable (nothing stored).
    """
    if municipality not in municipalities():
        raise IngestFileError(path, f"unknown municipality code '{municipality}'")
    mapping = mapping or LicenceMapping()
    own_format = mapping.format is None or mapping.format == FORMATS.get(path.suffix.lower())
    opened = open_source(
        path,
        encoding=mapping.encoding if own_format else "auto",
        delimiter=mapping.delimiter if own_format else "auto",
        sheet=mapping.sheet,
    )
    result = LicenceImport(file=str(path), municipality=municipality)
    try:
        missing = sorted(mapping.required_columns() - set(opened.header))
        if missing:
            raise IngestFileError(path, f"missing required column(s) {', '.join(missing)}")
        with Session(engine) as session, session.begin():
            batch = writing.start_batch(
                session,
                source=municipality,
                record_type=RECORD_TYPE,
                file_name=path.name,
                file_sha256=_sha256(path),
            )
            result.batch_id = batch.id
            seen: set[str] = set()
            stored: list[dict[str, Any]] = []
            refused: list[dict[str, Any]] = []

            def flush() -> None:
                new, updated, unchanged = write_licences(session, stored, batch.id)
                result.new += new
                result.updated += updated
                result.unchanged += unchanged
                writing.insert_quarantine(session, refused)
                stored.clear()
                refused.clear()

            for row in opened.rows:
                result.rows_read += 1
                try:
                    if row.unreadable:
                        raise RowRefused([Problem("row", row.unreadable)])
                    record = licence_from_cells(row.cells, mapping, municipality)
                    if str(record.number) in seen:
                        raise RowRefused([Problem("licence_number", "duplicate_record_id")])
                except RowRefused as refusal:
                    result.quarantined += 1
                    result.refusals += [p.describe(path.name, row.number) for p in refusal.problems]
                    result.problems += [(row.number, p) for p in refusal.problems]
                    refused.append(
                        _quarantine_entry(cipher, result, path.name, row, refusal.problems)
                    )
                else:
                    seen.add(str(record.number))
                    stored.append(_stored_row(cipher, record))
                if len(stored) + len(refused) >= _CHUNK:
                    flush()
            flush()
            writing.finish_batch(
                session,
                batch,
                {
                    "read": result.rows_read,
                    "new": result.new,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "quarantined": result.quarantined,
                },
            )
    finally:
        opened.close()
    return result
