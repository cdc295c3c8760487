"""Capture histories from linked registrations."""

from __future__ import annotations

import pandas as pd
import pytest

from zicht.estimate import EstimationError, capture_histories_from_registrations


@pytest.fixture
def registrations() -> pd.DataFrame:
    rows = [
        # person, organisation, year, forms, minor, gender, dutch
        (1, "POL", 2019, "SEX", False, "F", True),
        (1, "NGO", 2019, "SEX", False, "F", True),
        (2, "POL", 2019, "LAB", False, "M", False),
        (3, "NGO", 2019, "SEX,LAB", True, "F", True),
        (3, "KMAR", 2019, "SEX,LAB", True, "F", True),
        (4, "POL", 2020, "LAB", False, "M", False),
        (5, "NGO", 2020, "LAB", False, "M", False),
        (5, "POL", 2020, "LAB", False, "M", False),
        (5, "POL", 2020, "LAB", False, "M", False),
        (6, "TINY", 2020, "SEX", False, "F", True),
    ]
    return pd.DataFrame(
        rows, columns=["person_id", "organisation", "year", "forms", "minor", "gender", "dutch"]
    )


def test_whole_population(registrations: pd.DataFrame) -> None:
    tables = capture_histories_from_registrations(registrations)
    table = tables[()]
    assert table.lists == ("KMAR", "NGO", "POL", "TINY")
    assert table.n_observed == 6
    assert table.list_totals() == {"KMAR": 1, "NGO": 3, "POL": 4, "TINY": 1}


def test_merge_small_lists(registrations: pd.DataFrame) -> None:
    table = capture_histories_from_registrations(registrations, merge_below=2)[()]
    assert table.lists == ("NGO", "OTHER", "POL")
    assert table.list_totals()["OTHER"] == 2


def test_by_year_and_form(registrations: pd.DataFrame) -> None:
    tables = capture_histories_from_registrations(registrations, by=["year", "form"])
    assert set(tables) == {(2019, "LAB"), (2019, "SEX"), (2020, "LAB")}
    sex_2019 = tables[(2019, "SEX")]
    assert sex_2019.lists == ("KMAR", "NGO", "POL")
    assert sex_2019.n_observed == 2  # person 3 counts in both forms
    assert tables[(2020, "LAB")].n_observed == 2


def test_unknown_stratum(registrations: pd.DataFrame) -> None:
    with pytest.raises(EstimationError, match="unknown stratum"):
        capture_histories_from_registrations(registrations, by=["region"])


def test_missing_columns() -> None:
    with pytest.raises(EstimationError, match="lack column"):
        capture_histories_from_registrations(pd.DataFrame({"person_id": [1]}))
