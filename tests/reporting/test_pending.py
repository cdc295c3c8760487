"""A receipt is derived after the report is acknowledged (zicht.reporting._pending):
the submission runs no slow hash, an acknowledged report opens with its receipt whoever
finishes it (the filing process, a sweep after a kill, or the reporter's own visit), and
once finished the database holds what it held before the change: the receipt's keyed
slow hash as lookup, the reporter's derived key, every message sealed to it, and no
trace of the receipt sealed to the server."""

from __future__ import annotations

import time

import pytest
from nacl.public import PrivateKey
from sqlalchemy import Engine, select

from tests.reporting.conftest import Channel
from zicht.reporting import (
    NewReport,
    PendingFinisher,
    ReportingError,
    answer_report,
    finish_pending,
    open_conversation,
    reply_as_reporter,
    submit_report,
)
from zicht.reporting._pending import PENDING_PREFIX, pending_private_key
from zicht.reporting._sealing import open_sealed, receipt_keys
from zicht.store.reporting import ReportMessageRow, ReportRow

WHAT = "Ze houden onze paspoorten vast"


def _file(channel: Channel, passphrase: str = "") -> tuple[str, int]:
    challenge, nonce = channel.work()
    new = NewReport(audience="victim", language="nl", what=WHAT, passphrase=passphrase)
    receipt = submit_report(channel.engine, channel.policy, new, challenge=challenge, nonce=nonce)
    return receipt.number, receipt.report_id


def _row(engine: Engine, report_id: int) -> tuple[str, bytes, list[bytes]]:
    with engine.connect() as connection:
        lookup, key = connection.execute(
            select(ReportRow.lookup, ReportRow.reporter_key).where(ReportRow.id == report_id)
        ).one()
        sealed = connection.execute(
            select(ReportMessageRow.for_reporter)
            .where(ReportMessageRow.report_id == report_id)
            .order_by(ReportMessageRow.id)
        ).scalars()
        return lookup, key, list(sealed)


def _assert_finished(channel: Channel, receipt: str, passphrase: str, report_id: int) -> None:
    """The row as a finished report must be: computed here from the receipt with the
    derivation itself (the oracle), not read back through the code that wrote it."""
    expected = receipt_keys(receipt, passphrase, channel.policy.pepper)
    lookup, key, sealed = _row(channel.engine, report_id)
    assert lookup == expected.lookup
    assert key == bytes(expected.public_key)
    server = pending_private_key(channel.policy)
    for box in sealed:
        open_sealed(expected.private_key, box)  # every message opens for the reporter
        with pytest.raises(ValueError):  # and none for the server's pending key any more
            open_sealed(server, box)


