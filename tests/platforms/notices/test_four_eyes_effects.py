"""On SQLite and PostgreSQL: an account termination awaiting its second moderator has no
effect outside itself (no Art. 23 measure, no message to the notifier); approving it
brings exactly those effects, once; refusing it leaves none behind. Its Art. 18 referral
is not such an effect: it is filed when the termination is decided (in the partner's
queue, counted in the report, its `referral_made` entry committed with the decision),
before any approval, and a refusal leaves it in place. Approval and refusal commit with
their audit entries, or not at all.

The oracle is the database's own rows (sanctions, outbox, referrals) and the audit trail,
counted here with plain SQL, and the published misuse policy's thresholds (a warning at
the 3rd manifestly illegal decision, a suspension at the 5th)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from typing import Any
from unittest import mock

import pytest
from sqlalchemy import Connection, Engine, func, select

from tests.platforms.notices.conftest import (
    MODERATOR,
    PLATFORM,
    POLICE_STEWARD,
    PUBLIC,
    REMOVE_ILLEGAL,
    SECOND_MODERATOR,
    notice_form,
)
from zicht.access import Actor, Look, search
from zicht.access import _audit_transaction as audit_transaction
from zicht.platforms.notices import (
    NoticeError,
    approve,
    decide,
    decision_of,
    file_notice,
    queue,
    referrals,
    reject,
    suspended_until,
)
from zicht.privacy import Cipher
from zicht.store import notice_cases
from zicht.store.notices import DecisionRow, OutboxRow, ReferralRow, SanctionRow

TERMINATE = dataclasses.replace(
    REMOVE_ILLEGAL,
    account="DECISION_ACCOUNT_TERMINATED",
    manifestly_illegal=True,
    account_reference="poster-77",
    refer_to="police",
)
LOOK = Look(Actor("steward.police", organisation="police"), "triage of referrals")


def _effects(engine: Engine) -> dict[str, int]:
    """Rows with an effect outside a decision, and the entries recording them."""
    with engine.connect() as connection:
        count = {
            "sanctions": select(func.count()).select_from(SanctionRow),
            "decision_messages": select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.kind == "decision"),
            "referral_rows": select(func.count()).select_from(ReferralRow),
        }
        found = {name: int(connection.scalar(query) or 0) for name, query in count.items()}
    entries, _ = search(engine, limit=500)
    found["misuse_entries"] = sum(1 for e in entries if e.action.startswith("misuse_"))
    found["referral_entries"] = sum(1 for e in entries if e.action == "referral_made")
    return found


def _pending_terminations(engine: Engine, cipher: Cipher, n: int) -> list[DecisionRow]:
    made = []
    for _ in range(n):
        receipt = file_notice(engine, cipher, PUBLIC, notice_form(threat_to_life=True))
        made.append(decide(engine, cipher, MODERATOR, receipt.notice_id, TERMINATE))
    assert {d.status for d in made} == {"pending_approval"}
    return made


def _reported_referrals(engine: Engine) -> int:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    _, counts = notice_cases.transparency_rows(
        engine, PLATFORM, now - dt.timedelta(days=1), now + dt.timedelta(days=1)
    )
    return counts["referrals"]


NOTHING = {"sanctions": 0, "decision_messages": 0, "misuse_entries": 0}


def _filed(engine: Engine, cipher: Cipher, n: int) -> None:
    """Art. 18: `n` referrals filed, each with its entry, read in the police queue and
    counted in the transparency report."""
    effects = _effects(engine)
    assert effects["referral_rows"] == effects["referral_entries"] == n
    assert len(referrals(engine, cipher, POLICE_STEWARD, LOOK)) == n
    assert _reported_referrals(engine) == n


def test_a_termination_awaiting_approval_or_refused_has_no_effect_but_its_referral(
    tenants: Engine, cipher: Cipher
) -> None:
    pending = _pending_terminations(tenants, cipher, 5)
    awaiting = _effects(tenants)
    assert {k: awaiting[k] for k in NOTHING} == NOTHING
    _filed(tenants, cipher, 5)  # Art. 18: the police have them before any approval
    poster_key = pending[0].poster_key
    assert poster_key is not None
    assert suspended_until(tenants, PLATFORM, poster_key) is None

    for decision in pending:
        reject(tenants, SECOND_MODERATOR, decision.id)
    after = _effects(tenants)
    assert {k: after[k] for k in NOTHING} == NOTHING
    _filed(tenants, cipher, 5)  # refusing the sanction does not withdraw the referral
    assert suspended_until(tenants, PLATFORM, poster_key) is None

    # decided anew (no termination): that decision, in force at once, tells the notifier once
    again = decide(tenants, cipher, MODERATOR, pending[0].notice_id, REMOVE_ILLEGAL)
    assert again.status == "in_force"
    assert _effects(tenants)["decision_messages"] == 1
    _filed(tenants, cipher, 5)


def test_the_referral_is_filed_with_the_termination_in_one_transaction(
    tenants: Engine, cipher: Cipher
) -> None:
    """If the `referral_made` entry cannot be written, the decision and its referral are
    not stored either: a referral is never filed without its entry, nor the reverse."""
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form(threat_to_life=True))
    real = audit_transaction.append_in

    def failing_on_referral(connection: Connection, builds: list[partial[Any]]) -> Any:
        if any(build.args[0].action == "referral_made" for build in builds):
            raise RuntimeError("audit trail unavailable")
        return real(connection, builds)

    real_pending = audit_transaction.add_pending

    def pending_failing_on_referral(connection: Connection, entries: list[Any]) -> Any:
        if any(entry["action"] == "referral_made" for entry in entries):
            raise RuntimeError("audit trail unavailable")
        return real_pending(connection, entries)

    with (
        mock.patch("zicht.access._audit_transaction.append_in", failing_on_referral),
        mock.patch("zicht.access._audit_transaction.add_pending", pending_failing_on_referral),
        pytest.raises(RuntimeError, match="audit trail unavailable"),
    ):
        decide(tenants, cipher, MODERATOR, receipt.notice_id, TERMINATE)
    assert _effects(tenants)["referral_rows"] == 0
    assert search(tenants, action="notice_decided")[1] == 0
    assert receipt.notice_id in [e.notice_id for e in queue(tenants, MODERATOR, PLATFORM)]

    decision = decide(tenants, cipher, MODERATOR, receipt.notice_id, TERMINATE)
    assert decision.status == "pending_approval"
    _filed(tenants, cipher, 1)
    (entry,) = search(tenants, action="referral_made")[0]
    assert entry.actor == MODERATOR.actor


def test_an_approved_termination_takes_effect_exactly_once(tenants: Engine, cipher: Cipher) -> None:
    pending = _pending_terminations(tenants, cipher, 5)
    poster_key = pending[0].poster_key
    assert poster_key is not None
    for i, decision in enumerate(pending, start=1):
        approve(tenants, SECOND_MODERATOR, decision.id)
        effects = _effects(tenants)
        assert effects["decision_messages"] == i  # one per approved notice
        assert effects["sanctions"] == effects["misuse_entries"] == (i >= 3) + (i >= 5)
        _filed(tenants, cipher, 5)  # filed at decide time: approval adds no second one
    assert suspended_until(tenants, PLATFORM, poster_key) is not None
    kinds = [e.action for e in search(tenants, limit=500)[0] if e.action.startswith("misuse_")]
    assert sorted(kinds) == ["misuse_suspension", "misuse_warning"]

    before = _effects(tenants)
    with pytest.raises(NoticeError):  # approved once: never again, no second effect
        approve(tenants, SECOND_MODERATOR, pending[0].id)
    with pytest.raises(NoticeError):
        reject(tenants, SECOND_MODERATOR, pending[0].id)
    assert _effects(tenants) == before
    assert decision_of(tenants, MODERATOR, pending[0].id).status == "in_force"


def _failing(connection: object, builds: object) -> None:
    raise RuntimeError("audit trail unavailable")


def test_a_refusal_or_approval_whose_audit_entry_fails_changes_nothing(
    tenants: Engine, cipher: Cipher
) -> None:
    (decision,) = _pending_terminations(tenants, cipher, 1)
    before = _effects(tenants)
    for act in (reject, approve):
        with (
            mock.patch("zicht.access._audit_transaction.append_in", _failing),
            mock.patch("zicht.access._audit_transaction.add_pending", _failing),
            pytest.raises(RuntimeError, match="audit trail unavailable"),
        ):
            act(tenants, SECOND_MODERATOR, decision.id)
        assert decision_of(tenants, MODERATOR, decision.id).status == "pending_approval"
        assert decision.notice_id not in [e.notice_id for e in queue(tenants, MODERATOR, PLATFORM)]
        assert _effects(tenants) == before
        _filed(tenants, cipher, 1)
    entries, _ = search(tenants, limit=500)
    assert not {e.action for e in entries} & {"decision_rejected", "decision_approved"}

    reject(tenants, SECOND_MODERATOR, decision.id)  # works once it can log
    assert decision_of(tenants, MODERATOR, decision.id).status == "rejected"
    assert decision.notice_id in [e.notice_id for e in queue(tenants, MODERATOR, PLATFORM)]
    assert search(tenants, action="decision_rejected")[1] == 1
    _filed(tenants, cipher, 1)
