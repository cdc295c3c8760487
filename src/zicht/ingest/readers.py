"""Streaming readers of partner files: CSV (delimiter and encoding detected), XLSX, JSON Lines.

A reader yields the header once and then one `RawRow` per data row, numbered from 1
(the header is not counted), without holding the file in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from zicht.ingest.problems import IngestFileError

__all__ = ["FORMATS", "RawRow", "SourceFile", "detect_encoding", "open_source"]

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
# Bytes that cp1252 leaves undefined: a file holding them is latin-1.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass(slots=True)
class RawRow:
    """One data row as read: its number, its cells by column, or the rule it breaks as a whole."""

    number: int
    cells: dict[str, Any]
    unreadable: str | None = None


@dataclass
class SourceFile:
    """An opened partner file: its header and its rows."""

    path: Path
    format: str
    header: list[str]
    rows: Iterator[RawRow]
    encoding: str | None = None
    delimiter: str | None = None
    close: Callable[[], None] = lambda: None


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8, cp1252 or latin-1, decided by reading the whole file once."""
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
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


def _check_text(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            sample = handle.read(_SAMPLE)
    except FileNotFoundError:
        raise IngestFileError(path, "file does not exist") from None
    except IsADirectoryError:
        raise IngestFileError(path, "is a directory, not a file") from None
    except PermissionError:
        raise IngestFileError(path, "file cannot be read (permission denied)") from None
    if not sample.strip():
        raise IngestFileError(path, "file is empty")
    if b"\x00" in sample:
        raise IngestFileError(path, "file is binary, not text")
    return sample


def _detect_delimiter(path: Path, text_sample: str) -> str:
    lines = text_sample.splitlines()[:50]
    if not lines:
        raise IngestFileError(path, "file is empty")
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _csv(
    path: Path, encoding: str, delimiter: str, on_bytes: Callable[[int], None] | None
) -> SourceFile:
    sample = _check_text(path)
    if encoding == "auto":
        encoding = detect_encoding(path)
    if delimiter == "auto":
        delimiter = _detect_delimiter(path, sample.decode(encoding, errors="replace"))
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raw.close()
        raise IngestFileError(path, "file is empty") from None
    except (UnicodeDecodeError, csv.Error):
        raw.close()
        raise IngestFileError(path, f"header cannot be read as {encoding} CSV") from None
    try:
        _check_header(path, header)
    except IngestFileError:
        raw.close()
        raise

    def rows() -> Iterator[RawRow]:
        last = 0
        number = 0
        try:
            for number, values in enumerate(reader, start=1):
                if not any(value.strip() for value in values):
                    continue
                if on_bytes is not None and number % 1000 == 0:
                    position = raw.tell()
                    on_bytes(position - last)
                    last = position
                if len(values) != len(header):
                    cells = dict(zip(header, values, strict=False))
                    yield RawRow(number, cells, unreadable="cell_count")
                    continue
                yield RawRow(number, dict(zip(header, values, strict=True)))
        except UnicodeDecodeError:
            raise IngestFileError(
                path, f"text is not valid {encoding} after row {number - 1}"
            ) from None
        except csv.Error as exc:
            raise IngestFileError(path, f"CSV cannot be parsed near row {number}: {exc}") from None
        finally:
            raw.close()

    return SourceFile(
        path, "csv", header, rows(), encoding=encoding, delimiter=delimiter, close=raw.close
    )


def _check_header(path: Path, header: list[str]) -> None:
    if not any(header):
        raise IngestFileError(path, "header row is empty")
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise IngestFileError(path, f"column '{column}' appears twice in the header")
        seen.add(column)


def _xlsx(path: Path, sheet: str | None) -> SourceFile:
    from openpyxl import load_workbook  # imported here: only XLSX needs it

    if not path.exists():
        raise IngestFileError(path, "file does not exist")
    if path.stat().st_size == 0:
        raise IngestFileError(path, "file is empty")
    if not zipfile.is_zipfile(path):
        raise IngestFileError(path, "not a valid XLSX file (not an Office Open XML workbook)")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken workbooks
        raise IngestFileError(path, "not a valid XLSX file") from None
    if sheet is not None and sheet not in workbook.sheetnames:
        workbook.close()
        raise IngestFileError(path, f"workbook has no sheet '{sheet}'")
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    values = worksheet.iter_rows(values_only=True)
    try:
        first = next(values)
    except StopIteration:
        workbook.close()
        raise IngestFileError(path, "file is empty") from None
    header = ["" if cell is None else str(cell).strip() for cell in first]
    while header and header[-1] == "":
        header.pop()
    try:
        _check_header(path, header)
    except IngestFileError:
        workbook.close()
        raise

    def rows() -> Iterator[RawRow]:
        try:
            for number, row in enumerate(values, start=1):
                cells = list(row[: len(header)])
                if all(cell is None or str(cell).strip() == "" for cell in cells):
                    continue
                cells += [None] * (len(header) - len(cells))
                yield RawRow(number, dict(zip(header, cells, strict=True)))
        finally:
            workbook.close()

    return SourceFile(path, "xlsx", header, rows(), close=workbook.close)


def _jsonl(path: Path, on_bytes: Callable[[int], None] | None) -> SourceFile:
    _check_text(path)
    encoding = detect_encoding(path)
    handle: IO[str] = path.open(encoding=encoding)
    first_objects: list[tuple[int, str]] = []
    header: list[str] = []
    # The header is the union of keys of the first rows that parse (up to 100).
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        first_objects.append((number, line))
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, dict):
            header.extend(key for key in parsed if key not in header)
        if len(first_objects) >= 100:
            break
    if not first_objects:
        handle.close()
        raise IngestFileError(path, "file is empty")
    if not header:
        handle.close()
        raise IngestFileError(path, "no line of the file is a JSON object")

    def parse(number: int, line: str) -> RawRow:
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError:
            return RawRow(number, {}, unreadable="invalid_json")
        if not isinstance(parsed, dict):
            return RawRow(number, {}, unreadable="invalid_json")
        return RawRow(number, parsed)

    def rows() -> Iterator[RawRow]:
        try:
            for number, line in first_objects:
                yield parse(number, line)
            start = first_objects[-1][0] + 1
            for number, line in enumerate(handle, start=start):
                if on_bytes is not None:
                    on_bytes(len(line))
                if line.strip():
                    yield parse(number, line)
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
        raise IngestFileError(path, "file does not exist")
    if path.is_dir():
        raise IngestFileError(path, "is a directory, not a file")
    if file_format == "csv":
        return _csv(
            path,
            encoding,
            "\t" if path.suffix.lower() == ".tsv" and delimiter == "auto" else delimiter,
            on_bytes,
        )
    if file_format == "xlsx":
        return _xlsx(path, sheet)
    return _jsonl(path, on_bytes)
