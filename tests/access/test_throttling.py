"""Login throttling counts failed logins only (issue 11, point 10)."""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD, WebWorld
from tests.web.test_auth import _login
from zicht.access import CLIENT_FAILURES, RateLimiter


def test_a_forgiven_event_does_not_count() -> None:
    limiter = RateLimiter(3, 60.0)
    assert [limiter.hit("a") for _ in range(3)] == [True, True, True]
    assert limiter.hit("a") is False
    limiter.forgive("a")  # the refused hit was never recorded: this takes back a real one
    assert limiter.hit("a") is True
    assert limiter.hit("a") is False
    assert limiter.hit("b") is True  # another key has its own count
    limiter.forgive("nobody")  # a key never seen is no error


def test_colleagues_behind_one_address_are_never_locked_out(sqlite_world: WebWorld) -> None:
    """Twice the failure limit of correct logins from one address within the window."""
    logins = 2 * CLIENT_FAILURES
    statuses = [
        _login(sqlite_world.client(), "analyst", PASSWORD).status_code  # type: ignore[attr-defined]
        for _ in range(logins)
    ]
    assert statuses == [303] * logins


@pytest.mark.parametrize("successes_first", [0, CLIENT_FAILURES])
def test_failures_are_still_throttled_after_successes(
    sqlite_world: WebWorld, successes_first: int
) -> None:
    for _ in range(successes_first):
        assert _login(sqlite_world.client(), "analyst", PASSWORD).status_code == 303  # type: ignore[attr-defined]
    statuses = [
        _login(sqlite_world.client(), f"user{i}", "wrong password!").status_code  # type: ignore[attr-defined]
        for i in range(CLIENT_FAILURES + 2)
    ]
    # the first CLIENT_FAILURES failures are answered, then the address is refused
    assert statuses == [400] * CLIENT_FAILURES + [429, 429]
    assert _login(sqlite_world.client(), "analyst", PASSWORD).status_code == 429  # type: ignore[attr-defined]
