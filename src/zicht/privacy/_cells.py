"""Spreadsheet cells that cannot start a formula (OWASP "CSV injection"), and back.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read
by Excel and LibreOffice as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`).
Every CSV and XLSX Zicht writes passes its text cells through `neutralise`, which puts
one single quote in front, as OWASP recommends. A cell that already begins with
quotes before such a character gets one more, so that `restore` (used by the ingest of
a corrected export) takes exactly the one quote off again: `restore(neutralise(s)) == s`
for every text. Plain numbers (`-3`, `+31.5`) are left alone: they are no formula and
a report's negative figure must stay a number.

A carriage return inside a cell is the other way in: written unquoted (Python's csv
module does so when rows end in LF alone) it starts a new row in a spreadsheet, whose
first cell may be a formula. `CsvWriter` ends rows in CRLF (RFC 4180), so such a cell
is quoted, and neutralises every text cell.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

__all__ = [
    "FORMULA_STARTS",
    "CsvWriter",
    "neutralise",
    "neutralise_row",
    "restore",
    "starts_formula",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would read `text` as the start of a formula."""
    return text.startswith(FORMULA_STARTS) and _PLAIN_NUMBER.fullmatch(text) is None


def _needs_quote(text: str) -> bool:
    return starts_formula(text.lstrip("'"))


def neutralise(text: str) -> str:
    """`text` with one single quote in front when it could start a formula."""
    return "'" + text if _needs_quote(text) else text


def restore(text: str) -> str:
    """The text `neutralise` was given: takes off the one quote it added, else unchanged."""
    if text.startswith("'") and _needs_quote(text[1:]):
        return text[1:]
    return text


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """A row of cells with every text cell neutralised (numbers, dates and None as given)."""
    return [neutralise(value) if isinstance(value, str) else value for value in values]


class CsvWriter:
    """A CSV writer whose text cells cannot start a formula and whose rows end in CRLF."""

    def __init__(self, handle: IO[str], delimiter: str = ",") -> None:
        self._writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row, its text cells neutralised."""
        self._writer.writerow(neutralise_row(row))
