"""Normalisation of identity fields into the linkage table (pure)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from anyascii import anyascii
from hypothesis import given
from hypothesis import strategies as st

from zicht.linkage._frame import (
    LINKAGE_COLUMNS,
    linkage_table,
    name_key,
    normalise_phone,
    normalise_postcode,
    normalise_text,
    phonetic_key,
)


def test_text_is_lowercase_ascii_without_punctuation() -> None:
    assert normalise_text("  José-María  O'Neill ") == "jose maria o neill"
    assert normalise_text("Олена") == "olena"
    assert normalise_text(" - ") is None
    assert normalise_text(None) is None


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_text_has_single_spaces_as_the_recipe_squeezes_them(value: str) -> None:
    # The oracle: the recipe written out, runs of whitespace squeezed at the end.
    text = re.sub(r"[^a-z0-9]+", " ", anyascii(value).lower()).strip()
    assert normalise_text(value) == (re.sub(r"\s+", " ", text) or None)


def test_name_key_drops_particles_but_not_a_name_made_of_them() -> None:
    assert name_key("van der Berg") == "berg"
    assert name_key("El Amrani") == "amrani"
    assert name_key("De") == "de"


def test_transliterations_share_a_phonetic_key() -> None:
    assert phonetic_key("Mohammed") == phonetic_key("Muhammad") == phonetic_key("Mohamed")
    assert phonetic_key("Jovanović") == phonetic_key("Jovanovic")


def test_phone_numbers_come_to_one_national_form() -> None:
    forms = ["+31 6 12345678", "0031612345678", "06-12345678", "612345678", "31612345678"]
    assert {normalise_phone(p) for p in forms} == {"0612345678"}
    assert normalise_phone("+48 601 234 567") == "0048601234567"
    assert normalise_phone("12") is None


def test_postcode() -> None:
    assert normalise_postcode("1234 ab") == "1234AB"


@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(value: str) -> None:
    once = normalise_text(value)
    assert normalise_text(once) == once


def _registrations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "registration_id": [1, 2, 3],
            "source": ["police", "shelter", "fairwork"],
            "given_names": ["Anna Maria", "Kowalska", ""],
            "family_name": ["Kowalska", "Anna Maria", None],
            "date_of_birth": [dt.date(1990, 3, 4), None, None],
            "birth_year": [1990, 1990, None],
            "phone": ["+31612345678", "", None],
            "nationality": ["PL", "PL", ""],
            "gender": ["female", "unknown", None],
        }
    )


def test_linkage_table_has_its_columns_and_unknowns_as_none() -> None:
    table = linkage_table(_registrations())
    assert tuple(table.columns) == LINKAGE_COLUMNS
    third = table.iloc[2]
    assert third["given_name"] is None
    assert third["nationality"] is None
    assert third["phone"] is None
    assert table.loc[1, "gender"] is None


def test_swapped_names_have_the_same_sorted_tokens() -> None:
    table = linkage_table(_registrations())
    assert table.loc[0, "name_sorted"] == table.loc[1, "name_sorted"] == "anna kowalska maria"
    assert table.loc[0, "given_first"] == "anna"


def test_birth_parts_fall_back_to_the_birth_year() -> None:
    table = linkage_table(_registrations())
    assert table.loc[0, "dob"] == "1990-03-04"
    assert (table.loc[0, "birth_month"], table.loc[0, "birth_day"]) == (3, 4)
    assert table.loc[1, "dob"] is None
    assert table.loc[1, "birth_year"] == 1990


def test_middle_names_place_of_birth_and_national_id_reach_the_table() -> None:
    registrations = pd.DataFrame(
        {
            "registration_id": [1, 2],
            "source": ["police", "fairwork"],
            "given_names": ["Jan", "Jan"],
            "middle_names": ["Pieter", None],
            "place_of_birth": ["Sofiá", None],
            "national_id_number": ["111222333", "8001011234"],
            "national_id_country": ["NL", "RO"],
        }
    )
    table = linkage_table(registrations)
    assert table["given_name"].tolist() == ["jan pieter", "jan"]
    assert table["given_first"].tolist() == ["jan", "jan"]
    assert table["given_initial"].tolist() == ["j", "j"]
    assert table["place_of_birth"].tolist() == ["sofia", None]
    assert table["national_id"].tolist() == ["NL:111222333", "RO:8001011234"]
