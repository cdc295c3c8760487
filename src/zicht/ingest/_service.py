"""Ingest one partner file into the store: one transaction, nothing lost.

Every row ends up either stored (new, updated or unchanged) or quarantined with the
rules it breaks; a problem with the file as a whole stores nothing from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zicht.i18n import N_
from zicht.ingest._mapping import RESERVED_PREFIX, Mapping, default_mapping
from zicht.ingest._parallel import prepared_chunks
from zicht.ingest._prepare import QUARANTINE_ID_COLUMN, PreparedRecord
from zicht.ingest._problems import IngestFileError, RowProblem
from zicht.ingest._readers import RawRow, open_source
from zicht.ingest._rows import SourceFile
from zicht.privacy import Cipher, restore
from zicht.standard import ORGANISATIONS
from zicht.store import IngestBatch
from zicht.store import writing as store

__all__ = ["QUARANTINE_ID_COLUMN", "IngestResult", "ingest_file", "quarantine_context"]

# A row naming a quarantine entry that is not of this file's organisation and record type.
_FOREIGN_ID = RowProblem(QUARANTINE_ID_COLUMN, "quarantine_id", QUARANTINE_ID_COLUMN)


@dataclass
class IngestResult:
    """What happened to every row of one file.

    `flagged` rows are stored (they count in new, updated or unchanged) with identity
    values left out for breaking a rule.
    """

    file: str
    source: str
    record_type: str
    batch_id: int = 0
    rows_read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    resolved: int = 0
    flagged: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)  # "field:rule" of flagged rows

    @property
    def stored(self) -> int:
        """Rows that are in the store after this run (new, updated or unchanged)."""
        return self.new + self.updated + self.unchanged


def quarantine_context(source: str, file_name: str, row_number: int) -> str:
    """Associated data binding an encrypted original row to its quarantine entry."""
    return f"quarantine/{source}/{file_name}/{row_number}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _restored(rows: Iterator[RawRow]) -> Iterator[RawRow]:
    """Rows of a corrected export with the one quote its writer added taken off each text cell."""
    for row in rows:
        row.cells = {
            restore(column): restore(value) if isinstance(value, str) else value
            for column, value in row.cells.items()
        }
        yield row


def _check_mapping(path: Path, mapping: Mapping, source: str, header: list[str]) -> None:
    if source not in ORGANISATIONS:
        raise IngestFileError(path, f"unknown source '{source}': see `zicht standard vocabularies`")
    if mapping.source is not None and mapping.source != source:
        raise IngestFileError(path, f"mapping is for source '{mapping.source}', not '{source}'")
    missing_fields = sorted(
        set(mapping.kind.required_fields) - mapping.fields_provided() - {"source"}
    )
    if missing_fields:
        raise IngestFileError(
            path,
            N_("mapping provides no column for required field(s) %(fields)s"),
            fields=", ".join(missing_fields),
        )
    missing = sorted(mapping.required_columns() - set(header))
    if missing:
        raise IngestFileError(
            path,
            N_("missing required column(s) %(columns)s"),
            columns=", ".join(repr(c) for c in missing),
        )


class _Run:
    """The state of one ingest run inside its transaction."""

    def __init__(
        self, session: Session, cipher: Cipher, result: IngestResult, file_name: str
    ) -> None:
        self.session = session
        self.cipher = cipher
        self.result = result
        self.file_name = file_name
        self.record_type = result.record_type
        self.keep_place = False  # True when correcting rows of an earlier delivery
        self._refresh_at = 4000  # new rows after which the planner's statistics may be renewed

    def store(self, prepared: list[PreparedRecord]) -> list[tuple[int, list[RowProblem]]]:
        """Write prepared records; return rows whose id repeats with other content."""
        ids = list(dict.fromkeys(record[1] for record in prepared))
        existing = store.existing_records(self.session, self.record_type, self.result.source, ids)
        batch_id = self.result.batch_id
        # Records of earlier batches that an earlier chunk of this file left unchanged.
        met = store.seen_unchanged(
            self.session, [i for i, known in existing.items() if known[2] != batch_id]
        )
        own = store.own_quarantine_ids(
            self.session, self.result.source, self.record_type, [r[4] for r in prepared if r[4]]
        )
        unchanged: list[str] = []
        new: list[tuple[Any, ...]] = []
        seen: dict[str, str] = {}  # record id -> content hash, for this chunk
        changed: list[tuple[Any, ...]] = []
        resolved: list[int] = []
        conflicts: list[tuple[int, list[RowProblem]]] = []
        for number, record_id, content_hash, values, quarantine_id in prepared:
            if quarantine_id is not None and quarantine_id not in own:
                conflicts.append((number, [_FOREIGN_ID]))  # refused: never resolve another's
                continue
            earlier = seen.get(record_id)
            known = existing.get(record_id)
            same_batch = earlier is not None or (
                known is not None and (known[2] == batch_id or record_id in met)
            )
            known_hash = earlier if earlier is not None else (known[1] if known else None)
            if same_batch and known_hash != content_hash:
                problem = RowProblem("source_record_id", "duplicate_record_id", None)
                conflicts.append((number, [problem]))
                continue
            seen[record_id] = content_hash
            if known_hash == content_hash:
                self.result.unchanged += 1
                # A record of an earlier batch, met for the first time in this file.
                first_meeting = earlier is None and record_id not in met
                if first_meeting and known is not None and known[2] != batch_id:
                    unchanged.append(record_id)
            elif known is not None:
                changed.append((*values, known[0]))
                self.result.updated += 1
            else:
                new.append(values)
                self.result.new += 1
            if quarantine_id is not None:
                resolved.append(quarantine_id)
        store.insert_records(self.session, self.record_type, new, batch_id=batch_id)
        if self.result.new >= self._refresh_at:
            store.refresh_statistics(self.session, self.record_type, self.result.new)
            self._refresh_at *= 4
        store.update_records(self.session, self.record_type, changed, batch_id=batch_id)
        store.remember_unchanged(self.session, unchanged)
        self.result.resolved += store.resolve_quarantine(
            self.session,
            resolved,
            batch_id,
            source=self.result.source,
            record_type=self.record_type,
        )
        return conflicts

    def quarantine(self, rows: list[tuple[RawRow, list[RowProblem], int | None]]) -> None:
        """Add rows to the quarantine, once: an open entry with the same original row is kept."""
        source = self.result.source
        asked = [q for _, _, q in rows if q is not None]
        reopened = store.open_quarantine_rows(self.session, source, self.record_type, asked)
        own = store.own_quarantine_ids(self.session, source, self.record_type, asked)
        prepared = []
        for row, problems, quarantine_id in rows:
            if quarantine_id is not None and quarantine_id not in own:
                # Another organisation's, another record type's or no entry: say so.
                if _FOREIGN_ID not in problems:
                    problems = [*problems, _FOREIGN_ID]
                quarantine_id = None
            self.result.quarantined += 1
            self.result.rules.update(problem.rule for problem in problems)
            cells = [
                [column, _jsonable(value)]
                for column, value in row.cells.items()
                if not column.startswith(RESERVED_PREFIX)
            ]
            original_hash = self.cipher.pseudonym(json.dumps(cells, default=str))
            prepared.append((row, problems, quarantine_id, cells, original_hash))
        known = store.open_quarantine_hashes(
            self.session, source, self.record_type, [p[4] for p in prepared]
        )
        fresh: list[dict[str, Any]] = []
        again: list[dict[str, Any]] = []
        for row, problems, quarantine_id, cells, original_hash in prepared:
            if original_hash in known and quarantine_id is None:
                continue  # the same bad row is already waiting for correction
            known.add(original_hash)
            number = row.number
            if self.keep_place and quarantine_id in reopened:
                number = reopened[quarantine_id].row_number  # a correction: its row of the file
            context = quarantine_context(source, self.file_name, number)
            entry = {
                "batch_id": self.result.batch_id,
                "file_name": self.file_name,
                "row_number": number,
                "errors": [problem.as_dict() for problem in problems],
                "original": self.cipher.encrypt_json({"cells": cells}, context),
                "original_hash": original_hash,
            }
            if quarantine_id is not None and quarantine_id in reopened:
                again.append({"id": quarantine_id, **entry})
            else:
                fresh.append(
                    {"source": source, "record_type": self.record_type, "status": "open", **entry}
                )
        store.insert_quarantine(self.session, fresh)
        store.update_quarantine(self.session, again)


def ingest_file(
    path: Path,
    *,
    source: str,
    engine: Engine,
    cipher: Cipher,
    mapping: Mapping | None = None,
    on_bytes: Callable[[int], None] | None = None,
    workers: int = 1,
    into_batch: int | None = None,
) -> IngestResult:
    """Ingest one file of `source` in one transaction.

    `workers` > 1 validates and encrypts in that many processes (worth it for large
    files; the store is still written by this process, in one transaction).
    `into_batch` adds corrected rows of an earlier delivery to that delivery (its batch)
    instead of making the file a delivery of its own: its stored rows grow by the rows
    that now pass, its quarantined rows shrink by the entries they resolve.
    Raises IngestFileError (nothing stored) when the file as a whole is unusable.
    """
    mapping = mapping or default_mapping()
    is_mapping_format = mapping.format is None or mapping.format == _format_of(path)
    opened = open_source(
        path,
        encoding=mapping.encoding if is_mapping_format else "auto",
        delimiter=mapping.delimiter if is_mapping_format else "auto",
        sheet=mapping.sheet,
        on_bytes=on_bytes,
    )
    rows = opened.rows
    header = opened.header
    if QUARANTINE_ID_COLUMN in header and opened.format != "jsonl":
        # A spreadsheet Zicht wrote (an export for correction): its text cells were
        # neutralised against formulas (`zicht.privacy._cells`); restore what was exported.
        rows, header = _restored(rows), [restore(column) for column in header]
    try:
        _check_mapping(path, mapping, source, header)
        file_name = path.name
        result = IngestResult(file=str(path), source=source, record_type=mapping.record_type)
        sha256 = _sha256(path)
        with Session(engine) as session, session.begin():
            if into_batch is None:
                batch = store.start_batch(
                    session,
                    source=source,
                    record_type=mapping.record_type,
                    file_name=file_name,
                    file_sha256=sha256,
                )
            else:
                try:
                    batch = store.reopen_batch(
                        session, into_batch, source=source, record_type=mapping.record_type
                    )
                except LookupError as exc:
                    raise IngestFileError(path, str(exc)) from None
                file_name = batch.file_name  # entries it re-quarantines keep their file
            result.batch_id = batch.id
            run = _Run(session, cipher, result, file_name)
            run.keep_place = into_batch is not None
            chunks = prepared_chunks(
                rows,
                mapping=mapping,
                source=source,
                cipher=cipher,
                dialect=engine.dialect.name,
                workers=workers,
            )
            for raw_rows, chunk in chunks:
                result.rows_read += len(raw_rows)
                by_number = {row.number: row for row in raw_rows}
                conflicts = run.store(chunk.valid)
                conflicted = {number for number, _ in conflicts}
                for number, labels in chunk.flags.items():
                    if number not in conflicted:
                        result.flagged += 1
                        result.flags.update(labels)
                quarantine_ids = {record[0]: record[4] for record in chunk.valid}
                invalid = [(by_number[n], problems, q) for n, problems, q in chunk.invalid]
                invalid += [
                    (by_number[n], problems, quarantine_ids[n]) for n, problems in conflicts
                ]
                run.quarantine(invalid)
            counts = {
                "read": result.rows_read,
                "new": result.new,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "quarantined": result.quarantined,
                "resolved": result.resolved,
            }
            if into_batch is not None:
                counts = _corrected_counts(batch, result)
            store.finish_batch(session, batch, counts)
    finally:
        opened.close()
    return result


def _corrected_counts(batch: IngestBatch, result: IngestResult) -> dict[str, int]:
    """The counts of a delivery after corrections of its rows were added to it."""
    return {
        "read": batch.rows_read,
        "new": batch.rows_new + result.new,
        "updated": batch.rows_updated + result.updated,
        "unchanged": batch.rows_unchanged + result.unchanged,
        "quarantined": max(0, batch.rows_quarantined - result.resolved),
        "resolved": batch.rows_resolved + result.resolved,
    }


def _format_of(path: Path) -> str | None:
    from zicht.ingest._readers import FORMATS

    return FORMATS.get(path.suffix.lower())


def open_checked(path: Path, *, source: str, mapping: Mapping) -> SourceFile:
    """Open a partner file as `ingest_file` does and check it against the mapping.

    For edges that read partner files without storing them (the encoder of
    `zicht.pprl` runs at the partner). Raises IngestFileError; the caller closes the file.
    """
    is_mapping_format = mapping.format is None or mapping.format == _format_of(path)
    opened = open_source(
        path,
        encoding=mapping.encoding if is_mapping_format else "auto",
        delimiter=mapping.delimiter if is_mapping_format else "auto",
        sheet=mapping.sheet,
    )
    try:
        _check_mapping(path, mapping, source, opened.header)
    except IngestFileError:
        opened.close()
        raise
    return opened
