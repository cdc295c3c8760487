"""Fixtures of the reporting tests: a migrated store with the two coordinators' keys."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from zicht.access import Actor, Principal, add_user, list_users
from zicht.reporting import ReportingPolicy, create_organisation_key, issue_challenge, solve

PASSWORDS = {"comensha": "comensha handler password", "fairwork": "fairwork handler password"}


@pytest.fixture(autouse=True)
def fast_key_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the tests check behaviour, not cost."""
    monkeypatch.setattr("zicht.reporting._sealing.WRAP_OPS", 1)
    monkeypatch.setattr("zicht.reporting._sealing.WRAP_MEMORY", 8192)
    monkeypatch.setattr("zicht.reporting._sealing.RECEIPT_OPS", 1)
    monkeypatch.setattr("zicht.reporting._sealing.RECEIPT_MEMORY", 8192)


@dataclass
class Channel:
    engine: Engine
    policy: ReportingPolicy
    handlers: dict[str, Principal]

    def work(self) -> tuple[str, str]:
        challenge = issue_challenge(self.policy.work_key)
        return challenge, solve(challenge, self.policy.work_bits)


def open_channel(engine: Engine) -> Channel:
    """Handlers of CoMensha and FairWork, each organisation's key wrapped for its handler."""
    policy = ReportingPolicy(work_key=b"w" * 32, pepper=b"p" * 32, work_bits=6, form_wait=0)
    handlers = {}
    for organisation, password in PASSWORDS.items():
        username = f"handler-{organisation}"
        add_user(engine, Actor("test"), username, "report_handler", organisation, password)
        user_id = next(u.id for u in list_users(engine) if u.username == username)
        create_organisation_key(engine, organisation, user_id, password, "test")
        handlers[organisation] = Principal.for_user(
            user_id, username, "report_handler", organisation
        )
    return Channel(engine, policy, handlers)


@pytest.fixture
def channel(engine: Engine) -> Channel:
    """The channel on SQLite and on PostgreSQL."""
    return open_channel(engine)
