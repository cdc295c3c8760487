"""Encryption of identity data at rest: AES-256-GCM with associated data.

Every encrypted value is bound to where it lives (table, source, source record id)
through the GCM associated data, so a ciphertext copied onto another row does not
decrypt. The layout of a token is ``version (1 byte) || key id (4 bytes) || nonce
(12 bytes) || ciphertext+tag``; the key id lets Zicht say "wrong key" rather than
"corrupt data" when keys are mixed up.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "KEY_BYTES",
    "Cipher",
    "DecryptionError",
    "MissingKeyError",
    "generate_key",
    "load_cipher",
    "write_key_file",
]

KEY_BYTES = 32
_VERSION = b"\x01"
_NONCE_BYTES = 12
HOW_TO_MAKE_A_KEY = (
    "make one with `zicht keys new --out FILE` and set ZICHT_SECRET_KEY_FILE=FILE "
    "(or ZICHT_SECRET_KEY to the key itself)"
)


class MissingKeyError(RuntimeError):
    """No usable encryption key is configured."""


class DecryptionError(RuntimeError):
    """A value could not be decrypted: wrong key, wrong row, or altered data."""


class Cipher:
    """Encrypts and decrypts identity values with one AES-256-GCM key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise MissingKeyError(f"the key must be {KEY_BYTES} bytes; {HOW_TO_MAKE_A_KEY}")
        self._key = key
        self._aead = AESGCM(key)
        self._pseudonym_key = hashlib.sha256(b"zicht-pseudonym" + key).digest()
        self.key_id = hashlib.sha256(b"zicht-key-id" + key).digest()[:4]

    def __reduce__(self) -> tuple[type[Cipher], tuple[bytes]]:
        # Lets ingest hand the cipher to its worker processes on this machine.
        return (Cipher, (self._key,))

    def __repr__(self) -> str:
        return f"Cipher(key_id={self.key_id.hex()})"

    def derived_key(self, label: str) -> bytes:
        """A 256-bit key for another use (e.g. signing audit checkpoints), by HKDF-SHA256
        (RFC 5869) from this key with `label` as its info; the AES key is never reused."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        info = b"zicht:" + label.encode("utf-8")
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(self._key)

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        """Encrypt `plaintext`, bound to `context` (e.g. "victim_registration/police/123")."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, context.encode("utf-8"))
        return _VERSION + self.key_id + nonce + sealed

    def decrypt(self, token: bytes, context: str) -> bytes:
        """Decrypt a token made by `encrypt` with the same context."""
        if len(token) < 1 + 4 + _NONCE_BYTES + 16 or token[:1] != _VERSION:
            raise DecryptionError("not a Zicht ciphertext")
        if token[1:5] != self.key_id:
            raise DecryptionError("encrypted with another key than the one configured")
        nonce = token[5 : 5 + _NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, token[5 + _NONCE_BYTES :], context.encode("utf-8"))
        except InvalidTag:
            raise DecryptionError("ciphertext was altered or belongs to another record") from None

    def encrypt_json(self, value: dict[str, Any], context: str) -> bytes:
        """Encrypt a JSON-serialisable mapping."""
        return self.encrypt(json.dumps(value, sort_keys=True, default=str).encode(), context)

    def decrypt_json(self, token: bytes, context: str) -> dict[str, Any]:
        """Decrypt a mapping encrypted with `encrypt_json`."""
        result: dict[str, Any] = json.loads(self.decrypt(token, context))
        return result

    def pseudonym(self, value: str) -> str:
        """A keyed pseudonym (HMAC-SHA256, hex) of `value`: equal in, equal out."""
        return hmac.new(self._pseudonym_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def generate_key() -> bytes:
    """A fresh random key."""
    return os.urandom(KEY_BYTES)


def write_key_file(path: Path, *, overwrite: bool = False) -> None:
    """Write a new key (base64) to `path`, readable by its owner only."""
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path}: a key file exists already; refusing to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(generate_key()).decode("ascii") + "\n")


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MissingKeyError(f"{where} is not a base64 key; {HOW_TO_MAKE_A_KEY}") from None
    if len(key) != KEY_BYTES:
        raise MissingKeyError(f"{where} does not hold a {KEY_BYTES}-byte key; {HOW_TO_MAKE_A_KEY}")
    return key


def load_cipher(key_file: str | None, key_text: str | None) -> Cipher:
    """The cipher for the configured key; MissingKeyError says how to make one."""
    if key_file:
        path = Path(key_file)
        try:
            return Cipher(_decode(path.read_text(encoding="ascii"), f"key file {path}"))
        except FileNotFoundError:
            raise MissingKeyError(f"key file {path} does not exist; {HOW_TO_MAKE_A_KEY}") from None
        except (OSError, UnicodeDecodeError) as exc:  # unreadable, a directory, not text
            raise MissingKeyError(
                f"key file {path} cannot be read ({type(exc).__name__})"
            ) from None
    if key_text:
        return Cipher(_decode(key_text, "ZICHT_SECRET_KEY"))
    raise MissingKeyError(f"no encryption key is configured; {HOW_TO_MAKE_A_KEY}")
