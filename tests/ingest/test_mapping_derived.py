"""Mappings that build one field from several columns and split one column into several."""

from __future__ import annotations

from typing import Any

import pytest

from zicht.ingest._convert import Converter, ValidRecord
from zicht.ingest._mapping import Mapping
from zicht.ingest._readers import RawRow

BASE: dict[str, Any] = {
    "source": "police",
    "columns": {"id": "source_record_id", "date": "registration_date", "form": "forms"},
}
ROW = {"id": "7", "date": "2024-03-01", "form": "labour"}


def _convert(mapping: dict[str, Any], cells: dict[str, Any]) -> ValidRecord:
    converter = Converter(Mapping.model_validate({**BASE, **mapping}), "police")
    result = converter.convert(RawRow(2, {**ROW, **cells}))
    assert isinstance(result, ValidRecord), result
    return result


# (cells, expected address, expected given names): hand-written.
COMBINED = [
    ({"street": "Damstraat", "no": "12", "g": "Jan", "m": "Piet"}, "Damstraat 12", "Jan Piet"),
    ({"street": "Damstraat", "no": "", "g": "Jan", "m": "NB"}, "Damstraat", "Jan"),
    ({"street": "", "no": 12.0, "g": "", "m": ""}, "12", None),
]


@pytest.mark.parametrize(("cells", "address", "given"), COMBINED)
def test_combine_joins_filled_columns_in_order(
    cells: dict[str, Any], address: str, given: str | None
) -> None:
    record = _convert(
        {
            "combine": {
                "address": {"columns": ["street", "no"]},
                "given_names": {"columns": ["g", "m"], "separator": " "},
            },
            "null_values": ["", "NB"],
        },
        cells,
    )
    assert record.identity.model_dump()["address"] == address
    assert record.identity.model_dump()["given_names"] == given


# (cell, separator, expected family name, given names): hand-written.
SPLIT = [
    ("Berg, Jan Piet", ",", "Berg", "Jan Piet"),
    ("Jovanović,", ",", "Jovanović", None),
    ("Berg", ",", "Berg", None),
    ("Jan van der Berg", None, "Jan", "van der Berg"),
]


@pytest.mark.parametrize(("cell", "separator", "first", "rest"), SPLIT)
def test_split_fills_fields_in_order_and_the_last_takes_the_rest(
    cell: str, separator: str | None, first: str, rest: str | None
) -> None:
    record = _convert(
        {"split": {"name": {"fields": ["family_name", "given_names"], "separator": separator}}},
        {"name": cell},
    )
    identity = record.identity.model_dump()
    assert (identity["family_name"], identity["given_names"]) == (first, rest)


def test_a_bad_part_is_reported_under_its_derived_column() -> None:
    converter = Converter(
        Mapping.model_validate(
            {**BASE, "split": {"birth": {"fields": ["place_of_birth", "date_of_birth"]}}}
        ),
        "police",
    )
    # an impossible birth date costs the value, not the row (it is flagged, issue 13)
    record = converter.convert(RawRow(3, {**ROW, "birth": "Sofia 1999-02-31"}))
    assert isinstance(record, ValidRecord)
    assert [(p.field, p.rule, p.column) for p in record.flags] == [
        ("date_of_birth", "date", "birth[2]")
    ]
    assert record.originals == {"birth[2]": "1999-02-31"}


def test_a_field_filled_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="more than one column: address"):
        Mapping.model_validate(
            {
                **BASE,
                "columns": {**BASE["columns"], "adres": "address"},
                "combine": {"address": {"columns": ["street", "no"]}},
            }
        )


def test_combined_and_split_columns_are_required_and_their_fields_provided() -> None:
    mapping = Mapping.model_validate(
        {
            **BASE,
            "combine": {"address": {"columns": ["street", "no"]}},
            "split": {"name": {"fields": ["family_name", "given_names"]}},
        }
    )
    assert {"street", "no", "name"} <= mapping.required_columns()
    assert {"address", "family_name", "given_names"} <= mapping.fields_provided()


def test_unknown_fields_in_combine_or_split_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        Mapping.model_validate({**BASE, "split": {"n": {"fields": ["surname", "given_names"]}}})
