"""The date "today" of the future-date rule is `dt.date.today()`, looked up once a second."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.standard import _records

_ZONES = ("UTC", "Europe/Amsterdam", "Pacific/Chatham", "America/St_Johns")


@settings(max_examples=200, deadline=None)
@given(
    start=st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False),
    steps=st.lists(st.floats(min_value=0, max_value=200_000, allow_nan=False), max_size=20),
)
def test_today_is_the_local_date_of_the_clock(start: float, steps: list[float]) -> None:
    # The oracle: what `dt.date.today()` computes, the local date of `time.time()`, at
    # each of a run of clock readings that cross seconds and midnights.
    clock = [start]
    for step in steps:
        clock.append(clock[-1] + step)
    # In zones whose midnight is not UTC's, with summer time and quarter-hour offsets:
    # a cache per UTC day (or per hour) passes in UTC and fails here.
    original, zone = time.time, os.environ.get("TZ")
    try:
        for name in _ZONES:
            os.environ["TZ"] = name
            time.tzset()
            _records._today_at = (-1, dt.date.min)  # a process's zone is fixed: start afresh
            for now in clock:
                time.time = lambda now=now: now  # type: ignore[misc]
                assert _records._today() == dt.date.fromtimestamp(now)
    finally:
        time.time = original  # type: ignore[misc]
        if zone is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = zone
        time.tzset()
        _records._today_at = (-1, dt.date.min)


def test_today_is_todays_date() -> None:
    before = dt.date.today()
    today = _records._today()
    assert before <= today <= dt.date.today()


def test_a_date_after_today_is_refused() -> None:
    with pytest.raises(ValueError, match="in the future"):
        _records._check_date("registration_date", dt.date.today() + dt.timedelta(days=1))
    _records._check_date("registration_date", dt.date.today())
