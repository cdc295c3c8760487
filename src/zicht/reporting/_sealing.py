"""Encryption to the recipient: sealed boxes, staff-wrapped keys and receipts.

A report is sealed (libsodium `crypto_box_seal`, X25519 + XSalsa20-Poly1305) to the
public key of the organisation that handles it, so neither a copy of the database nor
the server operator can read it. The organisation's private key is stored once per
staff member, wrapped (SecretBox) under a key that argon2id derives from that staff
member's password. A reporter's receipt (16 random digits, plus an optional passphrase)
is never stored: argon2id turns it into a lookup key (kept only as a keyed hash) and
the seed of the reporter's own key pair, to which the answers of staff are sealed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id
from nacl.secret import SecretBox

__all__ = [
    "RECEIPT_DIGITS",
    "ReceiptKeys",
    "WrappedKey",
    "WrongPassword",
    "new_receipt",
    "normalise_receipt",
    "open_sealed",
    "receipt_keys",
    "seal",
    "unwrap_private_key",
    "wrap_private_key",
]

RECEIPT_DIGITS = 16
# A receipt is derived on every submission and visit. What the slow hash guards (see
# docs/reporting.md, "Cost of a receipt"): online guessing is hopeless whatever its cost
# (10^16 receipts: with 10^4 stored reports one guess in 10^12 opens one, and every guess
# is a request), and since the server's pepper is part of its input, a copy of the
# database alone cannot test a single guess. It slows only an attacker who holds the
# database AND the server's key: with 10^4 stored reports, 10^12 derivations per receipt
# found, about 500 core-years at 2 passes over 8 MiB (~15 ms a core on a quiet machine,
# a quarter of the earlier 3 passes over 16 MiB), which keeps a submission well inside
# its latency budget when 100 reporters send at once.
RECEIPT_OPS = 2
RECEIPT_MEMORY = 8 * 1024 * 1024
# A staff password unlocks the organisation's key rarely: libsodium's "moderate" cost.
WRAP_OPS = argon2id.OPSLIMIT_MODERATE
WRAP_MEMORY = argon2id.MEMLIMIT_INTERACTIVE
_RECEIPT_SALT = hashlib.blake2b(b"zicht/meld/receipt/v2", digest_size=argon2id.SALTBYTES).digest()


class WrongPassword(ValueError):
    """The password does not unlock this wrapped key (or the key was tampered with)."""


@dataclass(frozen=True)
class WrappedKey:
    """An organisation's private key, encrypted under one staff member's password."""

    salt: bytes
    box: bytes


@dataclass(frozen=True)
class ReceiptKeys:
    """What a receipt opens: the row it names and the reporter's key pair."""

    lookup: str
    private_key: PrivateKey

    @property
    def public_key(self) -> PublicKey:
        """The reporter's public key (staff answers are sealed to it)."""
        return self.private_key.public_key


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    """`plaintext` sealed to `public_key` (only its private key opens it)."""
    return bytes(SealedBox(PublicKey(public_key)).encrypt(plaintext))


def open_sealed(private_key: PrivateKey, sealed: bytes) -> bytes:
    """Open a sealed box; ValueError when it is not sealed to `private_key`."""
    try:
        return bytes(SealedBox(private_key).decrypt(sealed))
    except CryptoError as exc:
        raise ValueError("the sealed box does not open with this key") from exc


def _password_key(password: str, salt: bytes) -> bytes:
    return bytes(
        argon2id.kdf(
            SecretBox.KEY_SIZE,
            password.encode("utf-8"),
            salt,
            opslimit=WRAP_OPS,
            memlimit=WRAP_MEMORY,
        )
    )


def wrap_private_key(private_key: PrivateKey, password: str) -> WrappedKey:
    """`private_key` encrypted under a key derived from `password` (fresh salt)."""
    salt = secrets.token_bytes(argon2id.SALTBYTES)
    box = SecretBox(_password_key(password, salt)).encrypt(bytes(private_key))
    return WrappedKey(salt, bytes(box))


def unwrap_private_key(wrapped: WrappedKey, password: str) -> PrivateKey:
    """The private key in `wrapped`; WrongPassword when `password` does not open it."""
    try:
        raw = SecretBox(_password_key(password, wrapped.salt)).decrypt(wrapped.box)
    except CryptoError as exc:
        raise WrongPassword("the password does not unlock the key") from exc
    return PrivateKey(raw)


def new_receipt() -> str:
    """16 random decimal digits (about 53 bits), from the system's secure source."""
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def normalise_receipt(text: str) -> str | None:
    """The 16 digits of a typed receipt (spaces and dashes allowed), or None."""
    digits = "".join(ch for ch in text if ch not in " -\u00a0")
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def receipt_keys(receipt: str, passphrase: str, pepper: bytes) -> ReceiptKeys:
    """The lookup key and key pair of a receipt and passphrase.

    Args:
        pepper: a server secret, part of the hashed input (and the key of the stored
            lookup's HMAC): without it a copy of the database, which holds the lookup and
            the reporter's public key, cannot test a guessed receipt.
    """
    secret = pepper + f"\n{receipt}\n{passphrase}".encode()
    derived = argon2id.kdf(64, secret, _RECEIPT_SALT, opslimit=RECEIPT_OPS, memlimit=RECEIPT_MEMORY)
    lookup = hmac.new(pepper, derived[:32], hashlib.sha256).hexdigest()
    return ReceiptKeys(lookup, PrivateKey(derived[32:]))
