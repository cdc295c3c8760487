"""The rules a row can break speak through the catalogues: Dutch pages, English API."""

from __future__ import annotations

import pytest

from zicht.ingest._problems import RULES, RowProblem, rule_message

# written by hand (the Dutch of the hand-written catalogue these messages came from)
DUTCH = {
    "required": "verplicht veld ontbreekt",
    "date": "geen geldige datum in het verwachte formaat",
    "code": "waarde komt niet voor in de codelijst",
    "quarantine_id": (
        "quarantainenummer hoort niet bij een rij van deze organisatie en dit soort registratie"
    ),
}


@pytest.mark.parametrize(("rule", "dutch"), sorted(DUTCH.items()))
def test_a_rule_is_said_in_dutch_and_english(rule: str, dutch: str) -> None:
    assert rule_message(rule, "nl") == dutch
    assert rule_message(rule, "en") == RULES[rule]


def test_a_problem_is_described_and_stored_in_both_languages() -> None:
    problem = RowProblem("registration_date", "date", "datum", detail="row 3")
    assert problem.describe("nl") == (
        "registration_date (datum): geen geldige datum in het verwachte formaat [row 3]"
    )
    assert problem.describe("en") == (
        "registration_date (datum): not a valid date in the expected format [row 3]"
    )
    stored = problem.as_dict()
    assert stored["message_nl"] == DUTCH["date"]
    assert stored["message_en"] == "not a valid date in the expected format"
    assert rule_message("no_such_rule", "nl") == "ongeldige waarde"


def test_every_rule_has_its_own_dutch_text() -> None:
    dutch = {rule: rule_message(rule, "nl") for rule in RULES}
    assert all(dutch[rule] != RULES[rule] for rule in RULES)
    assert len(set(dutch.values())) == len(RULES)


def test_a_problem_of_a_record_type_names_the_field_by_its_label() -> None:
    problem = RowProblem("registration_date", "date", "datum")
    assert problem.describe("nl", "victim_registration") == (
        "Registratiedatum (kolom datum): geen geldige datum in het verwachte formaat"
    )
    assert problem.describe("en", "victim_registration") == (
        "Date of registration (column datum): not a valid date in the expected format"
    )
    same = RowProblem("gender", "code", "Geslacht")  # the column says what the label says
    assert same.describe("nl", "victim_registration") == (
        "Geslacht: waarde komt niet voor in de codelijst"
    )
