"""On SQLite and PostgreSQL: taking a notice, filing a complaint and reviewing it commit
with their audit entry in one transaction. When the entry cannot be written the act is
not done either (nothing assigned, no complaint, the complaint still open and the
decision in force, no message, no measure); once the trail works, each act writes
exactly one entry.

The oracle is the database's rows, read here with plain SQL, and the trail's entries
counted by action."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from sqlalchemy import Engine, func, select

from tests.platforms.notices.conftest import (
    MODERATOR,
    NO_ACTION,
    PUBLIC,
    REMOVE_ILLEGAL,
    SECOND_MODERATOR,
    notice_form,
)
from zicht.access import search
from zicht.platforms.notices import (
    decide,
    file_complaint,
    file_notice,
    review_complaint,
    take,
)
from zicht.privacy import Cipher
from zicht.store.notices import ComplaintRow, DecisionRow, NoticeRow, OutboxRow, SanctionRow


def _failing(connection: object, entries: object) -> None:
    raise RuntimeError("audit trail unavailable")


@contextmanager
def _trail_down() -> Iterator[None]:
    """Every way an act's entry is written (in the chain, or waiting for it) fails."""
    with (
        mock.patch("zicht.access._audit_transaction.append_in", _failing),
        mock.patch("zicht.access._audit_transaction.add_pending", _failing),
        pytest.raises(RuntimeError, match="audit trail unavailable"),
    ):
        yield


def _entries(engine: Engine, action: str) -> int:
    return search(engine, action=action)[1]


def _scalar(engine: Engine, statement: object) -> object:
    with engine.connect() as connection:
        return connection.scalar(statement)  # type: ignore[call-overload]


def test_take_is_undone_without_its_entry(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    assigned = select(NoticeRow.assigned_to).where(NoticeRow.id == receipt.notice_id)
    with _trail_down():
        take(tenants, MODERATOR, receipt.notice_id)
    assert _scalar(tenants, assigned) is None
    assert _entries(tenants, "notice_assigned") == 0
    take(tenants, MODERATOR, receipt.notice_id)
    assert _scalar(tenants, assigned) == MODERATOR.actor
    assert _entries(tenants, "notice_assigned") == 1


def test_a_decision_without_its_entry_leaves_the_notice_unassigned(
    tenants: Engine, cipher: Cipher
) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    with _trail_down():
        decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    with tenants.connect() as connection:
        row = connection.execute(
            select(NoticeRow.status, NoticeRow.assigned_to).where(NoticeRow.id == receipt.notice_id)
        ).one()
    assert tuple(row) == ("open", None)
    # Another moderator may still take it: the failed decision held nothing.
    take(tenants, SECOND_MODERATOR, receipt.notice_id)


def test_a_complaint_is_filed_with_its_entry_or_not_at_all(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    complaints = select(func.count()).select_from(ComplaintRow)
    with _trail_down():
        file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "My ad is legal.")
    assert _scalar(tenants, complaints) == 0
    assert _entries(tenants, "complaint_filed") == 0
    filed = file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "My ad is legal.")
    assert _scalar(tenants, complaints) == 1
    entries, _ = search(tenants, action="complaint_filed")
    assert [entry.ids for entry in entries] == [(str(filed.complaint_id),)]


def test_a_review_is_undone_without_its_entry(tenants: Engine, cipher: Cipher) -> None:
    # The notifier (with an address) complains about a decision not to act, found
    # manifestly unfounded: the review would close it, message the notifier and count
    # towards a measure (the third unfounded complaint warns, MisusePolicy).
    filed = []
    for _ in range(3):
        receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
        decide(tenants, cipher, MODERATOR, receipt.notice_id, NO_ACTION)
        filed.append(file_complaint(tenants, cipher, PUBLIC, receipt.reference, "Still there."))
    for complaint in filed[:2]:
        review_complaint(tenants, SECOND_MODERATOR, complaint.complaint_id, False, "No.", True)
    last = filed[2].complaint_id
    status = select(ComplaintRow.status).where(ComplaintRow.id == last)
    messages = select(func.count()).select_from(OutboxRow).where(OutboxRow.kind == "complaint")
    sanctions = select(func.count()).select_from(SanctionRow)
    assert (_scalar(tenants, messages), _scalar(tenants, sanctions)) == (2, 0)
    with _trail_down():
        review_complaint(tenants, SECOND_MODERATOR, last, False, "Nothing found.", True)
    assert _scalar(tenants, status) == "open"
    assert (_scalar(tenants, messages), _scalar(tenants, sanctions)) == (2, 0)
    assert _entries(tenants, "complaint_reviewed") == 2
    assert _entries(tenants, "misuse_warning") == 0

    measure = review_complaint(tenants, SECOND_MODERATOR, last, False, "Nothing found.", True)
    assert measure == "warning"
    assert _scalar(tenants, status) == "unfounded"
    assert (_scalar(tenants, messages), _scalar(tenants, sanctions)) == (3, 1)
    assert _entries(tenants, "complaint_reviewed") == 3
    assert _entries(tenants, "misuse_warning") == 1


def test_a_reversal_is_undone_without_its_entry(tenants: Engine, cipher: Cipher) -> None:
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, REMOVE_ILLEGAL)
    complaint = file_complaint(tenants, cipher, PUBLIC, decision.redress_key, "Legal ad.")
    state = select(DecisionRow.status).where(DecisionRow.id == decision.id)
    with _trail_down():
        review_complaint(tenants, SECOND_MODERATOR, complaint.complaint_id, True, "Valid.")
    assert _scalar(tenants, state) == "in_force"
    review_complaint(tenants, SECOND_MODERATOR, complaint.complaint_id, True, "Valid.")
    assert _scalar(tenants, state) == "reversed"
