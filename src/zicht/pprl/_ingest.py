"""`zicht ingest ENCODED.jsonl`: a partner's encoded file into the store.

The file needs no mapping: its header names the source, record type, secret and
hardening. It is refused as a whole (nothing stored) when it was made with another
secret than the server's, for another source than the one given, or when any line is
damaged; each row's analytic record is validated again against the standard (a
partner's file is not trusted), and a row that fails is refused by line number and
field only. All rows are written in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zicht.ingest import IngestFileError, IngestResult
from zicht.pprl._file import EncodedFile, EncodedFileError, read_encoded
from zicht.pprl._secret import LinkageSecret
from zicht.standard import AGE_BANDS, RECORD_TYPES, age_band
from zicht.store import writing
from zicht.store.pprl import write_encoded

__all__ = ["ingest_encoded", "is_encoded_file"]

_RECORD_TYPE = "victim_registration"


def is_encoded_file(path: Path) -> bool:
    """Whether `path` starts with the header line of an encoded file (`zicht pprl encode`)."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(1 << 16)
        header = json.loads(first)
    except (OSError, ValueError):
        return False
    # Any format version: an older one is then refused by `read_encoded` with its reason.
    return isinstance(header, dict) and isinstance(header.get("zicht_pprl"), int)


class _BadBand(ValueError):
    """A row's age band is not a band of the standard or disagrees with its minor flag."""


_MINOR_BANDS = frozenset(age_band(age) for age in range(18))


def _band(record: dict[str, Any], age: int | None, minor: bool | None) -> str | None:
    """The row's age band: from the age when a row has one, else as the file carries it
    (format 3, `clear_record`), checked against the standard and the minor flag."""
    band = record.get("age_band")
    if age is not None:
        if band is not None and band != age_band(age):
            raise _BadBand
        return age_band(age)
    if band is None:
        return None
    if band not in AGE_BANDS or (minor is not None and minor != (band in _MINOR_BANDS)):
        raise _BadBand
    return str(band)


def _columns(record: dict[str, Any], flags: tuple[str, ...]) -> dict[str, Any]:
    fields = {key: value for key, value in record.items() if key != "age_band"}
    model = RECORD_TYPES[_RECORD_TYPE].analytic.model_validate(fields)
    analytic: dict[str, Any] = model.__dict__
    columns = {
        key: ";".join(value) if isinstance(value, tuple) else value
        for key, value in analytic.items()
    }
    columns["registration_year"] = analytic["registration_date"].year
    columns["age_band"] = _band(record, analytic.get("age"), analytic.get("minor"))
    columns["quality_flags"] = ";".join(flags) or None
    return columns


def ingest_encoded(
    path: Path, *, source: str, engine: Engine, secret: LinkageSecret
) -> IngestResult:
    """Store the encoded registrations of `path` (made by `source` with `secret`).

    Raises IngestFileError (nothing stored) when the file cannot be used as a whole.
    """
    try:
        encoded = read_encoded(path, secret.secret_id)
    except EncodedFileError as exc:
        raise IngestFileError(path, str(exc).removeprefix(f"{path}: ")) from None
    try:
        return _store(path, encoded, source, engine)
    finally:
        encoded.close()


def _store(path: Path, encoded: EncodedFile, source: str, engine: Engine) -> IngestResult:
    if encoded.source != source:
        raise IngestFileError(
            path, f"encoded for source '{encoded.source}', not '{source}': nothing stored"
        )
    if encoded.record_type != _RECORD_TYPE:
        raise IngestFileError(path, f"record type '{encoded.record_type}' is not linked")
    hardening = encoded.hardening.as_dict()
    result = IngestResult(file=str(path), source=source, record_type=_RECORD_TYPE)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    try:
        for row in encoded.rows:
            result.rows_read += 1
            try:
                columns = _columns(row.record, row.flags)
            except ValidationError as exc:
                fields = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
                result.quarantined += 1
                result.rules.update(f"{name}:invalid" for name in fields or ["record"])
                continue
            except _BadBand:
                result.quarantined += 1
                result.rules["age_band:invalid"] += 1
                continue
            if columns["source"] != source or columns["source_record_id"] in seen:
                result.quarantined += 1
                result.rules["source_record_id:duplicate_or_foreign"] += 1
                continue
            seen.add(columns["source_record_id"])
            encoding = {name: value.hex() for name, value in sorted(row.encoding.items())}
            columns["secret_id"] = encoded.secret_id
            columns["hardening"] = hardening
            columns["encoding"] = encoding
            canonical = json.dumps([columns, hardening], sort_keys=True, default=str)
            columns["content_hash"] = hashlib.sha256(canonical.encode()).hexdigest()
            rows.append(columns)
            if row.flags:
                result.flagged += 1
                result.flags.update(Counter(row.flags))
    except EncodedFileError as exc:
        raise IngestFileError(path, str(exc).removeprefix(f"{path}: ")) from None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with Session(engine) as session, session.begin():
        batch = writing.start_batch(
            session,
            source=source,
            record_type=_RECORD_TYPE,
            file_name=path.name,
            file_sha256=digest,
        )
        result.batch_id = batch.id
        if rows:
            result.new, result.updated, result.unchanged = write_encoded(
                session, source, rows, batch.id
            )
        writing.finish_batch(
            session,
            batch,
            {
                "read": result.rows_read,
                "new": result.new,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "quarantined": result.quarantined,
                "resolved": 0,
            },
        )
    return result
