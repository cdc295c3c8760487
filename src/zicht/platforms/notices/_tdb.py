"""A decision as a Transparency Database statement (Art. 24(5)), and the JSON Schema of one.

The schema is built from the enums and the field rules of dsa.md and kept in the
repository as `statement.schema.json` (a test keeps the file equal to `statement_schema`).
A statement never names the notifier (`source_identity` is never sent) nor any person.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from zicht.platforms.notices._vocabulary import (
    ACCOUNT_TYPES,
    AUTOMATED_DECISIONS,
    AUTOMATED_DETECTIONS,
    CONTENT_TYPES,
    DECISION_ACCOUNTS,
    DECISION_GROUNDS,
    DECISION_MONETARIES,
    DECISION_PROVISIONS,
    DECISION_VISIBILITIES,
    EEA_COUNTRIES,
    INCOMPATIBLE_CONTENT_ILLEGALS,
    KEYWORDS,
    OTHER_TEXTS,
    SOURCE_TYPES,
    STATEMENT_CATEGORIES,
)
from zicht.store.notices import DecisionRow

__all__ = [
    "SOURCE_TYPE_OF",
    "load_statement_schema",
    "statement_problems",
    "statement_schema",
    "tdb_statement",
]

# Zicht's source of a notice -> the database's source_type.
SOURCE_TYPE_OF = {
    "notice": "SOURCE_ARTICLE_16",
    "trusted_flagger": "SOURCE_TRUSTED_FLAGGER",
    "own_initiative": "SOURCE_VOLUNTARY",
}
_MONTH_DAY = r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
# content from 2000-01-01, application from 2020-01-01, both up to 2038-01-01
_CONTENT_DATE = rf"^((20[0-2][0-9]|203[0-7]){_MONTH_DAY}|2038-01-01)$"
_APPLICATION_DATE = rf"^((202[0-9]|203[0-7]){_MONTH_DAY}|2038-01-01)$"
_DATE = rf"^[0-9]{{4}}{_MONTH_DAY}$"


def _text(most: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": most}


def _codes(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "array", "items": {"enum": list(values)}, "minItems": 1, "uniqueItems": True}


def _other_rules() -> list[dict[str, Any]]:
    rules = []
    for value, field in OTHER_TEXTS.items():
        holder = {
            "DECISION_VISIBILITY_OTHER": ("decision_visibility", True),
            "DECISION_MONETARY_OTHER": ("decision_monetary", False),
            "CONTENT_TYPE_OTHER": ("content_type", True),
            "KEYWORD_OTHER": ("category_specification", True),
        }[value]
        name, is_array = holder
        chosen = {"contains": {"const": value}} if is_array else {"const": value}
        rules.append(
            {
                "if": {"required": [name], "properties": {name: chosen}},
                "then": {"required": [field]},
            }
        )
    return rules


def statement_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one statement, from the enums and field rules."""
    properties: dict[str, Any] = {
        "decision_visibility": _codes(DECISION_VISIBILITIES),
        "decision_visibility_other": _text(500),
        "end_date_visibility_restriction": {"type": "string", "pattern": _DATE, "format": "date"},
        "decision_monetary": {"enum": list(DECISION_MONETARIES)},
        "decision_monetary_other": _text(500),
        "end_date_monetary_restriction": {"type": "string", "pattern": _DATE, "format": "date"},
        "decision_provision": {"enum": list(DECISION_PROVISIONS)},
        "end_date_service_restriction": {"type": "string", "pattern": _DATE, "format": "date"},
        "decision_account": {"enum": list(DECISION_ACCOUNTS)},
        "end_date_account_restriction": {"type": "string", "pattern": _DATE, "format": "date"},
        "account_type": {"enum": list(ACCOUNT_TYPES)},
        "decision_ground": {"enum": list(DECISION_GROUNDS)},
        "decision_ground_reference_url": {"type": "string", "maxLength": 500, "format": "uri"},
        "illegal_content_legal_ground": _text(500),
        "illegal_content_explanation": _text(2000),
        "incompatible_content_ground": _text(500),
        "incompatible_content_explanation": _text(2000),
        "incompatible_content_illegal": {"enum": list(INCOMPATIBLE_CONTENT_ILLEGALS)},
        "category": {"enum": list(STATEMENT_CATEGORIES)},
        "category_addition": _codes(STATEMENT_CATEGORIES),
        "category_specification": _codes(KEYWORDS),
        "category_specification_other": _text(500),
        "content_type": _codes(CONTENT_TYPES),
        "content_type_other": _text(500),
        "content_language": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "content_date": {"type": "string", "pattern": _CONTENT_DATE, "format": "date"},
        "application_date": {"type": "string", "pattern": _APPLICATION_DATE, "format": "date"},
        "content_id": {
            "type": "object",
            "properties": {"EAN-13": {"type": "string", "pattern": "^[0-9]{13}$"}},
            "required": ["EAN-13"],
            "additionalProperties": False,
        },
        "decision_facts": _text(5000),
        "source_type": {"enum": list(SOURCE_TYPES)},
        "source_identity": _text(500),
        "automated_detection": {"enum": list(AUTOMATED_DETECTIONS)},
        "automated_decision": {"enum": list(AUTOMATED_DECISIONS)},
        "territorial_scope": _codes(EEA_COUNTRIES),
        "puid": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,500}$"},
    }
    ground_rules = [
        {
            "if": {
                "required": ["decision_ground"],
                "properties": {"decision_ground": {"const": "DECISION_GROUND_ILLEGAL_CONTENT"}},
            },
            "then": {"required": ["illegal_content_legal_ground", "illegal_content_explanation"]},
        },
        {
            "if": {
                "required": ["decision_ground"],
                "properties": {
                    "decision_ground": {"const": "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
                },
            },
            "then": {
                "required": ["incompatible_content_ground", "incompatible_content_explanation"]
            },
        },
        {
            "if": {
                "required": ["source_type"],
                "properties": {"source_type": {"const": "SOURCE_VOLUNTARY"}},
            },
            "then": {"not": {"required": ["source_identity"]}},
        },
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://zicht.example/schemas/tdb-statement.schema.json",
        "title": "Statement of reasons for the EU DSA Transparency Database",
        "type": "object",
        "properties": properties,
        "required": [
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
        ],
        "anyOf": [
            {"required": ["decision_visibility"]},
            {"required": ["decision_monetary"]},
            {"required": ["decision_provision"]},
            {"required": ["decision_account"]},
        ],
        "allOf": ground_rules + _other_rules(),
        "additionalProperties": False,
    }


@functools.cache
def load_statement_schema() -> dict[str, Any]:
    """The schema file of the repository (`statement.schema.json` beside this module)."""
    text = resources.files("zicht.platforms.notices").joinpath("statement.schema.json")
    loaded: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(load_statement_schema(), format_checker=FormatChecker())


def statement_problems(statement: dict[str, Any]) -> list[str]:
    """Where `statement` breaks the schema: one 'field: rule' line each (no value)."""
    found = []
    for error in _validator().iter_errors(statement):
        where = "/".join(str(part) for part in error.absolute_path) or "(statement)"
        found.append(f"{where}: {error.validator}")
    return sorted(found)


def tdb_statement(decision: DecisionRow) -> dict[str, Any]:
    """The statement of a decision to act, as the database's API takes it.

    Never `source_identity`: a notifier is not named (in trafficking cases never).
    """
    if not decision.acted:
        raise ValueError("only a decision to act (a restriction) is a statement")
    end = decision.end_date.isoformat() if decision.end_date else None
    other = decision.other_texts or {}
    statement: dict[str, Any] = {"puid": decision.puid}
    if decision.visibility:
        statement["decision_visibility"] = list(decision.visibility)
        statement["end_date_visibility_restriction"] = end
    if decision.monetary:
        statement["decision_monetary"] = decision.monetary
        statement["end_date_monetary_restriction"] = end
    if decision.provision:
        statement["decision_provision"] = decision.provision
        statement["end_date_service_restriction"] = end
    if decision.account:
        statement["decision_account"] = decision.account
        statement["end_date_account_restriction"] = end
    if decision.account_type:
        statement["account_type"] = decision.account_type
    statement["decision_ground"] = decision.ground
    if decision.ground == "DECISION_GROUND_ILLEGAL_CONTENT":
        statement["illegal_content_legal_ground"] = decision.ground_reference
        statement["illegal_content_explanation"] = decision.ground_explanation
    else:
        statement["incompatible_content_ground"] = decision.ground_reference
        statement["incompatible_content_explanation"] = decision.ground_explanation
        if decision.incompatible_illegal:
            statement["incompatible_content_illegal"] = decision.incompatible_illegal
    statement["category"] = decision.category
    if decision.keywords:
        statement["category_specification"] = list(decision.keywords)
    statement["content_type"] = list(decision.content_type)
    statement["content_date"] = decision.content_date.isoformat()
    statement["application_date"] = decision.application_date.isoformat()
    statement["decision_facts"] = decision.facts
    statement["source_type"] = SOURCE_TYPE_OF[decision.source]
    statement["automated_detection"] = "Yes" if decision.automated_detection else "No"
    statement["automated_decision"] = decision.automated_decision
    if decision.territorial_scope:
        statement["territorial_scope"] = list(decision.territorial_scope)
    statement.update({field: text for field, text in other.items() if field in _OTHER_FIELDS})
    return {key: value for key, value in statement.items() if value is not None}


_OTHER_FIELDS = frozenset(OTHER_TEXTS.values())
