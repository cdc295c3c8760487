"""Edges of ingest's dates and ages: the 18th birthday, 29 February, today, tomorrow and
the 1900 cut-off (issue 23). The expected values are written by hand or computed by an
oracle that counts birthdays one by one, not by the converter's own formula."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from zicht.ingest._convert import Converter, ValidRecord
from zicht.ingest._mapping import Mapping
from zicht.ingest._problems import RowProblem
from zicht.ingest._readers import RawRow

MAPPING = Mapping(
    source="police",
    columns={
        "id": "source_record_id",
        "datum": "registration_date",
        "vorm": "forms",
        "geboren": "date_of_birth",
    },
    values={"forms": {"AU": "labour"}},
    date_formats={"registration_date": ["%Y-%m-%d"], "date_of_birth": ["%Y-%m-%d"]},
)


def convert(registered: dt.date, born: dt.date | None = None) -> ValidRecord | list[RowProblem]:
    cells: dict[str, Any] = {"id": "B1", "datum": registered.isoformat(), "vorm": "AU"}
    cells["geboren"] = born.isoformat() if born else ""
    return Converter(MAPPING, "police").convert(RawRow(1, cells))


def analytic(registered: dt.date, born: dt.date | None = None) -> dict[str, Any]:
    result = convert(registered, born)
    assert isinstance(result, ValidRecord), result
    return result.analytic.model_dump()


def rules(registered: dt.date, born: dt.date | None = None) -> list[str]:
    result = convert(registered, born)
    assert isinstance(result, list), result
    return [f"{p.field}:{p.rule}" for p in result]


# (born, registered, age, minor): written by hand.
AGES = [
    (dt.date(2005, 6, 15), dt.date(2023, 6, 15), 18, False),  # the 18th birthday itself
    (dt.date(2005, 6, 15), dt.date(2023, 6, 14), 17, True),  # the day before
    (dt.date(2005, 6, 15), dt.date(2023, 6, 16), 18, False),
    (dt.date(2005, 6, 15), dt.date(2023, 5, 31), 17, True),  # an earlier month, later day
    (dt.date(2005, 1, 31), dt.date(2023, 2, 1), 18, False),  # a later month, earlier day
    (dt.date(2004, 2, 29), dt.date(2022, 2, 28), 17, True),  # 29 Feb: not yet in a common year
    (dt.date(2004, 2, 29), dt.date(2022, 3, 1), 18, False),
    (dt.date(2004, 2, 29), dt.date(2024, 2, 28), 19, False),
    (dt.date(2004, 2, 29), dt.date(2024, 2, 29), 20, False),  # a leap year: on the day
    (dt.date(2023, 3, 1), dt.date(2023, 3, 1), 0, True),  # registered on the day of birth
    (dt.date(2005, 12, 31), dt.date(2023, 12, 31), 18, False),
    (dt.date(2006, 1, 1), dt.date(2023, 12, 31), 17, True),
]


@pytest.mark.parametrize(("born", "registered", "age", "minor"), AGES)
def test_age_and_minor_at_the_birthday_edges(
    born: dt.date, registered: dt.date, age: int, minor: bool
) -> None:
    """Planted bug 3 of issue 23 (`<` -> `<=` in `_derive_age`) fails the 18th birthday."""
    record = analytic(registered, born)
    assert (record["age"], record["minor"]) == (age, minor)


def _birthdays_passed(born: dt.date, registered: dt.date) -> int:
    """Oracle: count the birthdays one by one (29 Feb is kept on 1 March in common years)."""
    age = 0
    while True:
        year = born.year + age + 1
        try:
            birthday = born.replace(year=year)
        except ValueError:
            birthday = dt.date(year, 3, 1)
        if birthday > registered:
            return age
        age += 1


@settings(max_examples=200)
@given(
    st.dates(min_value=dt.date(1905, 1, 1), max_value=dt.date(2024, 12, 31)),
    st.integers(min_value=0, max_value=119 * 366),
)
@example(dt.date(2005, 6, 15), (dt.date(2023, 6, 15) - dt.date(2005, 6, 15)).days)
@example(dt.date(2004, 2, 29), (dt.date(2022, 2, 28) - dt.date(2004, 2, 29)).days)
@example(dt.date(2004, 2, 29), (dt.date(2022, 3, 1) - dt.date(2004, 2, 29)).days)
@example(dt.date(2000, 1, 1), 0)
def test_the_derived_age_counts_birthdays(born: dt.date, days: int) -> None:
    registered = born + dt.timedelta(days=days)
    if registered > dt.date.today():
        return
    expected = _birthdays_passed(born, registered)
    record = analytic(registered, born)
    if expected > 120:
        assert record["age"] is None
    else:
        assert record["age"] == expected
        assert record["minor"] is (expected < 18)


def test_a_registration_of_today_is_accepted_and_of_tomorrow_refused() -> None:
    """Planted bug 5 of issue 23 (`>` -> `>=` in `_not_in_future`) refuses today."""
    today = dt.date.today()
    assert analytic(today)["registration_date"] == today
    assert rules(today + dt.timedelta(days=1)) == ["registration_date:future_date"]


def test_the_1900_cut_off_of_a_registration_date() -> None:
    assert analytic(dt.date(1900, 1, 1))["registration_date"] == dt.date(1900, 1, 1)
    assert rules(dt.date(1899, 12, 31)) == ["registration_date:range"]


def test_a_birth_on_the_day_of_registration_is_kept_and_the_day_after_flagged() -> None:
    day = dt.date(2023, 5, 10)
    kept = convert(day, day)
    assert isinstance(kept, ValidRecord) and not kept.flags
    assert kept.identity.model_dump()["date_of_birth"] == day
    flagged = convert(day, day + dt.timedelta(days=1))
    assert isinstance(flagged, ValidRecord)
    assert [f"{f.field}:{f.rule}" for f in flagged.flags] == [
        "date_of_birth:birth_after_registration"
    ]
    assert flagged.analytic.model_dump()["age"] is None
