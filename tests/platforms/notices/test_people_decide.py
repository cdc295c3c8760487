"""On SQLite and PostgreSQL: the second pair of eyes and the complaint reviewer are
people (a logged-in moderator, never a token: Art. 20(6)); the second moderator may
refuse an account termination, which then never takes effect; a decision is read only
by its own platform's moderators (the web's decision page and statement of reasons)."""

from __future__ import annotations

import dataclasses
import datetime as dt

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
    queue,
    reject,
    review_complaint,
    statement_of_reasons,
    statements_since,
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


def test_a_refused_termination_never_takes_effect(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    terminate = dataclasses.replace(REMOVE_ILLEGAL, account="DECISION_ACCOUNT_TERMINATED")
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, terminate)
    assert receipt.notice_id not in [e.notice_id for e in queue(tenants, MODERATOR, PLATFORM)]
    for refuser, rule in ((MODERATOR, "four_eyes"), (PLATFORM_BOT, "person")):
        with pytest.raises(NoticeError) as refused:
            reject(tenants, refuser, decision.id)
        assert _rules(refused.value) == {("decision", rule)}
    with pytest.raises(NotAllowed):
        reject(tenants, OTHER_MODERATOR, decision.id)
    assert decision_of(tenants, MODERATOR, decision.id).status == "pending_approval"

    reject(tenants, SECOND_MODERATOR, decision.id)
    assert decision_of(tenants, MODERATOR, decision.id).status == "rejected"
    assert receipt.notice_id in [e.notice_id for e in queue(tenants, MODERATOR, PLATFORM)]
    for second_try in (approve, reject):  # refused once is refused for good
        with pytest.raises(NoticeError) as done:
            second_try(tenants, SECOND_MODERATOR, decision.id)
        assert _rules(done.value) == {("decision", "status")}
    with pytest.raises(NoticeError) as no_complaint:  # it never took effect
        file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Not my account.")
    assert _rules(no_complaint.value) == {("key", "reversed")}
    today = dt.date.today()
    assert statements_since(tenants, MODERATOR, PLATFORM, today) == []  # never reported
    entries, _ = search(tenants, limit=100)
    assert [e.actor for e in entries if e.action == "decision_rejected"] == ["mod.bert"]

    # the notice is decided anew; only that decision is in force and reported
    again = decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    assert again.status == "in_force"
    reported = statements_since(tenants, MODERATOR, PLATFORM, today)
    assert [s["puid"] for s in reported] == [again.puid]
