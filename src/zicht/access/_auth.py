"""Passwords, login with throttling and lockout, server-side sessions, API tokens.

Passwords are hashed with argon2id. Session and API tokens are 256-bit random strings;
only their SHA-256 digest is stored, so a copy of the database opens no session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine

from zicht.access._permissions import Principal
from zicht.store import accounts as store
from zicht.store import audit as audit_store
from zicht.store.models import utcnow

__all__ = [
    "CLIENT_FAILURES",
    "CLIENT_WINDOW",
    "LOCKOUT_AFTER",
    "LOCKOUT_FOR",
    "LoginOutcome",
    "RateLimiter",
    "check_password",
    "client_throttled",
    "create_session",
    "delete_session",
    "hash_password",
    "hash_token",
    "login",
    "new_token",
    "principal_for_session",
    "principal_for_token",
]

LOCKOUT_AFTER = 5
LOCKOUT_FOR = dt.timedelta(minutes=15)
# Failed logins from one client address within the window before it is refused for a
# while; counted in the audit trail, so the same in every server process. Attempts are
# also limited per process as they arrive (`AppState.login_limiter`), which holds while
# a burst of attempts is still being checked and not yet in the trail; a successful
# login is taken back from it, so that only failures count (issue 11, point 10).
CLIENT_FAILURES = 20
CLIENT_WINDOW = dt.timedelta(minutes=5)
SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_ABSOLUTE = dt.timedelta(hours=8)
# last_seen_at is written at most this often, so that reading a page is not a write.
_TOUCH_EVERY = dt.timedelta(seconds=60)

password_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106) defaults
# Verified against when the user does not exist, so that timing reveals nothing.
_DUMMY_HASH = password_hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The argon2id hash of `password`."""
    return password_hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    """Does `password` match `stored_hash`?"""
    try:
        return password_hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh 256-bit random token (URL-safe text)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 (hex) of a session or API token: what the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def client_throttled(engine: Engine, client: str | None) -> bool:
    """Has `client` (its address as audited) failed to log in `CLIENT_FAILURES` times
    within `CLIENT_WINDOW`, in any server process?"""
    since = utcnow() - CLIENT_WINDOW
    return audit_store.count_recent(engine, "login_failed", client, since) >= CLIENT_FAILURES


class RateLimiter:
    """At most `limit` events per key within `window` seconds (in this process).

    For logins an event is an attempt as it arrives; one that succeeds is taken back
    (`forgive`), so that only failed logins count: colleagues behind one address who
    log in correctly never lock each other out.
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> bool:
        """Record an event for `key`; False when the key is over its limit."""
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # forget idle keys
                for stale in [k for k, v in self._events.items() if not v]:
                    del self._events[stale]
            return True

    def forgive(self, key: str) -> None:
        """Take back the newest event of `key` (an attempt that turned out well)."""
        with self._lock:
            events = self._events.get(key)
            if events:
                events.pop()


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a login attempt; `reason` is for the audit trail, not the user."""

    user_id: int | None
    reason: str  # ok | unknown_user | bad_password | locked | disabled

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


def login(engine: Engine, username: str, password: str) -> LoginOutcome:
    """Check a password, counting failures and locking the account after LOCKOUT_AFTER."""
    now = utcnow()
    user = store.login_credentials(engine, username)
    if user is None:
        check_password(_DUMMY_HASH, password)
        return LoginOutcome(None, "unknown_user")
    if user.locked_until is not None and user.locked_until > now:
        check_password(_DUMMY_HASH, password)
        return LoginOutcome(user.id, "locked")
    if not check_password(user.password_hash, password):
        store.record_failed_login(engine, user.id, LOCKOUT_AFTER, now + LOCKOUT_FOR)
        return LoginOutcome(user.id, "bad_password")
    if not user.active or not user.organisation_active:
        return LoginOutcome(user.id, "disabled")
    rehash = None
    if password_hasher.check_needs_rehash(user.password_hash):
        rehash = hash_password(password)
    store.record_login(engine, user.id, now, rehash)
    return LoginOutcome(user.id, "ok")


def create_session(engine: Engine, user_id: int, client: str | None) -> str:
    """Start a session for `user_id`; return the token for the cookie."""
    token = new_token()
    now = utcnow()
    store.insert_session(
        engine,
        token_hash=hash_token(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + SESSION_ABSOLUTE,
        client=client,
    )
    return token


def delete_session(engine: Engine, token: str) -> None:
    """End the session of `token` (logout)."""
    store.delete_session(engine, hash_token(token))


def delete_sessions_of(engine: Engine, user_id: int) -> None:
    """End every session of a user (disable, password reset, role change)."""
    store.delete_user_sessions(engine, user_id)


def principal_for_session(engine: Engine, token: str) -> Principal | None:
    """The user behind a session cookie, or None when it is unknown, idle or expired."""
    now = utcnow()
    row = store.session_user(engine, hash_token(token))
    if row is None:
        return None
    if not row.active or row.expires_at <= now or row.last_seen_at + SESSION_IDLE <= now:
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        store.touch_session(engine, row.session_id, now)
    return Principal.for_user(row.user_id, row.username, row.role, row.organisation, row.csrf_token)


def principal_for_token(engine: Engine, token: str) -> Principal | None:
    """The partner system behind an API token, or None when unknown, revoked or expired."""
    now = utcnow()
    record = store.api_token_by_hash(engine, hash_token(token))
    if record is None:
        return None
    if record.revoked_at is not None or record.expires_at <= now:
        return None
    if not record.organisation_active:
        return None
    last_used = record.last_used_at
    if last_used is None or now - last_used >= _TOUCH_EVERY:
        store.touch_api_token(engine, record.id, now)
    return Principal.for_token(record.id, record.name, record.organisation, list(record.actions))
