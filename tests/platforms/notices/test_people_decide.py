"""On SQLite and PostgreSQL: the second pair of eyes and the complaint reviewer are
people (a logged-in moderator, never a token: Art. 20(6)), and a decision is read only
by its own platform's moderators (the web's decision page and statement of reasons)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine

from tests.platforms.notices.conftest import (
    MODERATOR,
    OTHER_MODERATOR,
    PLATFORM,
    POLICE_FLAGGER,
    PUBLIC,
    REMOVE_ILLEGAL,
    SECOND_MODERATOR,
    notice_form,
)
from zicht.access import Principal, search
from zicht.platforms.notices import (
    NotAllowed,
    NoticeError,
    approve,
    decide,
    decision_of,
    file_complaint,
    file_notice,
    review_complaint,
    statement_of_reasons,
)
from zicht.privacy import Cipher

# A token of the platform given the moderators' grants by hand: no role can give it
# them (TOKEN_ACTIONS), so this is the rule's own guard, not the permission table's.
PLATFORM_BOT = Principal(
    "token", 9, "bot", None, PLATFORM, {"decide_notice": "own", "review_complaint": "own"}
)


def _rules(error: NoticeError) -> set[tuple[str, str]]:
    return {(problem.field, problem.rule) for problem in error.problems}


def test_only_a_person_approves_or_reviews(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    terminate = dataclasses.replace(REMOVE_ILLEGAL, account="DECISION_ACCOUNT_TERMINATED")
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, terminate)
    with pytest.raises(NoticeError) as bot:
        approve(tenants, PLATFORM_BOT, decision.id)
    assert _rules(bot.value) == {("decision", "person")}
    assert decision_of(tenants, MODERATOR, decision.id).status == "pending_approval"
    approve(tenants, SECOND_MODERATOR, decision.id)

    complaint = file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Not my account.")
    with pytest.raises(NoticeError) as automated:
        review_complaint(tenants, PLATFORM_BOT, complaint.complaint_id, True, "Rule 7 says so.")
    assert _rules(automated.value) == {("reviewer", "person")}
    assert decision_of(tenants, MODERATOR, decision.id).status == "in_force"
    entries, _ = search(tenants, limit=100)
    assert not [e for e in entries if e.actor == "token:bot"]  # a refusal changes nothing


def test_a_decision_is_read_by_its_own_platform_only(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    for moderator in (MODERATOR, SECOND_MODERATOR):
        shown = decision_of(tenants, moderator, decision.id)
        assert shown.redress_key == decision.redress_key
        assert decision.redress_key in statement_of_reasons(shown, "en")
    for outsider in (OTHER_MODERATOR, POLICE_FLAGGER, PUBLIC):
        with pytest.raises(NotAllowed):
            decision_of(tenants, outsider, decision.id)
    with pytest.raises(NotAllowed):  # an unknown id is answered as one outside the scope
        decision_of(tenants, MODERATOR, decision.id + 1000)
