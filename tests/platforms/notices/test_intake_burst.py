"""On SQLite and PostgreSQL: notices filed at once (one burst of the intake's writer, or
many callers on threads and on the event loop) are each stored with exactly one entry,
acknowledged with their own row, and the flood rule counts the notices of the same burst:
a notifier filing many notices at once gets exactly as many through as the policy allows.

The oracle is the policy's number and the rows and entries counted here."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.platforms.notices.conftest import (
    POLICE_FLAGGER,
    PUBLIC,
    notice_form,
)
from zicht.access import search, verify
from zicht.platforms.notices import (
    IntakePolicy,
    NoticeError,
    Receipt,
    file_notice,
    file_notice_async,
)
from zicht.platforms.notices._intake import _seal, _store_filed
from zicht.privacy import Cipher
from zicht.store.notices import NoticeRow

POLICY = IntakePolicy(flood_per_hour=5)


def _stored(engine: Engine) -> dict[str, tuple[int, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(NoticeRow.reference, NoticeRow.id, NoticeRow.lane))
        return {reference: (notice_id, lane) for reference, notice_id, lane in rows}


def test_a_flood_within_one_burst_is_counted(tenants: Engine, cipher: Cipher) -> None:
    # One burst: eight notices of one notifier, two of another, one of a trusted flagger.
    forms = [(PUBLIC, notice_form()) for _ in range(8)]
    forms += [(PUBLIC, notice_form(email="other@example.net")) for _ in range(2)]
    forms.append((POLICE_FLAGGER, notice_form(name=None, email=None)))
    burst = [_seal(cipher, who, form, "198.51.100.4", POLICY) for who, form in forms]
    _store_filed(tenants, burst)
    refused = [f for f in burst if f.refusal is not None]
    assert len(refused) == 3  # 8 - 5
    assert {(p.field, p.rule) for f in refused for p in f.refusal.problems} == {  # type: ignore[union-attr]
        ("notifier", "flood")
    }
    assert all(f.refusal is not None for f in burst[5:8])  # the first five went through
    stored = _stored(tenants)
    receipts = [f.outcome() for f in burst if f.refusal is None]
    assert len(receipts) == len(stored) == 8
    for receipt in receipts:  # each acknowledged with its own row and lane
        assert stored[receipt.reference] == (receipt.notice_id, receipt.lane)
    assert receipts[-1].lane == "trusted_flagger"
    assert search(tenants, action="notice_filed")[1] == 8
    assert search(tenants, action="notice_flood")[1] == 3
    assert verify(tenants).ok


def test_concurrent_callers_each_get_their_own_receipt(tenants: Engine, cipher: Cipher) -> None:
    def one(number: int) -> Receipt:
        form = notice_form(email=f"notifier{number}@example.org")
        return file_notice(tenants, cipher, PUBLIC, form, "198.51.100.4", POLICY)

    async def on_the_loop() -> list[Receipt | BaseException]:
        forms = [notice_form(email=f"loop{n}@example.org") for n in range(12)]
        forms += [notice_form(email="same@example.org") for _ in range(8)]
        return await asyncio.gather(
            *(file_notice_async(tenants, cipher, PUBLIC, f, None, POLICY) for f in forms),
            return_exceptions=True,
        )

    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(one, range(24)))
    looped = asyncio.run(on_the_loop())
    receipts = threaded + [r for r in looped if isinstance(r, Receipt)]
    floods = [r for r in looped if isinstance(r, NoticeError)]
    assert len(floods) == 3 and len(receipts) == 24 + 12 + 5
    assert {(p.field, p.rule) for e in floods for p in e.problems} == {("notifier", "flood")}
    stored = _stored(tenants)
    assert len(stored) == len(receipts)
    assert all(stored[r.reference][0] == r.notice_id for r in receipts)
    with tenants.connect() as connection:
        assert connection.scalar(select(func.count(func.distinct(NoticeRow.id)))) == len(receipts)
    assert search(tenants, action="notice_filed")[1] == len(receipts)


def test_a_burst_with_an_unknown_platform_refuses_that_notice_only(
    tenants: Engine, cipher: Cipher
) -> None:
    burst = [
        _seal(cipher, PUBLIC, notice_form(platform="nowhere"), None, POLICY),
        _seal(cipher, PUBLIC, notice_form(), None, POLICY),
    ]
    _store_filed(tenants, burst)
    with pytest.raises(NoticeError) as unknown:
        burst[0].outcome()
    assert [(p.field, p.rule) for p in unknown.value.problems] == [("platform", "unknown")]
    assert burst[1].outcome().reference in _stored(tenants)


def test_a_burst_larger_than_one_statement_is_stored_whole(tenants: Engine, cipher: Cipher) -> None:
    # 600 notices in one burst of the writer (SQLite refuses a compound SELECT of more
    # than 500 terms): each acknowledged and stored; the one with an unknown platform,
    # past the first statement's share, is the only one refused (the facts of the
    # second statement are each notice's own).
    forms = [notice_form(email=f"burst{n}@example.org") for n in range(600)]
    forms[450] = notice_form(email="burst450@example.org", platform="nowhere")
    burst = [_seal(cipher, PUBLIC, form, None, POLICY) for form in forms]
    _store_filed(tenants, burst)
    refused = [n for n, filed in enumerate(burst) if filed.refusal is not None]
    assert refused == [450]
    receipts = [filed.outcome() for n, filed in enumerate(burst) if n != 450]
    stored = _stored(tenants)
    assert len(stored) == len(receipts) == 599
    assert all(stored[r.reference] == (r.notice_id, r.lane) for r in receipts)
    assert search(tenants, action="notice_filed")[1] == 599
    assert verify(tenants).ok


def test_bursts_of_two_processes_admit_no_more_than_the_flood_limit(
    tenants: Engine, database_url: str, cipher: Cipher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two server processes (two engines on the same database), each with a burst of five
    # notices from one notifier, both at the door of their write transaction at once:
    # the facts are read inside it, so the second burst counts the first's notices.
    import threading

    from zicht.platforms.notices import _intake
    from zicht.store import make_engine

    begin = _intake.audited_transaction
    both_ready = threading.Barrier(2, timeout=30)

    def when_both_ready(*args: object, **kwargs: object) -> object:
        both_ready.wait()
        return begin(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_intake, "audited_transaction", when_both_ready)
    other = make_engine(database_url)
    try:
        bursts = [
            [_seal(cipher, PUBLIC, notice_form(), None, POLICY) for _ in range(5)] for _ in range(2)
        ]
        with ThreadPoolExecutor(2) as pool:
            done = [
                pool.submit(_store_filed, e, b)
                for e, b in zip((tenants, other), bursts, strict=True)
            ]
            for future in done:
                future.result(timeout=60)
    finally:
        other.dispose()
    admitted = [f for burst in bursts for f in burst if f.refusal is None]
    assert len(admitted) == POLICY.flood_per_hour == len(_stored(tenants))
    assert search(tenants, action="notice_flood")[1] == 5
    assert verify(tenants).ok


def test_a_suspension_committed_as_the_burst_begins_refuses_the_notice(
    tenants: Engine, cipher: Cipher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A moderator's suspension of the notifier commits just as the writer begins the
    # burst's write transaction (after the notice was checked and sealed): the facts are
    # read inside that transaction, so the notice is refused, its neighbour stored (the
    # oracle: the sanction row written here).
    import datetime as dt

    from zicht.platforms.notices import _intake
    from zicht.store.models import utcnow
    from zicht.store.notices import SanctionRow

    sealed = _seal(cipher, PUBLIC, notice_form(), None, POLICY)
    other = _seal(cipher, PUBLIC, notice_form(email="other@example.net"), None, POLICY)
    begin = _intake.audited_transaction

    def suspended_first(*args: object, **kwargs: object) -> object:
        now = utcnow()
        with tenants.begin() as connection:
            connection.execute(
                SanctionRow.__table__.insert(),  # type: ignore[attr-defined]
                {
                    "platform": sealed.form.platform,
                    "subject": "notifier",
                    "subject_key": sealed.values["notifier_key"],
                    "kind": "suspension",
                    "until": now + dt.timedelta(days=30),
                    "created_at": now,
                },
            )
        return begin(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_intake, "audited_transaction", suspended_first)
    _store_filed(tenants, [sealed, other])
    with pytest.raises(NoticeError) as refused:
        sealed.outcome()
    assert [(p.field, p.rule) for p in refused.value.problems] == [("notifier", "suspended")]
    assert set(_stored(tenants)) == {other.outcome().reference}
    assert search(tenants, action="notice_suspended_notifier")[1] == 1


def test_the_writer_stores_a_backlog_in_bounded_batches(tenants: Engine, cipher: Cipher) -> None:
    # 150 notices queued while the writer is busy: each transaction stores at most
    # `_BATCH` of them, in the order queued, and every caller gets its receipt.
    import threading

    from zicht.access import GroupWriter
    from zicht.platforms.notices import _intake

    sizes: list[int] = []
    hold = threading.Event()

    def store(batch: list[_intake._Filed]) -> None:
        hold.wait(30)
        sizes.append(len(batch))
        _store_filed(tenants, batch)

    writer: GroupWriter[_intake._Filed] = GroupWriter(store, most=_intake._BATCH)
    burst = [
        _seal(cipher, PUBLIC, notice_form(email=f"backlog{n}@example.org"), None, POLICY)
        for n in range(150)
    ]
    futures = [writer.submit(filed) for filed in burst]
    hold.set()
    for future in futures:
        future.result(timeout=60)
    assert max(sizes) <= _intake._BATCH == 64 and sum(sizes) == 150
    stored = _stored(tenants)
    ids = [filed.outcome().notice_id for filed in burst]
    assert ids == sorted(ids) and all(filed.outcome().reference in stored for filed in burst)


def test_the_audit_checkpoint_follows_once_the_burst_is_answered(
    tenants: Engine, cipher: Cipher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The burst commits and its callers may be answered before the checkpoint step
    # (a signed file every CHECKPOINT_EVERY entries) runs; the step the writer runs next
    # records the chain's head (the oracle: the last entry read here).
    from zicht.access import Checkpoints, checkpoint_audit
    from zicht.store.audit import AuditEntryRow

    monkeypatch.setattr("zicht.access._audit.CHECKPOINT_EVERY", 1)
    checkpoints = Checkpoints.of(tenants, cipher, tmp_path)
    assert checkpoint_audit(tenants, checkpoints)
    before = checkpoints.read()
    assert before is not None
    burst = [
        _seal(cipher, PUBLIC, notice_form(email=f"head{n}@example.org"), None, POLICY)
        for n in range(3)
    ]
    then = _store_filed(tenants, burst)
    assert all(filed.outcome().reference in _stored(tenants) for filed in burst)
    assert checkpoints.read() == before  # not yet: off the callers' path
    then()
    with tenants.connect() as connection:
        seq, head = connection.execute(
            select(AuditEntryRow.seq, AuditEntryRow.entry_hash)
            .order_by(AuditEntryRow.seq.desc())
            .limit(1)
        ).one()
    after = checkpoints.read()
    assert after is not None and (after.seq, after.head_hash) == (seq, head)
    assert after.seq == before.seq + 3
