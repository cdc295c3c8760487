"""A licence file's row: every rule named with its field and column, never its value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zicht.platforms._licence_rows import (
    LicenceMapping,
    age_on,
    licence_from_cells,
)
from zicht.platforms._problems import RowRefused

GOOD = {
    "licence_number": "GM0014-004217-87",
    "holder_name": "Sanne Voorbeeld",
    "date_of_birth": "1990-05-01",
    "valid_from": "2025-01-01",
    "valid_to": "2027-12-31",
    "status": "active",
}


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        ("2004-06-15", "2025-06-14", 20),
        ("2004-06-15", "2025-06-15", 21),
        ("2004-02-29", "2025-02-28", 20),
        ("2004-02-29", "2025-03-01", 21),
        ("2004-02-29", "2028-02-29", 24),
    ],
)
def test_age_on(born: str, day: str, age: int) -> None:
    assert age_on(dt.date.fromisoformat(born), dt.date.fromisoformat(day)) == age


def test_a_good_row() -> None:
    record = licence_from_cells(GOOD, LicenceMapping(), "GM0014")
    assert str(record.number) == "GM0014-004217-87"
    assert (record.valid_from, record.valid_to) == (dt.date(2025, 1, 1), dt.date(2027, 12, 31))
    assert record.status == "active"


def _rules(cells: dict[str, str], municipality: str = "GM0014") -> set[tuple[str, str]]:
    with pytest.raises(RowRefused) as caught:
        licence_from_cells(cells, LicenceMapping(), municipality)
    assert "Voorbeeld" not in str(caught.value)
    return {(p.field, p.rule) for p in caught.value.problems}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"date_of_birth": "2004-01-02"}, {("date_of_birth", "minimum_age")}),
        ({"licence_number": "GM0014-004217-78"}, {("licence_number", "check_digit")}),
        ({"licence_number": "4217"}, {("licence_number", "malformed")}),
        ({"licence_number": "GM0363-000001-83"}, {("licence_number", "municipality")}),
        ({"status": "pending"}, {("status", "code")}),
        ({"valid_to": "2024-12-31"}, {("valid_to", "date_order")}),
        ({"valid_from": "01-01-2025"}, {("valid_from", "date")}),
        ({"holder_name": ""}, {("holder_name", "required")}),
        (
            {"date_of_birth": "2010-01-01", "status": ""},
            {("date_of_birth", "minimum_age"), ("status", "required")},
        ),
    ],
)
def test_rules(change: dict[str, str], expected: set[tuple[str, str]]) -> None:
    assert _rules({**GOOD, **change}) == expected


def test_mapping_columns_values_and_formats() -> None:
    mapping = LicenceMapping(
        columns={
            "Nr": "licence_number",
            "Naam": "holder_name",
            "Geb": "date_of_birth",
            "Van": "valid_from",
            "St": "status",
        },
        values={"status": {"A": "active", "G": "suspended"}},
        date_formats={"date_of_birth": ["%d-%m-%Y"], "valid_from": ["%d-%m-%Y"]},
    )
    cells = {"Nr": "gm0014 004217 87", "Naam": "X", "Geb": "01-05-1990", "Van": "1-1-2025"}
    record = licence_from_cells({**cells, "St": "G"}, mapping, "GM0014")
    assert (record.status, record.date_of_birth) == ("suspended", dt.date(1990, 5, 1))
    with pytest.raises(RowRefused) as caught:
        licence_from_cells({**cells, "Geb": "01-05-2005", "St": "A"}, mapping, "GM0014")
    assert [(p.field, p.column, p.rule) for p in caught.value.problems] == [
        ("date_of_birth", "Geb", "minimum_age")
    ]


def test_mapping_refuses_unknown_fields() -> None:
    with pytest.raises(ValueError, match="unknown licence field"):
        LicenceMapping(columns={"x": "shoe_size", **{f: f for f in GOOD}})


def test_a_licence_mapping_path_that_is_a_folder_is_one_clear_error(tmp_path: Path) -> None:
    """The licence mapping is read by ingest's loader, with its hostile-path rules."""
    from zicht.platforms import load_licence_mapping

    with pytest.raises(ValueError, match="mapping path is a directory, not a file"):
        load_licence_mapping(tmp_path)
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ValueError, match="mapping file does not exist"):
        load_licence_mapping(missing)
