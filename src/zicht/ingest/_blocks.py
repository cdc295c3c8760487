"""A CSV file cut into byte ranges of whole records, for workers that read their own.

Sending parsed rows from one process to workers costs that process more per row
(reading, splitting, pickling) than a worker spends parsing them again. `csv_blocks`
plans ranges of whole records instead: the main process only looks at bytes, and each
worker reads, decodes and parses its range with the ordinary loop (`csv_rows`), the
records numbered as a read of the whole file numbers them.

A range may end only where the whole file's parse surely ends a record. Lines without
a quote are records of their own (a lone carriage return makes the plan treat every
carriage return like a quote); a record with a quote is cut after only when it is
regular CSV (each field unquoted without quote or line break, or quoted with inner
quotes doubled), which the `csv` module reads the same way whatever came before. An
irregular record is never a place to cut: it goes, with all that follows it, into the
next range (the last range runs to the end of the file, where the two reads agree
anyway). No plan (None: read the file whole) for other formats and encodings, text
that does not decode (the ordinary read reports where), a NUL byte, or more than
`_CARRY` bytes without a place to cut.

The planner and every worker open the file by its path again. Each checks that the
handle it opened is the file `open_source` opened, unchanged (`file_identity`: device,
inode, size and modification time, before and after reading): a file moved, deleted,
replaced, grown, cut or touched since is an IngestFileError, not rows read at another
file's offsets or under its old header. Not seen: an edit in place that keeps the size
and the modification time (`rsync --inplace --times`, or within one tick of a coarse
file system's clock); a single process reading its own handle does not see it either.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from zicht.ingest._problems import IngestFileError
from zicht.ingest._readers import FIELD_LIMIT, RawRow, SourceFile, csv_rows, file_identity

__all__ = ["CsvBlock", "CsvPlan", "csv_blocks", "read_csv_block"]

# Encodings in which the bytes of '"', CR and LF and of an ASCII delimiter only ever
# stand for those characters (codecs.lookup names).
_ASCII_SAFE = frozenset({"utf-8", "utf-8-sig", "cp1252", "iso8859-1"})
_CHANGED = "file changed while it was read"
# At most this many bytes are held before a place to cut is found.
_CARRY = 8 * 1024 * 1024


@dataclass(frozen=True)
class CsvBlock:
    """Whole records of a CSV file: `size` bytes from `offset`, the first numbered `first`."""

    offset: int
    size: int
    first: int


@dataclass(frozen=True)
class CsvPlan:
    """What a worker needs to read blocks of one CSV file as `open_source` read it."""

    path: Path
    header: tuple[str, ...]
    encoding: str
    delimiter: str
    blocks: tuple[CsvBlock, ...]
    identity: tuple[int, int, int, int]  # of the file as opened (`file_identity`)


def _record_pattern(delimiter: str) -> re.Pattern[bytes]:
    """One regular record from its start to its line end (see the module docstring)."""
    d = re.escape(delimiter.encode("ascii"))
    field = rb'(?:[^"' + d + rb'\r\n]*|"[^"]*(?:""[^"]*)*")'
    return re.compile(field + rb"(?:" + d + field + rb")*\r?\n")


def _whole_records(data: bytes, record: re.Pattern[bytes], lone_cr: bool) -> tuple[int, int]:
    """(records, bytes) of the longest start of `data` made of whole records in the
    sense of the module docstring; `data` starts a record and ends with LF."""
    special = b"\r" if lone_cr else b'"'
    records, at = 0, 0
    while True:
        found = data.find(b'"', at)
        if lone_cr:
            cr = data.find(special, at)
            found = cr if found < 0 or 0 <= cr < found else found
        if found < 0:
            return records + data.count(b"\n", at), len(data)
        start = data.rfind(b"\n", at, found) + 1 or at
        records += data.count(b"\n", at, start)
        match = record.match(data, start)
        if match is None:
            return records, start
        records, at = records + 1, match.end()


def csv_blocks(source: SourceFile, size: int = 1024 * 1024) -> CsvPlan | None:
    """The data records of an opened CSV file as ranges of about `size` bytes, or None.

    Reads the whole file once (bytes, and a strict decode); the source's own rows are
    not touched.
    """
    if source.format != "csv" or source.encoding is None or source.delimiter is None:
        return None
    try:
        codec = codecs.lookup(source.encoding).name
    except LookupError:
        return None
    delimiter = source.delimiter
    if codec not in _ASCII_SAFE or len(delimiter) != 1 or delimiter in '"\r\n\0':
        return None
    if not delimiter.isascii() or source.identity is None:
        return None
    record = _record_pattern(delimiter)
    decoder = codecs.getincrementaldecoder(codec)()
    blocks: list[CsvBlock] = []
    offset, number, held = 0, 0, b""  # number: of the next record; the header is 0
    with _reopen(source.path) as handle:
        _check_same(source.path, handle, source.identity)
        while True:
            data = handle.read(size)
            held += data
            if not data:
                break
            if b"\0" in data:
                return None
            try:
                decoder.decode(data)
            except UnicodeDecodeError:
                return None
            lone_cr = held.count(b"\r") != held.count(b"\r\n")
            records, cut = _whole_records(held[: held.rfind(b"\n") + 1], record, lone_cr)
            if number == 0 and records:  # the header's record: not a data block
                header_end = record.match(held)
                if header_end is None:  # pragma: no cover  (counted as a whole record)
                    return None
                offset, number, held = header_end.end(), 1, held[header_end.end() :]
                records, cut = records - 1, cut - header_end.end()
            if records and cut:
                blocks.append(CsvBlock(offset, cut, number))
                offset, number, held = offset + cut, number + records, held[cut:]
            if len(held) > _CARRY:
                return None
        _check_same(source.path, handle, source.identity)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    if number == 0:
        return None  # no header record found to cut after
    if held:
        blocks.append(CsvBlock(offset, len(held), number))
    return CsvPlan(
        source.path,
        tuple(source.header),
        source.encoding,
        delimiter,
        tuple(blocks),
        source.identity,
    )


def _reopen(path: Path) -> IO[bytes]:
    """The file opened again by its path; one moved, deleted or made unreadable since
    `open_source` opened it is an IngestFileError naming it (not an error of the output)."""
    try:
        return path.open("rb")
    except OSError:
        raise IngestFileError(path, _CHANGED) from None


def _check_same(path: Path, handle: IO[bytes], identity: tuple[int, int, int, int]) -> None:
    """IngestFileError unless `handle` is the file `identity` was taken of, unchanged."""
    if file_identity(handle) != identity:
        raise IngestFileError(path, _CHANGED)


def read_csv_block(plan: CsvPlan, block: CsvBlock) -> list[RawRow]:
    """The rows of one block, numbered and built as `open_source`'s read of the whole file
    gives them (in any process: it opens the file itself)."""
    with _reopen(plan.path) as handle:
        _check_same(plan.path, handle, plan.identity)
        handle.seek(block.offset)
        data = handle.read(block.size)
        _check_same(plan.path, handle, plan.identity)
    if len(data) != block.size:
        raise IngestFileError(plan.path, _CHANGED)
    # A block never starts at the byte order mark: the header holds it.
    codec = codecs.lookup(plan.encoding).name
    codec = "utf-8" if codec == "utf-8-sig" else codec
    csv.field_size_limit(FIELD_LIMIT)
    try:
        text, broken = data.decode(codec), None
    except UnicodeDecodeError as exc:  # the file was planned as decoding: changed in place
        text, broken = data[: exc.start].decode(codec), exc
    records: Iterator[list[str]] = csv.reader(
        io.StringIO(text, newline=""), delimiter=plan.delimiter
    )
    if broken is not None:
        records = _until_broken(records, broken)
    return list(csv_rows(plan.path, list(plan.header), records, block.first, plan.encoding))


def _until_broken(records: Iterator[list[str]], broken: UnicodeDecodeError) -> Iterator[list[str]]:
    """The records before the one the undecodable bytes are in, then the decode error,
    which `csv_rows` reports in the whole-file read's words ("after row N", no byte). N
    is a row before the broken bytes, not always the last whole one: the record cut by
    them is dropped, and so is a whole one when they start a record; the whole-file read,
    decoding ahead in larger pieces, may name an earlier row still."""
    previous = None
    for values in records:
        if previous is not None:
            yield previous
        previous = values
    raise broken
