"""What every reader yields: the header, then raw rows; limits on what one cell may hold."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zicht.i18n import N_
from zicht.ingest._problems import IngestFileError

__all__ = [
    "EXCERPT_CHARS",
    "MAX_CELL_CHARS",
    "RawRow",
    "SourceFile",
    "check_header",
    "excerpt",
    "extra_cells",
    "first_long_cell",
]

# Excel's own limit on the text of one cell; a longer cell is no registration field.
MAX_CELL_CHARS = 32_767
# What is kept of a rejected cell in the quarantine, so that a hostile cell of hundreds
# of megabytes is never stored, shown or exported whole.
EXCERPT_CHARS = 200


@dataclass(slots=True)
class RawRow:
    """One data row as read: its number, its cells by column, or the rule it breaks as a whole.

    `column` names the cell that broke `unreadable`, when one cell did.
    """

    number: int
    cells: dict[str, Any]
    unreadable: str | None = None
    column: str | None = None


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
    # (st_dev, st_ino, st_size, st_mtime_ns) of the handle a CSV file is read through.
    identity: tuple[int, int, int, int] | None = None


def excerpt(text: str) -> str:
    """The start of an over-long cell, marked as cut, to keep in the quarantine."""
    return f"{text[:EXCERPT_CHARS]}… [{len(text)} characters, shortened]"


def first_long_cell(cells: dict[str, Any]) -> str | None:
    """The first column whose text is longer than MAX_CELL_CHARS, shortening every such cell."""
    found = None
    for column, value in cells.items():
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            cells[column] = excerpt(value)
            found = found or column
    return found


def extra_cells(values: Sequence[Any], width: int) -> dict[str, Any]:
    """Cells beyond the header, kept under "(column N)" so that the quarantine loses none."""
    return {f"(column {i})": value for i, value in enumerate(values, start=width + 1)}


def check_header(path: Path, header: list[str]) -> None:
    """Refuse an empty header, a repeated column or an over-long column name."""
    if not any(header):
        raise IngestFileError(path, N_("header row is empty"))
    seen: set[str] = set()
    for index, column in enumerate(header, start=1):
        if len(column) > 200:
            raise IngestFileError(
                path, N_("header column %(index)s is longer than 200 characters"), index=index
            )
        if column in seen:
            raise IngestFileError(
                path, N_("column %(column)s appears twice in the header"), column=repr(column)
            )
        seen.add(column)
