"""The workflow on SQLite and PostgreSQL: file, queue, decide, approve, refer, complain."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tests.platforms.notices.conftest import (
    FAIRWORK_FLAGGER,
    MODERATOR,
    NO_ACTION,
    OTHER_MODERATOR,
    PLATFORM,
    POLICE_FLAGGER,
    POLICE_STEWARD,
    PUBLIC,
    REMOVE_ILLEGAL,
    SECOND_MODERATOR,
    notice_form,
)
from zicht.access import Actor, Look, search, verify
from zicht.platforms.notices import (
    IntakePolicy,
    NotAllowed,
    NoticeError,
    approve,
    decide,
    file_complaint,
    file_notice,
    flagger_accuracy,
    flagger_notices,
    queue,
    referrals,
    review_complaint,
    statement_of_reasons,
    take,
)
from zicht.privacy import Cipher
from zicht.store.notices import DecisionRow, NoticeRow


def _rules(error: NoticeError) -> set[tuple[str, str]]:
    return {(problem.field, problem.rule) for problem in error.problems}


def test_contact_is_encrypted_and_lanes_order_the_queue(tenants: Engine, cipher: Cipher) -> None:
    plain = file_notice(tenants, cipher, PUBLIC, notice_form(), client="198.51.100.4")
    flagged = file_notice(tenants, cipher, POLICE_FLAGGER, notice_form(name=None, email=None))
    minors = file_notice(
        tenants, cipher, PUBLIC,
        notice_form(category="STATEMENT_CATEGORY_PROTECTION_OF_MINORS", name=None, email=None),
    )  # fmt: skip
    urgent = file_notice(tenants, cipher, PUBLIC, notice_form(threat_to_life=True))
    assert [plain.lane, flagged.lane, minors.lane, urgent.lane] == [
        "standard", "trusted_flagger", "minors", "life_or_safety",
    ]  # fmt: skip
    entries = queue(tenants, MODERATOR, PLATFORM)
    assert [e.notice_id for e in entries] == [
        urgent.notice_id, minors.notice_id, flagged.notice_id, plain.notice_id,
    ]  # fmt: skip
    with Session(tenants) as session:
        row = session.scalars(select(NoticeRow).where(NoticeRow.id == plain.notice_id)).one()
        stored = repr(row.__dict__).encode() + (row.contact or b"") + row.content
    assert b"jan.melder" not in stored and b"Melder" not in stored
    assert row.notifier_key and row.source == "notice"


def test_the_public_and_other_platforms_see_no_queue(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    for outsider in (PUBLIC, OTHER_MODERATOR, POLICE_FLAGGER, POLICE_STEWARD):
        with pytest.raises(NotAllowed):
            queue(tenants, outsider, PLATFORM)
        with pytest.raises(NotAllowed):
            decide(tenants, cipher, outsider, receipt.notice_id, REMOVE_ILLEGAL)
        with pytest.raises(NotAllowed):
            take(tenants, outsider, receipt.notice_id)


def test_a_flagger_sees_its_own_notices_only(tenants: Engine, cipher: Cipher) -> None:
    own = file_notice(tenants, cipher, POLICE_FLAGGER, notice_form(name=None, email=None))
    file_notice(tenants, cipher, FAIRWORK_FLAGGER, notice_form(name=None, email=None))
    file_notice(tenants, cipher, PUBLIC, notice_form())
    seen = flagger_notices(tenants, POLICE_FLAGGER)
    assert [n.reference for n in seen] == [own.reference]
    assert [n.platform for n in flagger_notices(tenants, FAIRWORK_FLAGGER)] == [PLATFORM]
    with pytest.raises(NotAllowed):
        flagger_notices(tenants, PUBLIC)
    decide(tenants, cipher, MODERATOR, own.notice_id, REMOVE_ILLEGAL)
    assert flagger_accuracy(tenants, "police") == (1, 0, 1.0)
    assert flagger_accuracy(tenants, "fairwork") == (0, 0, None)


def test_assignment_and_four_eyes(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    take(tenants, MODERATOR, receipt.notice_id)
    with pytest.raises(NoticeError) as held:
        take(tenants, SECOND_MODERATOR, receipt.notice_id)
    assert _rules(held.value) == {("notice", "assigned")}
    terminate = dataclasses.replace(REMOVE_ILLEGAL, account="DECISION_ACCOUNT_TERMINATED")
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, terminate)
    assert decision.status == "pending_approval"
    with pytest.raises(NoticeError) as own:
        approve(tenants, MODERATOR, decision.id)
    assert _rules(own.value) == {("decision", "four_eyes")}
    with pytest.raises(NotAllowed):
        approve(tenants, OTHER_MODERATOR, decision.id)
    approve(tenants, SECOND_MODERATOR, decision.id)
    with Session(tenants) as session:
        row = session.get(DecisionRow, decision.id)
        assert row is not None and (row.status, row.approved_by) == ("in_force", "mod.bert")
    with pytest.raises(NoticeError):  # decided: no second decision
        decide(tenants, cipher, SECOND_MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)


def test_referral_reaches_the_police_queue_without_a_tip_off(
    tenants: Engine, cipher: Cipher
) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form(threat_to_life=True))
    form = dataclasses.replace(REMOVE_ILLEGAL, refer_to="police", account_reference="user-8812")
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, form)
    for lang in ("nl", "en"):
        text = statement_of_reasons(decision, lang).lower()
        assert "jan" not in text and "melder" not in text and "example.org" not in text
        assert not any(word in text for word in ("polit", "police", "refer", "verwe"))
        assert form.facts.lower() in text and "273f dutch criminal code" in text
        assert decision.redress_key.lower() in text and "%(" not in text
    with pytest.raises(NotAllowed):
        referrals(tenants, cipher, FAIRWORK_FLAGGER, Look(Actor("f"), "reading the queue"))
    look = Look(Actor("steward.police", organisation="police"), "triage of referrals")
    found = referrals(tenants, cipher, POLICE_STEWARD, look)
    assert len(found) == 1
    referral = found[0]
    assert referral["account"] == "user-8812" and referral["notice"] == receipt.reference
    assert referral["items"][0]["url"] == "https://kinky.example/ad/A-1"
    assert referral["why"] == form.facts
    entries, _ = search(tenants, action="view_referrals")
    assert [entry.purpose for entry in entries] == ["triage of referrals"]


def test_complaints_reverse_at_once_and_need_another_reviewer(
    tenants: Engine, cipher: Cipher
) -> None:
    acted = file_notice(tenants, cipher, PUBLIC, notice_form())
    decision = decide(tenants, cipher, MODERATOR, acted.notice_id, REMOVE_ILLEGAL)
    poster = file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "My ad is legal.")
    assert poster.complainant == "poster"
    with pytest.raises(NoticeError) as same:
        review_complaint(tenants, MODERATOR, poster.complaint_id, True, "Reconsidered.")
    assert _rules(same.value) == {("reviewer", "four_eyes")}
    with pytest.raises(NotAllowed):
        review_complaint(tenants, OTHER_MODERATOR, poster.complaint_id, True, "No.")
    review_complaint(tenants, SECOND_MODERATOR, poster.complaint_id, True, "Licence checked.")
    with Session(tenants) as session:
        row = session.get(DecisionRow, decision.id)
        assert row is not None and row.status == "reversed" and row.reversed_at is not None
    with pytest.raises(NoticeError) as again:
        file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Again.")
    assert _rules(again.value) == {("key", "reversed")}

    # The notifier complains against a decision not to act: reversal reopens the notice.
    ignored = file_notice(tenants, cipher, PUBLIC, notice_form())
    decide(tenants, cipher, MODERATOR, ignored.notice_id, NO_ACTION)
    notifier = file_complaint(tenants, cipher, PUBLIC, ignored.reference, "Still online.")
    assert notifier.complainant == "notifier"
    review_complaint(tenants, SECOND_MODERATOR, notifier.complaint_id, True, "Missed it.")
    assert ignored.notice_id in [e.notice_id for e in queue(tenants, MODERATOR, PLATFORM)]
    decide(tenants, cipher, SECOND_MODERATOR, ignored.notice_id, REMOVE_ILLEGAL)


def test_complaints_close_six_months_after_the_decision(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    with Session(tenants) as session, session.begin():
        session.execute(
            update(DecisionRow)
            .where(DecisionRow.id == decision.id)
            .values(decided_at=decision.decided_at.replace(year=decision.decided_at.year - 1))
        )
    with pytest.raises(NoticeError) as late:
        file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Too late?")
    assert _rules(late.value) == {("key", "deadline")}
    with pytest.raises(NoticeError) as unknown:
        file_complaint(tenants, cipher, PUBLIC, "R-not-a-key", "Hello")
    assert _rules(unknown.value) == {("key", "unknown")}


def test_a_flood_is_a_misuse_flag_and_every_step_is_audited(
    tenants: Engine, cipher: Cipher
) -> None:
    policy = IntakePolicy(flood_per_hour=3)
    for _ in range(3):
        file_notice(tenants, cipher, PUBLIC, notice_form(), client="203.0.113.9", policy=policy)
    with pytest.raises(NoticeError) as flood:
        file_notice(tenants, cipher, PUBLIC, notice_form(), client="203.0.113.9", policy=policy)
    assert _rules(flood.value) == {("notifier", "flood")}
    # another notifier is not held back; trusted flaggers are not rate limited
    file_notice(tenants, cipher, PUBLIC, notice_form(email="b@example.net"), policy=policy)
    for _ in range(4):
        file_notice(
            tenants, cipher, POLICE_FLAGGER, notice_form(name=None, email=None), policy=policy
        )
    actions = {entry.action for entry in search(tenants, limit=200)[0]}
    assert {"platform_registered", "flagger_designated", "notice_filed", "notice_flood"} <= actions
    assert verify(tenants).ok


def test_unregistered_platform_and_contact_for_minors_are_refused(
    tenants: Engine, cipher: Cipher
) -> None:
    with pytest.raises(NoticeError) as unknown:
        file_notice(tenants, cipher, PUBLIC, notice_form(platform="nowhere"))
    assert _rules(unknown.value) == {("platform", "unknown")}
    minors = notice_form(category="STATEMENT_CATEGORY_PROTECTION_OF_MINORS")
    with pytest.raises(NoticeError) as contact:
        file_notice(tenants, cipher, PUBLIC, minors)
    assert _rules(contact.value) == {("contact", "not_asked")}
