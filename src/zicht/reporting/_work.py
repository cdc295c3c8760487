"""Proof of work on submission: a server-issued, signed, single-use challenge.

The server hands out a challenge (issue time, 16 random bytes, HMAC under a server
key); a submission must come back with it within `LIFETIME`. A scripted client pays in
work: a nonce such that SHA-256(challenge ":" nonce) starts with `bits` zero bits
(hashcash). A person in a browser without JavaScript cannot compute, so a form may pay
in time instead: the challenge is accepted without a nonce once it is `wait` seconds
old (a human takes longer than that to fill in the form). Either way each challenge
counts once: the store refuses a challenge id it has seen (`file_report`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

__all__ = ["LIFETIME", "Challenge", "WorkError", "issue_challenge", "solve", "verify_work"]

LIFETIME = 2 * 60 * 60  # seconds a challenge stays valid (a long form, a slow reader)


class WorkError(ValueError):
    """A submission's proof of work is missing, forged, expired or insufficient.

    `rule` names what failed: signature, expired, work.
    """

    def __init__(self, rule: str) -> None:
        super().__init__(f"proof of work refused: {rule}")
        self.rule = rule


@dataclass(frozen=True)
class Challenge:
    """A verified challenge: its id (spent once) and when it was issued."""

    id: str
    issued_at: int


def _sign(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, b"zicht/meld/work\n" + body, hashlib.sha256).digest()[:16]


def issue_challenge(key: bytes, now: float | None = None) -> str:
    """A fresh challenge token (URL-safe text) signed with `key`."""
    issued = int(time.time() if now is None else now)
    body = issued.to_bytes(8, "big") + secrets.token_bytes(16)
    return base64.urlsafe_b64encode(body + _sign(key, body)).decode().rstrip("=")


def _leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def _digest(token: str, nonce: str) -> bytes:
    return hashlib.sha256(f"{token}:{nonce}".encode()).digest()


def solve(token: str, bits: int) -> str:
    """The first nonce (decimal) that gives `token` `bits` leading zero bits."""
    nonce = 0
    while _leading_zero_bits(_digest(token, str(nonce))) < bits:
        nonce += 1
    return str(nonce)


def verify_work(
    key: bytes,
    token: str,
    nonce: str | None,
    *,
    bits: int,
    wait: int,
    now: float | None = None,
) -> Challenge:
    """The challenge of a valid submission; WorkError naming the rule otherwise.

    Args:
        nonce: the client's hashcash nonce, or None/'' for a form that pays in time.
        bits: leading zero bits a nonce must give.
        wait: seconds after issue from which a challenge is accepted without a nonce.
    """
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError) as exc:
        raise WorkError("signature") from exc
    if len(raw) != 40 or not hmac.compare_digest(raw[24:], _sign(key, raw[:24])):
        raise WorkError("signature")
    issued = int.from_bytes(raw[:8], "big")
    moment = time.time() if now is None else now
    if moment > issued + LIFETIME or moment < issued - 60:
        raise WorkError("expired")
    if nonce:
        if len(nonce) > 32 or _leading_zero_bits(_digest(token, nonce)) < bits:
            raise WorkError("work")
    elif moment < issued + wait:
        raise WorkError("work")
    return Challenge(raw[8:24].hex(), issued)
