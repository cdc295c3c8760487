"""Numbers from paths and query strings: a value no row can have is no row, not an error.

The store's ids are INTEGER columns (1 … 2^31-1). A page asked for with an id outside
that range, or with something that is no whole number in ASCII digits ("²" passes
`str.isdigit` and fails `int`), answers 404 (pages) or 422 (API) — never a 500 from the
database driver (SQLite's raises OverflowError above 2^63-1).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

__all__ = ["MAX_ROW_ID", "RowId", "whole_number"]

MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
"""An id in a path; outside the range a page answers 404 and the API 422."""


def whole_number(text: str | None, low: int, high: int) -> int | None:
    """`text` as a whole number between `low` and `high`, else None.

    Only ASCII digits count, and at most 18 of them, so that nothing huge is parsed.
    """
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > 18 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if low <= number <= high else None
