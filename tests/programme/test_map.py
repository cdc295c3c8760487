"""The municipal map: every municipality of the reference list exactly once, each shape
with its CBS code, and the table behind it with the same municipalities."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections import Counter
from importlib import resources

from zicht.i18n import Translator
from zicht.programme import Coverage, band_of, coverage_map
from zicht.standard._municipalities import municipalities, safety_regions

SVG = "{http://www.w3.org/2000/svg}"


def _reference_codes() -> list[str]:
    """The reference list read here with the csv module (not through the code under test)."""
    text = resources.files("zicht.standard").joinpath("municipalities.csv").read_text("utf-8")
    return [row["municipality_code"] for row in csv.DictReader(text.splitlines())]


def test_the_reference_list_has_342_municipalities_in_25_regions() -> None:
    codes = _reference_codes()
    assert len(codes) == len(set(codes)) == 342
    assert list(municipalities()) == codes
    assert len(safety_regions()) == 25


def test_every_municipality_is_drawn_exactly_once_with_its_code() -> None:
    places = [Coverage(code, m.name, 6, 0, 0.0) for code, m in municipalities().items()]
    svg = ET.fromstring(str(coverage_map(Translator("nl"), places, 2021)))
    drawn = Counter(path.get("data-code") for path in svg.iter(f"{SVG}path"))
    assert set(drawn) == set(_reference_codes())
    assert set(drawn.values()) == {1}
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}desc") is not None
    for path in svg.iter(f"{SVG}path"):
        assert path.get("d", "").startswith("M")
        assert path.find(f"{SVG}title") is not None  # a name for every shape


def test_bands_follow_the_share_met() -> None:
    def band(answered: int, met: float) -> str:
        return band_of(Coverage("GM0363", "Amsterdam", 4, answered, met)).key

    assert band(0, 0.0) == "none"
    assert band(4, 0.0) == "b0"
    assert band(4, 1.0) == "b1"
    assert band(4, 2.5) == "b2"
    assert band(4, 3.0) == "b3"
    assert band(4, 4.0) == "b4"
    assert band(1, 0.5) == "b0"  # one block of four partly met: every block asked counts
