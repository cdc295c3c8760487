"""Which comparison level a pair of normalised values falls in (DuckDB SQL of the model)."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from zicht.linkage._settings import ModelSpec, settings_creator

NAMES = ("given_name", "family_name", "date_of_birth", "national_id", "place_of_birth")


def _levels() -> dict[str, Any]:
    spec = ModelSpec(
        comparisons=NAMES, prediction_rules=(), training_rules=(), deterministic_rules=()
    )
    settings = settings_creator(spec).get_settings("duckdb")
    return {c.output_column_name: c.comparison_levels for c in settings.comparisons}


LEVELS = _levels()
COLUMNS = (
    "given_name",
    "family_name",
    "given_first",
    "given_initial",
    "given_phonetic",
    "family_phonetic",
    "name_sorted",
    "dob",
    "birth_year",
    "birth_month",
    "birth_day",
    "national_id",
    "place_of_birth",
)


def _level(comparison: str, left: dict[str, Any], right: dict[str, Any]) -> str:
    """The label of the first level whose condition holds (Splink's rule)."""
    values = {f"{c}_l": left.get(c) for c in COLUMNS} | {f"{c}_r": right.get(c) for c in COLUMNS}
    connection = duckdb.connect()
    columns = ", ".join(
        f"cast(? as {'integer' if c.startswith('birth_') else 'varchar'}) as {name}"
        for name in values
        for c in [name[:-2]]
    )
    connection.execute(f"create table pair as select {columns}", list(values.values()))
    for level in LEVELS[comparison]:
        if level.sql_condition.strip().upper() == "ELSE":
            return str(level.label_for_charts)
        if connection.execute(f"select ({level.sql_condition}) from pair").fetchone()[0]:
            return str(level.label_for_charts)
    raise AssertionError("no level holds")


def _name(given: str | None, family: str | None) -> dict[str, Any]:
    tokens = sorted((given or "").split() + (family or "").split())
    return {
        "given_name": given,
        "family_name": family,
        "given_first": given.split()[0] if given else None,
        "given_initial": given[0] if given else None,
        "name_sorted": " ".join(tokens) or None,
    }


# (left, right, given-name level, family-name level): written by hand.
NAME_CASES = [
    (_name("m", "zabashta"), _name("mioaylina", "zabashta"), "An initial that agrees"),
    (_name("m", "zabashta"), _name("vira", "zabashta"), "All other comparisons"),
    (
        _name("anna maria", "jansen"),
        _name("anna", "maria jansen"),
        "Same first given name",
    ),
    (
        _name("janimna ewa", "kruzel"),
        _name("jahina", "ewa kruzel"),
        "All name tokens similar, split differently",
    ),
    # Similar names split alike are not "split differently".
    (
        _name("anna", "jansen"),
        _name("anne", "jansen"),
        "Jaro-Winkler distance of given_name >= 0.8",
    ),
]


@pytest.mark.parametrize(("left", "right", "level"), NAME_CASES)
def test_given_name_levels(left: dict[str, Any], right: dict[str, Any], level: str) -> None:
    assert _level("given_name", left, right) == level


def test_family_name_split_differently() -> None:
    left, right = _name("janimna ewa", "kruzel"), _name("jahina", "ewa kruzel")
    assert _level("family_name", left, right) == "All name tokens similar, split differently"
    left, right = _name("anna", "jansen"), _name("anna", "janssen")
    assert _level("family_name", left, right) != "All name tokens similar, split differently"


# National identification number with its country, and place of birth.
ID_CASES = [
    ("NL:111222333", "NL:111222333", "Exact match on national_id"),
    ("RO:1800101221144", "RO:1800101221145", "One character differs or two swapped"),
    ("NL:111222333", "BE:111222333", "All other comparisons"),
    ("NL:111222333", None, "national_id is NULL"),
]


@pytest.mark.parametrize(("left", "right", "level"), ID_CASES)
def test_national_id_levels(left: str, right: str | None, level: str) -> None:
    found = _level("national_id", {"national_id": left}, {"national_id": right})
    assert found.replace("`", "").replace('"', "") == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("sofia", "sofia", "Exact match on place_of_birth"),
        ("sofia", "sofiya", "Place of birth similar"),
        ("sofia", "plovdiv", "All other comparisons"),
    ],
)
def test_place_of_birth_levels(left: str, right: str, level: str) -> None:
    assert _level("place_of_birth", {"place_of_birth": left}, {"place_of_birth": right}) == level


@pytest.mark.parametrize(
    ("comparison", "label"),
    [("given_name", "Given = other's family name"), ("family_name", "Family = other's given name")],
)
def test_a_swapped_name_is_corrected_for_how_common_it_is_like_an_exact_one(
    comparison: str, label: str
) -> None:
    # Without the correction "Lachlan Nguyen" / "Nguyen Lachlan" outweighed two exact
    # "Lachlan Nguyen"s and linked namesakes born on other dates (FEBRL4).
    levels = {str(level.label_for_charts): level for level in LEVELS[comparison]}
    exact = next(level for level in LEVELS[comparison] if level._is_exact_match)
    swapped = levels[label]
    assert exact._has_tf_adjustments and swapped._has_tf_adjustments
    assert swapped._tf_adjustment_input_column_name == exact._exact_match_colnames[0]
    assert swapped._tf_adjustment_weight == exact._tf_adjustment_weight == 1.0
