"""Each ingest test compiles its date formats afresh.

`date_parser` keeps one parser per format for the life of the process. A test that
reads a cached parser never runs the format compiler, so a bug planted in it (mutation
testing, issue 23) would go unseen by every test but the first; clearing the cache
before each test makes every test that converts a date exercise it.
"""

from __future__ import annotations

import pytest

from zicht.ingest._dates import date_parser


@pytest.fixture(autouse=True)
def _fresh_date_parsers() -> None:
    date_parser.cache_clear()
