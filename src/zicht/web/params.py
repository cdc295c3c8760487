"""Numbers and dates from paths and query strings: a value no row can have is no row, not
an error.

The store's ids are INTEGER columns (1 … 2^31-1). A page asked for with an id outside
that range, or with something that is no whole number in ASCII digits ("²" passes
`str.isdigit` and fails `int`), answers 404 (pages) or 422 (API) — never a 500 from the
database driver (SQLite's raises OverflowError above 2^63-1).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import HTTPException, Path
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request

__all__ = [
    "MAX_ROW_ID",
    "RowId",
    "declared_query_parameters",
    "iso_date",
    "reject_unknown_query",
    "whole_number",
]

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


def iso_date(text: str | None) -> dt.date | None:
    """`text` as an ISO date (2024-03-01), surrounding spaces ignored; else None (a filter
    with a date no one can mean is no filter)."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def declared_query_parameters(dependant: Dependant) -> frozenset[str]:
    """The query parameters a route declares, its dependencies' included."""
    names = {field.alias for field in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= declared_query_parameters(dependency)
    return frozenset(names)


def reject_unknown_query(request: Request) -> None:
    """Refuse a query parameter the route does not declare (400), naming it.

    A partner system that sends `limit=2` where the API knows `page_size` must hear
    so, rather than receive a default page it takes for what it asked. `lang` chooses
    the language of messages on every route.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(
        set(request.query_params) - declared_query_parameters(route.dependant) - {"lang"}
    )
    if unknown:
        raise HTTPException(
            status_code=400,
            detail={"query": f"unknown query parameter(s): {', '.join(unknown)}"},
        )
