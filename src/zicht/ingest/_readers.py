"""Streaming readers of partner files: CSV (delimiter and encoding detected), XLSX, JSON Lines.

A reader yields the header once and then one `RawRow` per data row, numbered from 1
(the header is not counted), without holding the file in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from zicht.i18n import N_
from zicht.ingest._problems import IngestFileError
from zicht.ingest._rows import (
    MAX_CELL_CHARS,
    RawRow,
    SourceFile,
    check_header,
    excerpt,
    extra_cells,
)
from zicht.ingest._rows import first_long_cell as _first_long_cell

__all__ = [
    "FIELD_LIMIT",
    "FORMATS",
    "RawRow",
    "SourceFile",
    "csv_rows",
    "detect_encoding",
    "file_identity",
    "open_source",
]

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_SAMPLE = 64 * 1024
_CHUNK = 1024 * 1024
# A CSV field larger than this stops the file (the csv module must hold it whole);
# a smaller one longer than MAX_CELL_CHARS quarantines its row.
FIELD_LIMIT = 16 * 1024 * 1024
# Bytes that cp1252 leaves undefined: a file holding them is latin-1.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
# Byte order marks, longest first (UTF-32 LE starts with UTF-16 LE's mark).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(head: bytes) -> str | None:
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


def detect_encoding(path: Path) -> str:
    """The encoding of a byte order mark, else utf-8, cp1252 or latin-1 by reading the file."""
    with path.open("rb") as handle:
        by_bom = _bom_encoding(handle.read(4))
        if by_bom is not None:
            return by_bom
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        seen_high: set[int] = set()
        is_utf8 = True
        while chunk := handle.read(_CHUNK):
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if not is_utf8:
                seen_high.update(byte for byte in set(chunk) if byte >= 0x80)
        if is_utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
        if is_utf8:
            return "utf-8"
        return "latin-1" if seen_high & _CP1252_UNDEFINED else "cp1252"


def _check_text(path: Path, encoding: str) -> bytes:
    try:
        with path.open("rb") as handle:
            sample = handle.read(_SAMPLE)
    except FileNotFoundError:
        raise IngestFileError(path, N_("file does not exist")) from None
    except IsADirectoryError:
        raise IngestFileError(path, "is a directory, not a file") from None
    except PermissionError:
        raise IngestFileError(path, "file cannot be read (permission denied)") from None
    bom = _bom_encoding(sample)
    named = encoding.lower().replace("_", "-")
    wide = bom in ("utf-16", "utf-32") or named.startswith(("utf-16", "utf-32", "utf16", "utf32"))
    if wide:
        text = sample.decode(bom or encoding, errors="replace")
        if not text.strip(" \t\r\n\ufeff"):
            raise IngestFileError(path, N_("file is empty"))
        return sample
    if not sample.strip():
        raise IngestFileError(path, N_("file is empty"))
    if b"\x00" in sample:
        raise IngestFileError(path, N_("file is binary, not text"))
    return sample


def _detect_delimiter(path: Path, text_sample: str) -> str:
    lines = text_sample.splitlines()[:50]
    if not lines:
        raise IngestFileError(path, N_("file is empty"))
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _csv(
    path: Path, encoding: str, delimiter: str, on_bytes: Callable[[int], None] | None
) -> SourceFile:
    sample = _check_text(path, encoding)
    if encoding == "auto":
        encoding = detect_encoding(path)
    if delimiter == "auto":
        delimiter = _detect_delimiter(path, sample.decode(encoding, errors="replace"))
    csv.field_size_limit(FIELD_LIMIT)
    raw = path.open("rb")
    identity = file_identity(raw)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = [column.strip().lstrip("\ufeff") for column in next(reader)]
        check_header(path, header)
    except StopIteration:
        raw.close()
        raise IngestFileError(path, N_("file is empty")) from None
    except (UnicodeDecodeError, csv.Error):
        raw.close()
        raise IngestFileError(
            path, N_("header cannot be read as %(encoding)s CSV"), encoding=encoding
        ) from None
    except IngestFileError:
        raw.close()
        raise

    def rows() -> Iterator[RawRow]:
        last = 0

        def progress() -> None:
            nonlocal last
            assert on_bytes is not None
            position = raw.tell()
            on_bytes(position - last)
            last = position

        try:
            yield from csv_rows(
                path, header, reader, 1, encoding, None if on_bytes is None else progress
            )
        finally:
            raw.close()

    return SourceFile(
        path,
        "csv",
        header,
        rows(),
        encoding=encoding,
        delimiter=delimiter,
        close=raw.close,
        identity=identity,
    )


def file_identity(handle: IO[bytes]) -> tuple[int, int, int, int]:
    """(st_dev, st_ino, st_size, st_mtime_ns) of an open file: another file put in its
    place (os.replace) or a change to its bytes gives another identity."""
    stat = os.fstat(handle.fileno())
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def csv_rows(
    path: Path,
    header: list[str],
    reader: Iterator[list[str]],
    first: int,
    encoding: str,
    progress: Callable[[], None] | None = None,
) -> Iterator[RawRow]:
    """The `RawRow`s of CSV records read by `reader`, the first numbered `first`.

    The one loop of every CSV read: the whole file after its header (`open_source`), or
    a range of its records (`zicht.ingest._blocks`). `progress` is called every 1,000th
    record.
    """
    number = first - 1
    width = len(header)
    try:
        for number, values in enumerate(reader, start=first):
            if not "".join(values).strip():  # every cell blank
                continue
            if progress is not None and number % 1000 == 0:
                progress()
            cells = dict(zip(header, values, strict=False))
            long_column = (
                _first_long_cell(cells)
                if values and max(map(len, values)) > MAX_CELL_CHARS
                else None
            )
            if len(values) > width:
                cells.update(extra_cells(values[width:], width))
                _first_long_cell(cells)
            if long_column is not None:
                yield RawRow(number, cells, unreadable="too_long", column=long_column)
            elif len(values) != width:
                yield RawRow(number, cells, unreadable="cell_count")
            else:
                yield RawRow(number, cells)
    except UnicodeDecodeError:
        raise IngestFileError(path, f"text is not valid {encoding} after row {number}") from None
    except csv.Error as exc:
        raise IngestFileError(
            path, f"CSV cannot be parsed at row {number + 1}: {_csv_problem(exc)}"
        ) from None


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"a cell is larger than {FIELD_LIMIT >> 20} MB"
    return str(exc)


def _parse_line(number: int, line: str) -> RawRow:
    try:
        parsed = json.loads(line)
    except (ValueError, RecursionError):  # also nesting too deep, integers too long
        parsed = None
    if not isinstance(parsed, dict):
        # The original text is kept, so that different bad lines stay different entries.
        text = line.rstrip("\r\n")
        cells = {"line": excerpt(text) if len(text) > MAX_CELL_CHARS else text}
        return RawRow(number, cells, "invalid_json")
    long_column = _first_long_cell(parsed)
    if long_column is not None:
        return RawRow(number, parsed, unreadable="too_long", column=long_column)
    return RawRow(number, parsed)


def _jsonl(path: Path, on_bytes: Callable[[int], None] | None) -> SourceFile:
    _check_text(path, "auto")
    encoding = detect_encoding(path)
    handle: IO[str] = path.open(encoding=encoding)
    first_rows: list[RawRow] = []
    header: list[str] = []
    last_number = 0
    try:
        # The header is the union of keys of the first rows that parse (up to 100).
        for last_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            row = _parse_line(last_number, line)
            first_rows.append(row)
            if row.unreadable != "invalid_json":
                header.extend(key for key in row.cells if key not in header)
            if len(first_rows) >= 100:
                break
    except UnicodeDecodeError:
        handle.close()
        raise IngestFileError(
            path, f"text is not valid {encoding} after line {last_number}"
        ) from None
    if not first_rows:
        handle.close()
        raise IngestFileError(path, N_("file is empty"))
    if not header:
        handle.close()
        raise IngestFileError(path, N_("no line of the file is a JSON object"))

    def rows() -> Iterator[RawRow]:
        number = last_number
        try:
            yield from first_rows
            for number, line in enumerate(handle, start=last_number + 1):
                if on_bytes is not None:
                    on_bytes(len(line))
                if line.strip():
                    yield _parse_line(number, line)
        except UnicodeDecodeError:
            raise IngestFileError(
                path, f"text is not valid {encoding} after line {number}"
            ) from None
        finally:
            handle.close()

    return SourceFile(path, "jsonl", header, rows(), encoding=encoding, close=handle.close)


def open_source(
    path: Path,
    *,
    encoding: str = "auto",
    delimiter: str = "auto",
    sheet: str | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> SourceFile:
    """Open a partner file by its extension; IngestFileError says what is wrong with it."""
    file_format = FORMATS.get(path.suffix.lower())
    if file_format is None:
        raise IngestFileError(
            path,
            f"unsupported file type '{path.suffix or '(none)'}': "
            "use .csv, .tsv, .txt, .xlsx, .jsonl or .ndjson",
        )
    if not path.exists():
        raise IngestFileError(path, N_("file does not exist"))
    if path.is_dir():
        raise IngestFileError(path, "is a directory, not a file")
    if not path.is_file():  # a FIFO, socket or device would block or never end
        raise IngestFileError(path, "is not a regular file")
    if file_format == "csv":
        return _csv(
            path,
            encoding,
            "\t" if path.suffix.lower() == ".tsv" and delimiter == "auto" else delimiter,
            on_bytes,
        )
    if file_format == "xlsx":
        from zicht.ingest._xlsx import open_xlsx

        return open_xlsx(path, sheet)
    return _jsonl(path, on_bytes)
