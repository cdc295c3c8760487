"""XLSX partner files: the workbook's zip is checked against bombs before openpyxl reads it.

openpyxl reads the whole shared-strings table into memory when it opens a workbook,
and a worksheet cell's text whole when it meets it. A 200 KB workbook can hold a 200 MB
cell, so sizes and compression ratios are checked from the zip directory first.
"""

from __future__ import annotations

import zipfile
from collections.abc import Generator, Iterator
from pathlib import Path

from zicht.ingest._problems import IngestFileError
from zicht.ingest._rows import RawRow, SourceFile, check_header, extra_cells, first_long_cell

__all__ = [
    "MAX_RATIO",
    "MAX_RUN_BYTES",
    "MAX_SHARED_STRINGS",
    "MAX_UNCOMPRESSED",
    "check_zip",
    "open_xlsx",
]

MAX_UNCOMPRESSED = 1 << 30  # all parts of the workbook together, unpacked
MAX_SHARED_STRINGS = 64 << 20  # the shared-strings table, read whole by openpyxl
MAX_RATIO = 100  # unpacked / packed, for any part larger than RATIO_FROM
RATIO_FROM = 1 << 20
# Longest text of one cell in the XML: four bytes for each of Excel's 32,767 characters at
# most, and some room. A longer cell refuses the file; a shorter one longer than
# MAX_CELL_CHARS quarantines its row with an excerpt.
MAX_RUN_BYTES = 256 << 10


def check_zip(path: Path) -> None:
    """Refuse a workbook whose parts unpack too large or compress suspiciously well."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise IngestFileError(path, "not a valid XLSX file (broken zip)") from None
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise IngestFileError(
                path,
                f"XLSX part unpacks more than {MAX_RATIO} times its packed size "
                "(a zip bomb?); refused before reading",
            )
        if member.filename.lower().endswith("sharedstrings.xml") and (
            member.file_size > MAX_SHARED_STRINGS
        ):
            raise IngestFileError(
                path,
                f"XLSX text table unpacks to more than {MAX_SHARED_STRINGS >> 20} MB; "
                "refused before reading (save the sheet as CSV instead)",
            )
    if total > MAX_UNCOMPRESSED:
        raise IngestFileError(
            path, f"XLSX unpacks to more than {MAX_UNCOMPRESSED >> 30} GB; refused before reading"
        )
    with zipfile.ZipFile(path) as archive:
        for member in members:
            name = member.filename.lower()
            if name.endswith(".xml") and ("worksheets/" in name or "sharedstrings" in name):
                _check_text_runs(path, archive, member)


def _check_text_runs(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a part holding a text run longer than MAX_RUN_BYTES, by streaming it.

    XML text cannot hold a raw "<", so the distance between two "<" bounds every cell's
    text: this finds an over-long cell (also one stored inline in the sheet, and one that
    does not compress well) without building it in memory.
    """
    run = 0  # bytes since the last "<"
    try:
        with archive.open(member) as part:
            while run <= MAX_RUN_BYTES and (chunk := part.read(1 << 20)):
                pieces = chunk.split(b"<")
                if len(pieces) == 1:
                    run += len(chunk)
                    continue
                inner = max(map(len, pieces[1:-1]), default=0)
                run = max(run + len(pieces[0]), inner, len(pieces[-1]))
                if run <= MAX_RUN_BYTES:
                    run = len(pieces[-1])
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise IngestFileError(path, "not a valid XLSX file (broken zip)") from None
    if run > MAX_RUN_BYTES:
        raise IngestFileError(
            path,
            f"XLSX holds a cell larger than {MAX_RUN_BYTES >> 10} KB; refused before reading",
        )


def open_xlsx(path: Path, sheet: str | None) -> SourceFile:
    """The first sheet (or `sheet`) of a workbook; header in row 1, dates as dates."""
    from openpyxl import load_workbook  # imported here: only XLSX needs it

    if path.stat().st_size == 0:
        raise IngestFileError(path, "file is empty")
    if not zipfile.is_zipfile(path):
        raise IngestFileError(path, "not a valid XLSX file (not an Office Open XML workbook)")
    check_zip(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken workbooks
        raise IngestFileError(path, "not a valid XLSX file") from None
    values: Generator[tuple[object, ...], None, None] | None = None

    def close() -> None:
        if values is not None:
            values.close()  # the sheet part it holds open
        workbook.close()

    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise IngestFileError(path, f"workbook has no sheet '{sheet}'")
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        values = worksheet.iter_rows(values_only=True)
        first = next(values, None)
        if first is None:
            raise IngestFileError(path, "file is empty")
        header = ["" if cell is None else str(cell).strip() for cell in first]
        while header and header[-1] == "":
            header.pop()
        check_header(path, header)
    except IngestFileError:
        close()
        raise
    except Exception:  # a sheet that breaks while its first row is read
        close()
        raise IngestFileError(path, "not a valid XLSX file (first row unreadable)") from None
    return SourceFile(path, "xlsx", header, _rows(path, values, header), close=close)


def _blank(cell: object) -> bool:
    return cell is None or str(cell).strip() == ""


def _rows(path: Path, values: Iterator[tuple[object, ...]], header: list[str]) -> Iterator[RawRow]:
    width = len(header)
    number = 0
    try:
        for number, row in enumerate(values, start=1):
            cells = list(row[:width])
            beyond = row[width:]
            if all(_blank(cell) for cell in cells) and all(_blank(cell) for cell in beyond):
                continue
            cells += [None] * (width - len(cells))
            by_column = dict(zip(header, cells, strict=True))
            long_column = first_long_cell(by_column)
            if long_column is not None:
                yield RawRow(number, by_column, unreadable="too_long", column=long_column)
            elif any(not _blank(cell) for cell in beyond):
                by_column.update(extra_cells(beyond, width))
                yield RawRow(number, by_column, unreadable="cell_count")
            else:
                yield RawRow(number, by_column)
    except IngestFileError:
        raise
    except Exception:  # openpyxl: a truncated or malformed sheet part
        raise IngestFileError(
            path, f"XLSX sheet cannot be read after row {number} (broken workbook)"
        ) from None
