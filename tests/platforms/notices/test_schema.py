"""The statement schema against statements written by hand from dsa.md's field rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from zicht.platforms.notices import load_statement_schema, statement_problems, statement_schema

# Written from the field rules of shared/reference/dsa.md, not from the schema.
VALID: dict[str, Any] = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
    "illegal_content_legal_ground": "Article 273f Dutch Criminal Code (human trafficking)",
    "illegal_content_explanation": "The ad recruits for sexual exploitation.",
    "category": "STATEMENT_CATEGORY_VIOLENCE",
    "category_specification": ["KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_TRAFFICKING_WOMEN_GIRLS"],
    "content_type": ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE"],
    "content_date": "2026-11-01",
    "application_date": "2026-11-29",
    "decision_facts": "Template ad of a network; licence number of another worker.",
    "source_type": "SOURCE_ARTICLE_16",
    "automated_detection": "No",
    "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
    "territorial_scope": ["NL", "BE"],
    "puid": "zicht-abc_123-XYZ",
}
TERMS: dict[str, Any] = {
    "decision_account": "DECISION_ACCOUNT_SUSPENDED",
    "end_date_account_restriction": "2027-01-31",
    "account_type": "ACCOUNT_TYPE_PRIVATE",
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "Terms 4.2: one advertiser per account",
    "incompatible_content_explanation": "The account advertises for several people.",
    "incompatible_content_illegal": "Yes",
    "category": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "content_type": ["CONTENT_TYPE_OTHER"],
    "content_type_other": "advertiser profile",
    "content_date": "2000-01-01",
    "application_date": "2038-01-01",
    "decision_facts": "Several workers advertised from one account.",
    "source_type": "SOURCE_VOLUNTARY",
    "automated_detection": "Yes",
    "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
    "content_language": "NL",
    "puid": "p" * 500,
}


def _without(statement: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {k: v for k, v in statement.items() if k not in fields}


def _with(statement: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(statement)
    changed.update(changes)
    return changed


def test_the_file_is_the_built_schema() -> None:
    assert load_statement_schema() == statement_schema()


@pytest.mark.parametrize("statement", [VALID, TERMS])
def test_valid_statements(statement: dict[str, Any]) -> None:
    assert statement_problems(statement) == []


INVALID = {
    # each required field missing
    **{
        f"missing {field}": _without(VALID, field)
        for field in (
            "decision_ground",
            "category",
            "content_type",
            "content_date",
            "application_date",
            "decision_facts",
            "source_type",
            "automated_detection",
            "automated_decision",
            "puid",
        )
    },
    "no restriction at all": _without(VALID, "decision_visibility"),
    "illegal ground without legal ground": _without(VALID, "illegal_content_legal_ground"),
    "illegal ground without explanation": _without(VALID, "illegal_content_explanation"),
    "terms ground without ground": _without(TERMS, "incompatible_content_ground"),
    "terms ground without explanation": _without(TERMS, "incompatible_content_explanation"),
    "OTHER content type without its text": _without(TERMS, "content_type_other"),
    "OTHER visibility without its text": _with(
        VALID, decision_visibility=["DECISION_VISIBILITY_OTHER"]
    ),
    "OTHER monetary without its text": _with(VALID, decision_monetary="DECISION_MONETARY_OTHER"),
    "KEYWORD_OTHER without its text": _with(VALID, category_specification=["KEYWORD_OTHER"]),
    "outdated category key": _with(
        VALID, category="STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"
    ),
    "unknown keyword": _with(VALID, category_specification=["KEYWORD_TRAFFICKING"]),
    "automated detection as a boolean": _with(VALID, automated_detection=True),
    "automated detection in lower case": _with(VALID, automated_detection="yes"),
    "incompatible illegal as a boolean": _with(TERMS, incompatible_content_illegal=False),
    "Greece as EL": _with(VALID, territorial_scope=["EL"]),
    "a state outside the EEA": _with(VALID, territorial_scope=["CH"]),
    "content before 2000": _with(VALID, content_date="1999-12-31"),
    "content after 2038-01-01": _with(VALID, content_date="2038-01-02"),
    "application before 2020": _with(VALID, application_date="2019-12-31"),
    "a date that does not exist": _with(VALID, application_date="2026-02-30"),
    "a date in another format": _with(VALID, content_date="29-11-2026"),
    "facts over 5000": _with(VALID, decision_facts="x" * 5001),
    "legal ground over 500": _with(VALID, illegal_content_legal_ground="x" * 501),
    "explanation over 2000": _with(VALID, illegal_content_explanation="x" * 2001),
    "puid over 500": _with(VALID, puid="p" * 501),
    "puid with a slash": _with(VALID, puid="zicht/1"),
    "empty content type": _with(VALID, content_type=[]),
    "source identity with own initiative": _with(TERMS, source_identity="Someone"),
    "content id other than EAN-13": _with(VALID, content_id={"ISBN": "9781234567897"}),
    "language in lower case": _with(TERMS, content_language="nl"),
    "a field the database does not know": _with(VALID, notifier_email="a@b.nl"),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_statements(name: str) -> None:
    assert statement_problems(INVALID[name]) != []


def test_the_lowest_and_highest_dates_and_other_texts_pass() -> None:
    statement = _with(
        VALID,
        decision_visibility=["DECISION_VISIBILITY_OTHER"],
        decision_visibility_other="shown only after age check",
        category_specification=["KEYWORD_OTHER"],
        category_specification_other="licence misuse",
        content_id={"EAN-13": "1234567890123"},
        source_identity="A trusted flagger",
        application_date="2020-01-01",
    )
    assert statement_problems(statement) == []