def test_a_submission_runs_no_slow_hash(channel: Channel, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("argon2id on the request path")

    monkeypatch.setattr("zicht.reporting._sealing.argon2id.kdf", refuse)
    receipt, report_id = _file(channel)
    lookup, key, _ = _row(channel.engine, report_id)
    assert lookup.startswith(PENDING_PREFIX) and len(receipt) == 16
    assert key == bytes(pending_private_key(channel.policy).public_key)


def test_finishing_gives_the_row_the_receipts_keys_and_drops_the_sealed_receipt(
    channel: Channel,
) -> None:
    receipt, report_id = _file(channel, passphrase="zonnebloem")
    # A staff answer while pending is sealed to the pending key, and resealed later.
    answer_report(channel.engine, channel.handlers["comensha"], report_id, "Bent u veilig?")
    assert finish_pending(channel.engine, channel.policy) == 1
    _assert_finished(channel, receipt, "zonnebloem", report_id)
    conversation = open_conversation(channel.engine, channel.policy, receipt, "zonnebloem")
    assert [m.text for m in conversation.messages] == [WHAT, "Bent u veilig?"]
    assert finish_pending(channel.engine, channel.policy) == 0  # nothing left, nothing redone


def test_the_reporters_visit_finishes_its_own_report_only(channel: Channel) -> None:
    receipt, report_id = _file(channel, passphrase="zonnebloem")
    _, other_id = _file(channel)
    with pytest.raises(ReportingError):  # the right receipt without its passphrase
        open_conversation(channel.engine, channel.policy, receipt)
    assert _row(channel.engine, report_id)[0].startswith(PENDING_PREFIX)
    after = reply_as_reporter(channel.engine, channel.policy, receipt, "zonnebloem", "Nog iets")
    assert [m.text for m in after.messages] == [WHAT, "Nog iets"]
    _assert_finished(channel, receipt, "zonnebloem", report_id)
    assert _row(channel.engine, other_id)[0].startswith(PENDING_PREFIX)


def test_a_report_finished_twice_is_written_once(channel: Channel) -> None:
    receipt, report_id = _file(channel)
    # Two processes finishing the same reports: the second finds them done.
    assert finish_pending(channel.engine, channel.policy, [report_id]) == 1
    assert finish_pending(channel.engine, channel.policy, [report_id]) == 0
    _assert_finished(channel, receipt, "", report_id)


def test_the_finisher_finishes_what_it_is_told_and_what_a_killed_process_left(
    channel: Channel,
) -> None:
    left_receipt, left_id = _file(channel)  # filed by a process killed before finishing
    finisher = PendingFinisher(channel.engine, channel.policy)
    finisher.start()  # its first sweep finishes what was left
    try:
        receipt, report_id = _file(channel)
        finisher.notify(report_id)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            lookups = [_row(channel.engine, i)[0] for i in (left_id, report_id)]
            if not any(lookup.startswith(PENDING_PREFIX) for lookup in lookups):
                break
            time.sleep(0.05)
    finally:
        finisher.stop()
    _assert_finished(channel, left_receipt, "", left_id)
    _assert_finished(channel, receipt, "", report_id)


def test_the_pending_key_is_the_servers_own() -> None:
    from zicht.reporting import ReportingPolicy

    one = ReportingPolicy(work_key=b"w" * 32, pepper=b"p" * 32)
    other = ReportingPolicy(work_key=b"w" * 32, pepper=b"q" * 32)
    assert bytes(pending_private_key(one)) == bytes(pending_private_key(one))
    assert bytes(pending_private_key(one)) != bytes(pending_private_key(other))
    assert isinstance(pending_private_key(one), PrivateKey)


def _index(pepper: bytes, receipt: str) -> str:
    """The keyed hash of a receipt as docs/reporting.md defines it (the oracle: written
    here from the definition, not read from the code under test)."""
    import hashlib
    import hmac

    key = hashlib.blake2b(b"zicht/meld/pending-index/v1", key=pepper, digest_size=32).digest()
    return hmac.new(key, receipt.encode(), hashlib.sha256).hexdigest()[:32]


def _count_opened(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Report ids whose sealed pending receipt was opened, in order."""
    from zicht.reporting import _pending

    opened: list[int] = []
    real = _pending._open

    def counting(server: PrivateKey, row: object) -> object:
        opened.append(row.report_id)  # type: ignore[attr-defined]
        return real(server, row)  # type: ignore[arg-type]

    monkeypatch.setattr(_pending, "_open", counting)
    return opened


def test_a_wrong_receipt_opens_no_pending_report_and_a_right_one_only_its_own(
    channel: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    filed = [_file(channel, passphrase="zonnebloem") for _ in range(5)]
    opened = _count_opened(monkeypatch)
    receipt, report_id = filed[2]
    wrong = str((int(receipt) + 1) % 10**16).zfill(16)
    with pytest.raises(ReportingError):
        open_conversation(channel.engine, channel.policy, wrong, "zonnebloem")
    assert opened == []  # no amplification: a failed lookup costs no decryption
    with pytest.raises(ReportingError):  # the right receipt, a wrong passphrase
        open_conversation(channel.engine, channel.policy, receipt, "tulp")
    assert opened == [report_id]
    conversation = open_conversation(channel.engine, channel.policy, receipt, "zonnebloem")
    assert [m.text for m in conversation.messages] == [WHAT]
    assert opened == [report_id, report_id]
    for other, other_id in filed[:2] + filed[3:]:  # the others are still pending
        assert _row(channel.engine, other_id)[0] == PENDING_PREFIX + _index(
            channel.policy.pepper, other
        )


def test_no_keyed_hash_of_the_receipt_remains_after_finishing(channel: Channel) -> None:
    receipt, report_id = _file(channel)
    index = _index(channel.policy.pepper, receipt)
    assert _row(channel.engine, report_id)[0] == PENDING_PREFIX + index
    assert finish_pending(channel.engine, channel.policy) == 1
    from sqlalchemy import MetaData, Table, inspect

    with channel.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            reflected = Table(table, MetaData(), autoload_with=connection)
            for row in connection.execute(select(reflected)):
                text = " ".join(
                    v.hex() + v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row
                )
                assert index not in text, table
                assert index[:16] not in text, table


def test_a_pending_report_that_cannot_be_opened_is_skipped_and_logged_without_values(
    channel: Channel, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import update

    good = [_file(channel) for _ in range(2)]
    bad_receipt, bad_id = _file(channel)
    with channel.engine.begin() as connection:  # its sealed pending receipt is damaged
        connection.execute(
            update(ReportMessageRow)
            .where(ReportMessageRow.report_id == bad_id)
            .values(for_reporter=b"\x00" * 80)
        )
    caplog.set_level("ERROR", logger="zicht.reporting._pending")
    assert finish_pending(channel.engine, channel.policy) == 2  # the others are finished
    for receipt, report_id in good:
        _assert_finished(channel, receipt, "", report_id)
    assert _row(channel.engine, bad_id)[0].startswith(PENDING_PREFIX)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert str(bad_id) in logged
    assert bad_receipt not in logged and WHAT not in logged
    # The next sweep fails no more than this one did, and a visit with that receipt is
    # the usual "no such report", not an error.
    assert finish_pending(channel.engine, channel.policy) == 0
    with pytest.raises(ReportingError):
        open_conversation(channel.engine, channel.policy, bad_receipt)


def test_a_report_finished_elsewhere_after_the_list_was_read_is_not_derived_again(
    channel: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zicht.reporting import _pending
    from zicht.store import reporting as store

    filed = [_file(channel) for _ in range(4)]
    derived: list[str] = []
    real_keys = _pending.receipt_keys
    real_list = store.pending_reports

    def counting(receipt: str, passphrase: str, pepper: bytes) -> object:
        derived.append(receipt)
        return real_keys(receipt, passphrase, pepper)

    def then_another_process(*args: object) -> object:
        rows = real_list(*args)  # type: ignore[arg-type]
        # Another process finishes two of them after this one read its list.
        monkeypatch.setattr(store, "pending_reports", real_list)
        monkeypatch.setattr(_pending, "receipt_keys", real_keys)
        assert finish_pending(channel.engine, channel.policy, [filed[0][1], filed[3][1]]) == 2
        monkeypatch.setattr(_pending, "receipt_keys", counting)
        return rows

    monkeypatch.setattr(store, "pending_reports", then_another_process)
    monkeypatch.setattr(_pending, "receipt_keys", counting)
    assert _pending.finish_pending(channel.engine, channel.policy) == 2
    assert sorted(derived) == sorted([filed[1][0], filed[2][0]])
    for receipt, report_id in filed:
        _assert_finished(channel, receipt, "", report_id)


def test_the_model_and_migration_0020_agree(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zicht.store.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert [d for d in differences if "reporting_report" in repr(d)] == []


@pytest.mark.parametrize("which", ["notified", "sweep"])
def test_two_finishers_racing_for_the_same_reports_derive_each_once(
    channel: Channel, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    # Two processes (each its own engine and claimant) read the same pending reports at
    # the same moment, as the filing process's finisher and another's sweep can: each
    # report must be derived exactly once. The oracle is a count of the derivations
    # themselves, taken beside the code under test.
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from zicht.reporting import _pending
    from zicht.store import make_engine
    from zicht.store import reporting as store

    filed = [_file(channel) for _ in range(3)]
    derived: list[str] = []
    counted = threading.Lock()
    both_listed = threading.Barrier(2)
    real_keys, real_list = _pending.receipt_keys, store.pending_reports

    def listed(*args: object) -> object:
        rows = real_list(*args)  # type: ignore[arg-type]
        both_listed.wait(20)  # both hold the same list before either claims or derives
        return rows

    def counting(receipt: str, passphrase: str, pepper: bytes) -> object:
        with counted:
            derived.append(receipt)
        time.sleep(0.1)  # a slow derivation: time for the other to take the same one
        return real_keys(receipt, passphrase, pepper)

    monkeypatch.setattr(store, "pending_reports", listed)
    monkeypatch.setattr(_pending, "receipt_keys", counting)
    ids = [report_id for _, report_id in filed] if which == "notified" else None
    other = make_engine(channel.engine.url.render_as_string(hide_password=False))
    try:
        with ThreadPoolExecutor(2) as pool:
            runs = [
                pool.submit(finish_pending, engine, channel.policy, ids, claimant=name)
                for engine, name in ((channel.engine, "first"), (other, "second"))
            ]
            finished = [run.result(60) for run in runs]
    finally:
        other.dispose()
    assert sorted(derived) == sorted(receipt for receipt, _ in filed)
    assert sum(finished) == 3
    for receipt, report_id in filed:
        _assert_finished(channel, receipt, "", report_id)
    with channel.engine.connect() as connection:  # a finished report keeps no claim
        claims = connection.execute(select(ReportRow.claimed_by, ReportRow.claimed_at)).all()
    assert [tuple(claim) for claim in claims] == [(None, None)] * 3


def _claim_as(channel: Channel, report_id: int, claimant: str, seconds_ago: float) -> None:
    import datetime as dt

    from sqlalchemy import update

    from zicht.store.models import utcnow

    with channel.engine.begin() as connection:
        connection.execute(
            update(ReportRow)
            .where(ReportRow.id == report_id)
            .values(claimed_by=claimant, claimed_at=utcnow() - dt.timedelta(seconds=seconds_ago))
        )


def test_a_claim_holds_off_other_finishers_until_its_lease_runs_out(channel: Channel) -> None:
    from zicht.reporting._pending import CLAIM_LEASE

    receipt, report_id = _file(channel)
    _claim_as(channel, report_id, "another-process", seconds_ago=CLAIM_LEASE / 2)
    assert finish_pending(channel.engine, channel.policy, [report_id]) == 0
    assert finish_pending(channel.engine, channel.policy) == 0  # nor a sweep
    assert _row(channel.engine, report_id)[0].startswith(PENDING_PREFIX)
    # Its process was killed: once the lease has run out the claim is taken over.
    _claim_as(channel, report_id, "another-process", seconds_ago=CLAIM_LEASE + 1)
    assert finish_pending(channel.engine, channel.policy) == 1
    _assert_finished(channel, receipt, "", report_id)


def test_the_reporters_visit_finishes_a_report_another_process_has_claimed(
    channel: Channel,
) -> None:
    # The visit has derived the keys already (it needs them to look): it writes them
    # whoever holds the claim, and that finisher then finds nothing to write.
    receipt, report_id = _file(channel, "zonnebloem")
    _claim_as(channel, report_id, "another-process", seconds_ago=0)
    conversation = open_conversation(channel.engine, channel.policy, receipt, "zonnebloem")
    assert [m.text for m in conversation.messages] == [WHAT]
    _assert_finished(channel, receipt, "zonnebloem", report_id)


def _claims(engine: Engine) -> dict[int, str | None]:
    with engine.connect() as connection:
        rows = connection.execute(select(ReportRow.id, ReportRow.claimed_by))
        return {int(report_id): claimed_by for report_id, claimed_by in rows}


def test_a_report_left_unfinished_is_not_held_by_its_claim(
    channel: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import update
    from sqlalchemy.exc import OperationalError

    from zicht.reporting import _pending

    _, bad_id = _file(channel)
    with channel.engine.begin() as connection:  # it cannot be opened
        connection.execute(
            update(ReportMessageRow)
            .where(ReportMessageRow.report_id == bad_id)
            .values(for_reporter=b"\x00" * 80)
        )
    _, report_id = _file(channel)
    _, other_id = _file(channel)
    _claim_as(channel, other_id, "another-process", seconds_ago=0)
    assert finish_pending(channel.engine, channel.policy, claimant="this-process") == 1
    # The damaged one's claim is gone (the next sweep tries it at once, not after the
    # lease); another process's claim is left as it was.
    assert _claims(channel.engine) == {bad_id: None, report_id: None, other_id: "another-process"}

    # The database fails while the batch is written: the error stands, the claims go.
    fresh_receipt, fresh_id = _file(channel)

    def failing(*_args: object) -> int:
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    monkeypatch.setattr(_pending, "_complete", failing)
    with pytest.raises(OperationalError):
        finish_pending(channel.engine, channel.policy, [fresh_id], claimant="this-process")
    assert _claims(channel.engine)[fresh_id] is None
    monkeypatch.undo()
    assert finish_pending(channel.engine, channel.policy, [fresh_id]) == 1
    _assert_finished(channel, fresh_receipt, "", fresh_id)
