"""Pure core of the channel: sealed boxes, wrapped keys, receipts and proof of work."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nacl.public import PrivateKey

from zicht.reporting._sealing import (
    RECEIPT_DIGITS,
    WrongPassword,
    new_receipt,
    normalise_receipt,
    open_sealed,
    receipt_keys,
    seal,
    unwrap_private_key,
    wrap_private_key,
)
from zicht.reporting._work import LIFETIME, WorkError, issue_challenge, solve, verify_work

KEY = b"k" * 32
PEPPER = b"p" * 32


def test_a_sealed_box_opens_only_with_its_private_key() -> None:
    recipient, other = PrivateKey.generate(), PrivateKey.generate()
    sealed = seal(bytes(recipient.public_key), b"Zij houden mijn paspoort")
    assert b"paspoort" not in sealed
    assert open_sealed(recipient, sealed) == b"Zij houden mijn paspoort"
    with pytest.raises(ValueError):
        open_sealed(other, sealed)


def test_a_wrapped_key_opens_with_its_password_only() -> None:
    key = PrivateKey.generate()
    wrapped = wrap_private_key(key, "correct horse battery staple")
    assert bytes(key) not in wrapped.box
    assert bytes(unwrap_private_key(wrapped, "correct horse battery staple")) == bytes(key)
    with pytest.raises(WrongPassword):
        unwrap_private_key(wrapped, "correct horse battery stapler")


def test_receipts_are_16_random_digits() -> None:
    receipts = {new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    assert all(len(r) == RECEIPT_DIGITS and r.isdigit() for r in receipts)
    # Each digit position takes every value over many receipts (no fixed prefix).
    assert all(len({r[i] for r in receipts}) == 10 for i in range(RECEIPT_DIGITS))


@given(st.text(alphabet="0123456789 -", max_size=40))
def test_normalise_keeps_exactly_16_digits(text: str) -> None:
    digits = text.replace(" ", "").replace("-", "")
    expected = digits if len(digits) == 16 else None
    assert normalise_receipt(text) == expected


@given(st.text(max_size=30))
def test_normalise_never_accepts_non_ascii_digits(text: str) -> None:
    result = normalise_receipt(text)
    assert result is None or (result.isascii() and result.isdigit() and len(result) == 16)


def test_receipt_keys_depend_on_receipt_passphrase_and_pepper() -> None:
    base = receipt_keys("1234567812345678", "", PEPPER)
    again = receipt_keys("1234567812345678", "", PEPPER)
    assert base.lookup == again.lookup and bytes(base.private_key) == bytes(again.private_key)
    others = [
        receipt_keys("1234567812345679", "", PEPPER),
        receipt_keys("1234567812345678", "zon", PEPPER),
        receipt_keys("1234567812345678", "", b"q" * 32),
    ]
    assert all(o.lookup != base.lookup for o in others)
    # The stored public key depends on the pepper too: without the server's key, a copy
    # of the database cannot test a guessed receipt against it.
    assert all(bytes(o.public_key) != bytes(base.public_key) for o in others)
    # The lookup is not a plain hash of the receipt (it is keyed and slow).
    assert base.lookup != hashlib.sha256(b"1234567812345678").hexdigest()


def test_work_with_enough_bits_is_accepted_once_per_challenge_id() -> None:
    token = issue_challenge(KEY, now=1_000_000)
    nonce = solve(token, 12)
    digest = hashlib.sha256(f"{token}:{nonce}".encode()).digest()
    assert int.from_bytes(digest[:2], "big") >> 4 == 0  # 12 leading zero bits, checked apart
    challenge = verify_work(KEY, token, nonce, bits=12, wait=600, now=1_000_001)
    assert challenge.issued_at == 1_000_000 and len(challenge.id) == 32


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ("other key", "signature"),
        ("tampered", "signature"),
        ("expired", "expired"),
        ("weak nonce", "work"),
        ("too soon", "work"),
    ],
)
def test_work_is_refused_with_the_rule_it_breaks(change: str, rule: str) -> None:
    token = issue_challenge(KEY, now=1_000_000)
    nonce: str | None = solve(token, 8)
    key, now, bits = KEY, 1_000_010.0, 8
    if change == "other key":
        key = b"x" * 32
    elif change == "tampered":
        token = ("A" if token[0] != "A" else "B") + token[1:]
    elif change == "expired":
        now = 1_000_000 + LIFETIME + 1
    elif change == "weak nonce":
        bits = 24
        nonce = next(
            str(n)
            for n in range(10_000)
            if hashlib.sha256(f"{token}:{n}".encode()).digest()[0] != 0
        )
    elif change == "too soon":
        nonce = None
    with pytest.raises(WorkError) as caught:
        verify_work(key, token, nonce, bits=bits, wait=30, now=now)
    assert caught.value.rule == rule


def test_a_form_without_work_is_accepted_after_the_wait() -> None:
    token = issue_challenge(KEY, now=1_000_000)
    assert verify_work(KEY, token, None, bits=20, wait=5, now=1_000_005).issued_at == 1_000_000


@given(st.text(max_size=80), st.one_of(st.none(), st.text(max_size=40)))
def test_any_token_is_verified_or_refused_never_crashes(token: str, nonce: str | None) -> None:
    rule = None
    try:
        verify_work(KEY, token, nonce, bits=4, wait=0, now=1_000_000)
    except WorkError as exc:
        rule = exc.rule
    assert rule in {None, "signature", "expired", "work"}
