"""The linkage secret the partners share: a random key and its public id.

Every encoding is keyed with it (HMAC-SHA256), so nobody without it can encode a
guessed name and compare (a dictionary attack). Its id travels in every encoded
file's header: a file encoded with another secret is refused, because its filters
would compare as random noise against everyone else's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LinkageSecret", "SecretError", "new_secret", "read_secret", "write_secret"]

_KIND = "zicht-pprl-secret"
_KEY_BYTES = 32


class SecretError(ValueError):
    """A secret file is missing, unreadable or not a Zicht linkage secret."""


@dataclass(frozen=True)
class LinkageSecret:
    """A shared linkage secret; `secret_id` may be shown, `key` never."""

    key: bytes

    @property
    def secret_id(self) -> str:
        """A public name for the secret: 16 hex digits, derived one-way from the key."""
        return hmac.new(self.key, b"zicht-pprl-secret-id", hashlib.sha256).hexdigest()[:16]

    def field_key(self, field: str, salt: str = "") -> bytes:
        """The key of one field's hashing (and of its salt value, when salted)."""
        label = f"zicht-pprl/v1/{field}/{salt}".encode()
        return hmac.new(self.key, label, hashlib.sha256).digest()

    def __repr__(self) -> str:  # the key stays out of logs and tracebacks
        return f"LinkageSecret(secret_id={self.secret_id!r})"


def new_secret() -> LinkageSecret:
    """A fresh random secret (256 bits from the operating system)."""
    return LinkageSecret(secrets.token_bytes(_KEY_BYTES))


def write_secret(secret: LinkageSecret, path: Path, *, overwrite: bool = False) -> None:
    """Write `secret` to `path` (mode 0600); an existing file is kept unless `overwrite`."""
    body = json.dumps({"kind": _KIND, "id": secret.secret_id, "key": secret.key.hex()})
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        raise FileExistsError(f"{path} exists; choose another file or overwrite it") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(body + "\n")


def read_secret(path: Path) -> LinkageSecret:
    """Read a secret written by `write_secret`; SecretError says what is wrong (no key)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SecretError(f"{path}: secret file does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise SecretError(f"{path}: not a readable linkage secret file") from None
    if not isinstance(data, dict) or data.get("kind") != _KIND:
        raise SecretError(
            f"{path}: not a Zicht linkage secret (make one with `zicht pprl secret new`)"
        )
    try:
        key = bytes.fromhex(str(data["key"]))
    except (KeyError, ValueError):
        raise SecretError(f"{path}: the secret's key is missing or damaged") from None
    secret = LinkageSecret(key)
    if len(key) != _KEY_BYTES or data.get("id") != secret.secret_id:
        raise SecretError(f"{path}: the secret's key is missing or damaged")
    return secret
