"""A moderator's decision as filled in, and its rules (those of the Transparency Database).

Pure: `check_decision` reads only the form, so the web form, the API and the tests
share it. The rules are dsa.md's field rules for a statement of reasons.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from zicht.platforms.notices._common import Problem
from zicht.platforms.notices._vocabulary import (
    ACCOUNT_TYPES,
    AUTOMATED_DECISIONS,
    CONTENT_TYPES,
    DECISION_ACCOUNTS,
    DECISION_GROUNDS,
    DECISION_MONETARIES,
    DECISION_PROVISIONS,
    DECISION_VISIBILITIES,
    EEA_COUNTRIES,
    KEYWORDS,
    OTHER_TEXTS,
    STATEMENT_CATEGORIES,
)

__all__ = ["REFERRAL_PARTNERS", "DecisionForm", "check_decision", "needs_second_moderator"]

# Who an Art. 18 referral can go to: the partners that investigate crimes.
REFERRAL_PARTNERS = ("police", "kmar", "inspectorate")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT"


@dataclass(frozen=True)
class DecisionForm:
    """A decision on a notice: to act (restrictions, ground, scope) or not to act.

    `facts` go to the Transparency Database as they are: no personal data in them.
    `other_texts` holds the text for each OTHER value chosen (by its `*_other` field).
    """

    acted: bool
    facts: str
    visibility: Sequence[str] = ()
    monetary: str | None = None
    provision: str | None = None
    account: str | None = None
    ground: str | None = None
    ground_reference: str | None = None
    ground_explanation: str | None = None
    incompatible_illegal: str | None = None
    territorial_scope: Sequence[str] = ("NL",)
    content_type: Sequence[str] = ("CONTENT_TYPE_TEXT",)
    category: str | None = None
    keywords: Sequence[str] | None = None
    account_type: str | None = None
    end_date: dt.date | None = None
    automated_decision: str = "AUTOMATED_DECISION_NOT_AUTOMATED"
    other_texts: dict[str, str] | None = None
    refer_to: str | None = None
    account_reference: str | None = None
    unfounded: bool = False
    manifestly_illegal: bool = False

    @property
    def restrictions(self) -> list[str]:
        """Every restriction chosen, in the order of the database's four kinds."""
        chosen = [*self.visibility, self.monetary, self.provision, self.account]
        return [value for value in chosen if value]


def needs_second_moderator(form: DecisionForm) -> bool:
    """Four eyes: terminating an account takes effect only when another moderator approves."""
    return form.account == "DECISION_ACCOUNT_TERMINATED"


def _text(value: str | None, field: str, most: int, problems: list[Problem]) -> None:
    if value is None or not value.strip() or len(value) > most:
        problems.append(Problem(field, "length", f"1 to {most} characters"))
    elif _CONTROL.search(value):
        problems.append(Problem(field, "text", "no control characters"))


def _codes(values: Sequence[str], allowed: Sequence[str], field: str, out: list[Problem]) -> None:
    if any(value not in allowed for value in values) or len(set(values)) != len(values):
        out.append(Problem(field, "code", "known values, each once"))


def _check_restrictions(form: DecisionForm, problems: list[Problem]) -> None:
    _codes(form.visibility, DECISION_VISIBILITIES, "visibility", problems)
    for field, value, allowed in (
        ("monetary", form.monetary, DECISION_MONETARIES),
        ("provision", form.provision, DECISION_PROVISIONS),
        ("account", form.account, DECISION_ACCOUNTS),
    ):
        if value is not None and value not in allowed:
            problems.append(Problem(field, "code", "not a known restriction"))
    if not form.acted:
        if form.restrictions or form.ground:
            problems.append(
                Problem("acted", "no_action", "no restriction or ground without acting")
            )
        return
    if not form.restrictions:
        problems.append(Problem("restrictions", "required", "at least one restriction"))
    if form.ground not in DECISION_GROUNDS:
        problems.append(Problem("ground", "required", "illegal content or terms and conditions"))
        return
    _text(form.ground_reference, "ground_reference", 500, problems)
    _text(form.ground_explanation, "ground_explanation", 2000, problems)
    if form.ground == ILLEGAL and form.incompatible_illegal is not None:
        problems.append(Problem("incompatible_illegal", "ground", "only with a terms ground"))
    if form.incompatible_illegal not in (None, "Yes", "No"):
        problems.append(Problem("incompatible_illegal", "code", "Yes or No"))
    if not form.territorial_scope:
        problems.append(Problem("territorial_scope", "required", "at least one EEA state"))


def check_decision(form: DecisionForm, today: dt.date) -> list[Problem]:
    """Every broken rule of `form` (empty when it may be taken). Never echoes a value."""
    problems: list[Problem] = []
    _text(form.facts, "facts", 5000, problems)
    _check_restrictions(form, problems)
    _codes(form.territorial_scope, EEA_COUNTRIES, "territorial_scope", problems)
    if not form.content_type:
        problems.append(Problem("content_type", "required", "at least one content type"))
    _codes(form.content_type, CONTENT_TYPES, "content_type", problems)
    if form.category is not None and form.category not in STATEMENT_CATEGORIES:
        problems.append(Problem("category", "code", "not a Transparency Database category"))
    _codes(form.keywords or (), KEYWORDS, "keywords", problems)
    if form.account_type is not None and form.account_type not in ACCOUNT_TYPES:
        problems.append(Problem("account_type", "code", "business or private"))
    if form.automated_decision not in AUTOMATED_DECISIONS:
        problems.append(Problem("automated_decision", "code", "not a known value"))
    if form.end_date is not None and form.end_date < today:
        problems.append(Problem("end_date", "date_order", "not before today"))
    chosen = {*form.restrictions, *form.content_type, *(form.keywords or ())}
    texts = form.other_texts or {}
    for value, field in OTHER_TEXTS.items():
        if value in chosen:
            _text(texts.get(field), field, 500, problems)
        elif field in texts:
            problems.append(Problem(field, "other", "only with an OTHER value"))
    if form.refer_to is not None and form.refer_to not in REFERRAL_PARTNERS:
        problems.append(Problem("refer_to", "code", "police, kmar or inspectorate"))
    if form.account_reference is not None:
        _text(form.account_reference, "account_reference", 200, problems)
    if form.unfounded and form.acted:
        problems.append(Problem("unfounded", "acted", "only a notice not acted on is unfounded"))
    if form.manifestly_illegal and not (form.acted and form.account_reference):
        problems.append(
            Problem("manifestly_illegal", "required", "a decision to act naming the account")
        )
    return problems
