"""Linkage explanations and estimation models in words (issue 14.3): no Splink text, no
code, numbers in the page's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zicht.web.explained import (
    comparison_label,
    level_label,
    model_label,
    review_reasons,
    weight_rows,
)
from zicht.web.i18n import Translator

SRC = Path(__file__).parents[2] / "src" / "zicht"
NL, EN = Translator("nl"), Translator("en")


def _levels_defined_in_the_code() -> set[str]:
    """Every chart label the linkage models write (read from their source text)."""
    found: set[str] = set()
    for path in (SRC / "linkage").glob("*.py"):
        found |= set(re.findall(r'label_for_charts="([^"{}]+)"', path.read_text("utf-8")))
        found |= set(re.findall(r'_swapped\([^,]+, "([^"]+)"', path.read_text("utf-8")))
    return found


def test_every_level_the_models_define_has_words_of_its_own() -> None:
    levels = _levels_defined_in_the_code()
    assert len(levels) >= 15  # the reader above found the labels
    fallback = NL("Another level of the model")
    for level in sorted(levels):
        assert level_label(NL, level) != fallback, level
        assert level_label(NL, level) != level, level  # said in Dutch, not as written


@pytest.mark.parametrize(
    ("level", "dutch"),
    [
        ("Exact match on family_name", "Precies gelijk"),
        ("Jaro-Winkler distance of given_name >= 0.8", "Gelijkend (Jaro-Winkler minstens 0,80)"),
        ("Levenshtein distance of dob <= 2", "Gelijkend (Levenshtein hooguit 2)"),
        ("Dice >= 0.9", "Coderingen gelijkend (Dice minstens 0,90)"),
        ("All other comparisons", "Verschillend"),
        ("Unknown on one side", "Aan één kant onbekend"),
        ("something Splink may add one day", "Ander niveau van het model"),
    ],
)
def test_splinks_generated_levels_are_said_in_dutch(level: str, dutch: str) -> None:
    assert level_label(NL, level) == dutch


def test_comparisons_are_named_by_what_they_compare() -> None:
    assert comparison_label(NL, "given_name") == "Voornamen"
    assert comparison_label(NL, "tf_family_name") == "Achternaam: hoe vaak de waarde voorkomt"
    assert comparison_label(EN, "gender") == "Gender"
    assert comparison_label(NL, "gender") == "Geslacht"
    assert comparison_label(NL, "no_such_comparison") == "Andere vergelijking"


def test_weights_use_the_decimal_comma_in_dutch() -> None:
    bars = [{"comparison": "prior", "level": "Starting match weight (prior)", "weight": -8.814}]
    assert weight_rows(NL, bars) == [
        {
            "comparison": "Beginwaarde (hoe zeldzaam een overeenkomst is)",
            "level": "Vóór elke vergelijking",
            "weight": "-8,81",
        }
    ]
    assert weight_rows(EN, bars)[0]["weight"] == "-8.81"


def test_a_model_is_named_by_the_organisations_whose_overlap_it_allows() -> None:
    assert model_label(NL, "main") == "Alleen hoofdeffecten (bronnen onafhankelijk)"
    assert model_label(NL, "main + care_coordinator:shelter + fairwork:police") == (
        "Hoofdeffecten en de samenhang van Zorgcoördinator–Opvangorganisatie; "
        "FairWork–Nationale Politie (AVIM)"
    )
    assert model_label(NL, None) == ""


def test_the_reasons_for_review_are_said_in_dutch() -> None:
    stored = (
        "more than 12 registrations; only 40% of its pairs link; "
        "2 weak link(s) hold it together alone"
    )
    assert review_reasons(NL, stored) == (
        "meer dan 12 registraties; slechts 40% van de paren is gekoppeld; "
        "2 zwakke koppelingen houden de persoon alleen bijeen"
    )
