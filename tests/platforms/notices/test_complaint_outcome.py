"""On SQLite and PostgreSQL: a complainant is told the outcome of the review (Art. 20(5)),
with the reasons, in Dutch or English, through the outbox the notifier's messages use.

A complainant who gave an address with the complaint hears there, and only there: a
poster's outcome never goes to the notifier's address. A notifier without one hears at
the notice's address; a poster without one is not reached. The oracle is the delivered
messages (a folder of .eml files, parsed here) and the texts written out below."""

from __future__ import annotations

import email
from email.message import Message
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.platforms.notices.conftest import (
    ADMIN,
    MODERATOR,
    NO_ACTION,
    PUBLIC,
    REMOVE_ILLEGAL,
    SECOND_MODERATOR,
    notice_form,
)
from zicht.platforms.notices import (
    FileSender,
    NoticeError,
    decide,
    deliver_outbox,
    file_complaint,
    file_notice,
    review_complaint,
)
from zicht.privacy import Cipher
from zicht.store.notices import ComplaintRow, OutboxRow

NOTIFIER = "jan.melder@example.org"  # notice_form's address
POSTER = "poster@example.net"


def _delivered(engine: Engine, cipher: Cipher, folder: Path) -> list[Message]:
    folder.mkdir(exist_ok=True)
    before = set(folder.glob("*.eml"))
    deliver_outbox(engine, cipher, ADMIN, FileSender(folder), "dsa@kinky.example")
    return [
        email.message_from_bytes(path.read_bytes())
        for path in sorted(set(folder.glob("*.eml")) - before)
    ]


def _outcomes(messages: list[Message]) -> list[Message]:
    subjects = ("Outcome of your complaint", "Uitkomst van uw klacht")
    return [m for m in messages if m["Subject"] in subjects]


def test_the_poster_hears_the_reversal_at_its_own_address_only(
    tenants: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    _delivered(tenants, cipher, tmp_path)  # the notifier's receipt and decision
    complaint = file_complaint(
        tenants, cipher, PUBLIC, decision.redress_key, "My ad is legal.",
        email=POSTER, language="en",
    )  # fmt: skip
    review_complaint(tenants, SECOND_MODERATOR, complaint.complaint_id, True, "Licence valid.")
    (outcome,) = _delivered(tenants, cipher, tmp_path)
    assert outcome["To"] == POSTER and outcome["Subject"] == "Outcome of your complaint"
    body = outcome.get_payload()
    assert f"We reviewed your complaint {complaint.reference}." in body
    assert "We reversed the decision: it no longer applies." in body
    assert "Our reasons: Licence valid." in body
    assert "out-of-court dispute settlement body" in body
    assert "decided again" not in body  # a decision to act: nothing reopens
    assert receipt.reference not in body  # the notifier stays unnamed


def test_the_notifier_hears_at_the_notices_address_in_its_language(
    tenants: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())  # Dutch, with an address
    decide(tenants, cipher, MODERATOR, receipt.notice_id, NO_ACTION)
    complaint = file_complaint(tenants, cipher, PUBLIC, receipt.reference, "Nog steeds online.")
    review_complaint(tenants, SECOND_MODERATOR, complaint.complaint_id, True, "Gemist.")
    (outcome,) = _outcomes(_delivered(tenants, cipher, tmp_path))
    assert outcome["To"] == NOTIFIER and outcome["Subject"] == "Uitkomst van uw klacht"
    body = outcome.get_payload()
    assert f"Wij hebben uw klacht {complaint.reference} beoordeeld." in body
    assert "Wij hebben het besluit teruggedraaid: het geldt niet meer." in body
    assert "Over de melding wordt opnieuw besloten." in body
    assert "Onze redenen: Gemist." in body


@pytest.mark.parametrize(
    ("unfounded", "line"),
    [
        (False, "The decision stands."),
        (True, "The decision stands; we found your complaint manifestly unfounded."),
    ],
)
def test_an_upheld_decision_is_told_as_such(
    tenants: Engine, cipher: Cipher, tmp_path: Path, unfounded: bool, line: str
) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form(language="en"))
    decide(tenants, cipher, MODERATOR, receipt.notice_id, NO_ACTION)
    own = "other.address@example.org"
    complaint = file_complaint(
        tenants, cipher, PUBLIC, receipt.reference, "Look again.", email=own, language="en"
    )
    review_complaint(
        tenants, SECOND_MODERATOR, complaint.complaint_id, False, "Nothing found.", unfounded
    )
    (outcome,) = _outcomes(_delivered(tenants, cipher, tmp_path))
    assert outcome["To"] == own  # the address given with the complaint comes first
    assert line in str(outcome.get_payload()).splitlines()
    assert "reversed" not in outcome.get_payload()


def test_a_poster_without_an_address_is_not_reached(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    complaint = file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Legal.")
    review_complaint(tenants, SECOND_MODERATOR, complaint.complaint_id, False, "Upheld.")
    with tenants.connect() as connection:
        queued = connection.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.kind == "complaint")
        )
    assert queued == 0


def test_the_complainants_address_is_checked_and_encrypted(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    for bad in ("not an address", "a@b", "x" * 250 + "@example.org"):
        with pytest.raises(NoticeError) as refused:
            file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Legal.", email=bad)
        assert [(p.field, p.rule) for p in refused.value.problems] == [("email", "email")]
        assert bad not in str(refused.value)
    with pytest.raises(NoticeError):
        file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Legal.", language="de")
    with tenants.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ComplaintRow)) == 0
    file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Legal.", email=POSTER)
    with tenants.connect() as connection:
        stored = connection.scalar(select(ComplaintRow.contact))
    assert stored is not None and POSTER.encode() not in bytes(stored)


@pytest.mark.parametrize(
    "changes",
    [
        {"category": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "keywords": ()},
        {"keywords": ("KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL")},
    ],
    ids=["category", "keyword"],
)
def test_a_child_abuse_notifier_is_asked_no_address_for_the_outcome(
    tenants: Engine, cipher: Cipher, changes: dict[str, object]
) -> None:
    # Art. 16(2)(c): no name or e-mail for child sexual abuse notices; the notifier's
    # complaint follows the same rule (`asks_for_contact`), the poster's does not.
    form = notice_form(name=None, email=None, **changes)
    receipt = file_notice(tenants, cipher, PUBLIC, form)
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    with pytest.raises(NoticeError) as refused:
        file_complaint(tenants, cipher, PUBLIC, receipt.reference, "Still online.", email=NOTIFIER)
    assert [(p.field, p.rule) for p in refused.value.problems] == [("email", "not_asked")]
    with tenants.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ComplaintRow)) == 0
    anonymous = file_complaint(tenants, cipher, PUBLIC, receipt.reference, "Still online.")
    assert anonymous.complainant == "notifier"
    poster = file_complaint(
        tenants, cipher, PUBLIC, decision.redress_key, "My ad is legal.", email=POSTER
    )
    assert poster.complainant == "poster"
    with tenants.connect() as connection:
        rows = connection.execute(select(ComplaintRow.reference, ComplaintRow.contact))
        contacts = {row.reference: row.contact for row in rows}
    assert contacts[anonymous.reference] is None and contacts[poster.reference] is not None
