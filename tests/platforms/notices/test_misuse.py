"""Art. 23: a warning, then a time-limited suspension, for manifestly unfounded notices
and for manifestly illegal content of one poster; a reversal does not count."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import Engine

from tests.platforms.notices.conftest import (
    MODERATOR,
    NO_ACTION,
    PLATFORM,
    PUBLIC,
    REMOVE_ILLEGAL,
    SECOND_MODERATOR,
    notice_form,
)
from zicht.access import search
from zicht.platforms.notices import (
    NoticeError,
    check_decision,
    decide,
    file_complaint,
    file_notice,
    review_complaint,
    suspended_until,
)
from zicht.privacy import Cipher

UNFOUNDED = dataclasses.replace(NO_ACTION, unfounded=True)


def _measures(engine: Engine) -> list[str]:
    entries, _ = search(engine, limit=200)
    return [e.action for e in reversed(entries) if e.action.startswith("misuse_")]


def test_a_notifier_is_warned_then_suspended(tenants: Engine, cipher: Cipher) -> None:
    spam = notice_form(email="spam@example.net")
    for number in range(5):
        receipt = file_notice(tenants, cipher, PUBLIC, spam)
        decide(tenants, cipher, MODERATOR, receipt.notice_id, UNFOUNDED)
        expected = ["misuse_warning"] if number >= 2 else []
        if number == 4:
            expected.append("misuse_suspension")
        assert _measures(tenants) == expected
    with pytest.raises(NoticeError) as refused:
        file_notice(tenants, cipher, PUBLIC, spam)
    assert [(p.field, p.rule) for p in refused.value.problems] == [("notifier", "suspended")]
    file_notice(tenants, cipher, PUBLIC, notice_form(email="other@example.net"))  # not others
    # a notice not acted on, but not marked unfounded, counts for nothing
    honest = file_notice(tenants, cipher, PUBLIC, notice_form(email="honest@example.net"))
    decide(tenants, cipher, MODERATOR, honest.notice_id, NO_ACTION)


def test_a_poster_is_warned_and_a_reversal_does_not_count(tenants: Engine, cipher: Cipher) -> None:
    illegal = dataclasses.replace(
        REMOVE_ILLEGAL, manifestly_illegal=True, account_reference="poster-77"
    )
    decisions = []
    for _ in range(3):
        receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
        decisions.append(decide(tenants, cipher, MODERATOR, receipt.notice_id, illegal))
    assert _measures(tenants) == ["misuse_warning"]
    key = decisions[0].poster_key
    assert key is not None and "poster-77" not in key
    complaint = file_complaint(tenants, cipher, PUBLIC, decisions[0].redress_key, "Not mine.")
    review_complaint(tenants, SECOND_MODERATOR, complaint.complaint_id, True, "Hijacked.")
    for _ in range(2):  # 4 standing decisions after the reversal: below 5
        receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
        decide(tenants, cipher, MODERATOR, receipt.notice_id, illegal)
    assert suspended_until(tenants, PLATFORM, key) is None
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    decide(tenants, cipher, MODERATOR, receipt.notice_id, illegal)
    assert suspended_until(tenants, PLATFORM, key) is not None
    assert _measures(tenants) == ["misuse_warning", "misuse_suspension"]


def test_the_marks_need_their_decision() -> None:
    today = dt.date.today()
    acted_unfounded = dataclasses.replace(REMOVE_ILLEGAL, unfounded=True)
    assert {p.field for p in check_decision(acted_unfounded, today)} == {"unfounded"}
    no_account = dataclasses.replace(REMOVE_ILLEGAL, manifestly_illegal=True)
    assert {p.field for p in check_decision(no_account, today)} == {"manifestly_illegal"}


def test_a_complainant_is_warned_then_suspended(tenants: Engine, cipher: Cipher) -> None:
    """Art. 23(2): a notifier who keeps filing manifestly unfounded complaints."""
    keys = []
    for _ in range(6):  # every notice by the same notifier, each decided not to act
        receipt = file_notice(tenants, cipher, PUBLIC, notice_form(email="grumbler@example.net"))
        decide(tenants, cipher, MODERATOR, receipt.notice_id, NO_ACTION)
        keys.append(receipt.reference)
    measures = []
    for number, key in enumerate(keys[:5]):
        complaint = file_complaint(tenants, cipher, PUBLIC, key, f"Complaint {number}.")
        measures.append(
            review_complaint(
                tenants, SECOND_MODERATOR, complaint.complaint_id, False, "Nothing new.", True
            )
        )
    assert measures == [None, None, "warning", None, "suspension"]
    with pytest.raises(NoticeError) as refused:
        file_complaint(tenants, cipher, PUBLIC, keys[5], "Once more.")
    assert [(p.field, p.rule) for p in refused.value.problems] == [("complainant", "suspended")]
    # a complaint upheld but not marked unfounded, or reversed, counts for nothing
    other = file_notice(tenants, cipher, PUBLIC, notice_form(email="fair@example.net"))
    decide(tenants, cipher, MODERATOR, other.notice_id, NO_ACTION)
    fair = file_complaint(tenants, cipher, PUBLIC, other.reference, "Please look again.")
    assert review_complaint(tenants, SECOND_MODERATOR, fair.complaint_id, False, "No.") is None
    with pytest.raises(NoticeError):  # a reversed complaint cannot be unfounded
        review_complaint(tenants, SECOND_MODERATOR, fair.complaint_id, True, "Yes.", True)


def test_an_unfounded_poster_complaint_counts_for_the_poster(
    tenants: Engine, cipher: Cipher
) -> None:
    named = dataclasses.replace(REMOVE_ILLEGAL, account_reference="poster-12")
    decisions = []
    for _ in range(3):
        receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
        decisions.append(decide(tenants, cipher, MODERATOR, receipt.notice_id, named))
    for decision in decisions:
        complaint = file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Unfair.")
        review_complaint(tenants, SECOND_MODERATOR, complaint.complaint_id, False, "No.", True)
    assert _measures(tenants) == ["misuse_warning"]
