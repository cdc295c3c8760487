"""Dates from query strings: one reading for every page's filters (registrations, audit)."""

from __future__ import annotations

import datetime as dt

import pytest

from zicht.web.params import iso_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", dt.date(2024, 3, 1)),
        (" 2024-03-01 ", dt.date(2024, 3, 1)),
        ("", None),
        (None, None),
        ("2024-02-30", None),
        ("01-03-2024", None),
        ("yesterday", None),
    ],
)
def test_a_query_date_is_an_iso_date_or_no_filter(text: str | None, expected: object) -> None:
    assert iso_date(text) == expected
