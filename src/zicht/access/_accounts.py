"""Accounts as a service: users, API tokens and organisations, each change audited.

The CLI (`zicht users`, `zicht tokens`) and the administration pages call these
functions; every change is written to the audit trail after it commits.
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access._audit import AuditEvent, log_action
from zicht.access._auth import delete_sessions_of, hash_password, hash_token, new_token
from zicht.access._permissions import (
    MUNICIPAL_ROLES,
    ROLES,
    ROLES_WITH_ORGANISATION,
    TOKEN_ACTIONS,
)
from zicht.standard import ORGANISATIONS, municipalities
from zicht.store import accounts as store
from zicht.store.models import utcnow
from zicht.store.notice_cases import platform_by_code

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "Actor",
    "TokenInfo",
    "UserInfo",
    "add_user",
    "create_token",
    "ensure_demo_accounts",
    "generate_password",
    "list_organisations",
    "list_tokens",
    "list_users",
    "reset_password",
    "revoke_token",
    "set_organisation_active",
    "set_user_active",
]

# What a municipality's API token may do (its organisation is its CBS code).
MUNICIPAL_TOKEN_ACTIONS = frozenset({"import_licences"})
# What a platform's API token may do (its organisation is the platform's code).
PLATFORM_TOKEN_ACTIONS = frozenset({"import_ads"})

MIN_PASSWORD_LENGTH = 12
MAX_TOKEN_DAYS = 366
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")

DEMO_ACCOUNTS: tuple[tuple[str, str, str | None], ...] = (
    ("demo-admin", "administrator", None),
    ("demo-steward", "data_steward", "police"),
    ("demo-coordinator", "coordinator", "comensha"),
    ("demo-analyst", "analyst", None),
    ("demo-auditor", "auditor", None),
    ("demo-caseworker", "caseworker", "inspectorate"),
    ("demo-shelter", "shelter_staff", "shelter"),
    ("demo-amsterdam", "municipality", "GM0363"),
    # The notice pages: a moderator of the platform `zicht demo` registers (DEMO_PLATFORM).
    ("demo-moderator", "platform_moderator", "synthplatform"),
)


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class Actor:
    """Who makes a change, as the audit trail records it."""

    name: str
    kind: str = "user"
    organisation: str | None = None
    client: str | None = None

    @classmethod
    def command_line(cls) -> Actor:
        """The operating-system user running a `zicht` command."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(f"cli:{user}", "system", None, "command line")


@dataclass(frozen=True)
class UserInfo:
    """A user as shown to administrators (never the password hash)."""

    id: int
    username: str
    role: str
    organisation: str | None
    active: bool
    locked: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


@dataclass(frozen=True)
class TokenInfo:
    """An API token as shown to administrators (never the token)."""

    id: int
    name: str
    prefix: str
    organisation: str
    actions: tuple[str, ...]
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()


def _audit(
    engine: Engine,
    actor: Actor,
    action: str,
    object_type: str,
    ids: list[int | str],
    **details: object,
) -> None:
    log_action(
        engine,
        AuditEvent(
            actor=actor.name,
            actor_kind=actor.kind,
            actor_organisation=actor.organisation,
            action=action,
            object_type=object_type,
            object_ids=ids,
            client=actor.client,
            details=dict(details),
        ),
    )


def generate_password() -> str:
    """A random password of 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def _check_role(engine: Engine, role: str, organisation: str | None) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    if role in MUNICIPAL_ROLES:
        # A municipality account's organisation is its CBS code of the reference list.
        if organisation not in municipalities():
            raise AccountError(f"a {role} account needs the CBS code of its municipality (GM0363)")
    elif role == "platform_moderator":  # a moderator's organisation is the platform (tenant)
        if organisation is None or platform_by_code(engine, organisation) is None:
            raise AccountError(
                "a platform_moderator belongs to a registered platform: give its code"
            )
        return
    elif organisation is not None and organisation not in ORGANISATIONS:
        raise AccountError(f"unknown organisation {organisation!r}")
    if role in ROLES_WITH_ORGANISATION and organisation is None:
        raise AccountError(f"a {role} belongs to an organisation: give one")


def add_user(
    engine: Engine,
    actor: Actor,
    username: str,
    role: str,
    organisation: str | None = None,
    password: str | None = None,
) -> str:
    """Create a user; return the password (a generated one when none is given)."""
    if not _USERNAME.match(username):
        raise AccountError("a username is 3-80 characters: a-z, 0-9, '.', '_', '-'")
    _check_role(engine, role, organisation)
    password = password or generate_password()
    _check_password(password)
    user_id = store.insert_user(engine, username, hash_password(password), role, organisation)
    if user_id is None:
        raise AccountError(f"user {username!r} exists already")
    _audit(engine, actor, "user_added", "user", [user_id], role=role, organisation=organisation)
    return password


def set_user_active(engine: Engine, actor: Actor, username: str, active: bool) -> None:
    """Disable (ending their sessions) or enable a user."""
    user_id = store.update_user_active(engine, username, active)
    if user_id is None:
        raise AccountError(f"no user {username!r}")
    if not active:
        delete_sessions_of(engine, user_id)
    _audit(engine, actor, "user_enabled" if active else "user_disabled", "user", [user_id])


def reset_password(engine: Engine, actor: Actor, username: str, password: str | None = None) -> str:
    """Give a user a new password, lift a lockout and end their sessions."""
    password = password or generate_password()
    _check_password(password)
    user_id = store.update_password(engine, username, hash_password(password), utcnow())
    if user_id is None:
        raise AccountError(f"no user {username!r}")
    delete_sessions_of(engine, user_id)
    _audit(engine, actor, "password_reset", "user", [user_id])
    return password


def list_users(engine: Engine) -> list[UserInfo]:
    """Every user, by username."""
    now = utcnow()
    return [
        UserInfo(
            u.id,
            u.username,
            u.role,
            u.organisation,
            u.active,
            u.locked_until is not None and u.locked_until > now,
            u.created_at,
            u.last_login_at,
        )
        for u in store.list_user_rows(engine)
    ]


def _token_info(row: store.StoredToken) -> TokenInfo:
    return TokenInfo(
        row.id,
        row.name,
        row.prefix,
        row.organisation,
        row.actions,
        row.created_by,
        row.created_at,
        row.expires_at,
        row.revoked_at,
        row.last_used_at,
    )


def create_token(
    engine: Engine,
    actor: Actor,
    name: str,
    organisation: str,
    actions: list[str],
    days: int = 90,
) -> tuple[TokenInfo, str]:
    """Issue an API token; return its record and the token itself (shown once)."""
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise AccountError("a token needs a name of 1-80 characters")
    # A municipality's system (organisation = its CBS code) only delivers its licences.
    if organisation in municipalities():
        if set(actions) - MUNICIPAL_TOKEN_ACTIONS:
            raise AccountError(
                f"a municipality's token may only {', '.join(sorted(MUNICIPAL_TOKEN_ACTIONS))}"
            )
    elif platform_by_code(engine, organisation) is not None:
        # A platform's system (organisation = its code) only delivers its ads.
        if set(actions) - PLATFORM_TOKEN_ACTIONS:
            raise AccountError(
                f"a platform's token may only {', '.join(sorted(PLATFORM_TOKEN_ACTIONS))}"
            )
    elif organisation not in ORGANISATIONS:
        raise AccountError(f"unknown organisation {organisation!r}")
    elif set(actions) & MUNICIPAL_TOKEN_ACTIONS:
        raise AccountError("only a municipality's token may import licences")
    elif set(actions) & PLATFORM_TOKEN_ACTIONS:
        raise AccountError("only a platform's token may deliver ads")
    unknown = sorted(set(actions) - set(TOKEN_ACTIONS))
    if unknown or not actions:
        raise AccountError(f"a token's actions are some of {', '.join(TOKEN_ACTIONS)}")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise AccountError(f"a token expires after 1 to {MAX_TOKEN_DAYS} days")
    token = "zt_" + new_token()
    now = utcnow()
    row = store.insert_api_token(
        engine,
        name=name,
        token_hash=hash_token(token),
        prefix=token[:10],
        organisation=organisation,
        actions=[a for a in TOKEN_ACTIONS if a in actions],
        created_by=actor.name,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    info = _token_info(row)
    _audit(
        engine,
        actor,
        "token_created",
        "api_token",
        [info.id],
        organisation=organisation,
        actions=list(info.actions),
        days=days,
    )
    return info, token


def revoke_token(engine: Engine, actor: Actor, token_id: int) -> None:
    """Revoke an API token at once."""
    if not store.revoke_api_token(engine, token_id, utcnow()):
        raise AccountError(f"no API token {token_id}")
    _audit(engine, actor, "token_revoked", "api_token", [token_id])


def list_tokens(engine: Engine) -> list[TokenInfo]:
    """Every API token, newest first."""
    return [_token_info(row) for row in store.list_api_tokens(engine)]


def list_organisations(engine: Engine) -> list[tuple[str, bool, int]]:
    """(code, active, users) for every organisation of the standard."""
    active = store.organisation_flags(engine)
    users = store.users_per_organisation(engine)
    return [(code, active.get(code, True), users.get(code, 0)) for code in ORGANISATIONS.codes]


def set_organisation_active(engine: Engine, actor: Actor, code: str, active: bool) -> None:
    """(De)activate an organisation: its users cannot log in, its tokens stop working."""
    if code not in ORGANISATIONS:
        raise AccountError(f"unknown organisation {code!r}")
    user_ids = store.save_organisation_active(engine, code, active)
    if not active:
        for user_id in user_ids:
            delete_sessions_of(engine, user_id)
    action = "organisation_enabled" if active else "organisation_disabled"
    _audit(engine, actor, action, "organisation", [code])


def ensure_demo_accounts(engine: Engine) -> list[tuple[str, str, str | None, str]]:
    """One demo account per role with a fresh random password: (user, role, org, password)."""
    actor = Actor("demo", "system", None, "zicht demo")
    existing = {user.username for user in list_users(engine)}
    accounts = []
    for username, role, organisation in DEMO_ACCOUNTS:
        if username in existing:
            password = reset_password(engine, actor, username)
            set_user_active(engine, actor, username, True)
        else:
            password = add_user(engine, actor, username, role, organisation)
        accounts.append((username, role, organisation, password))
    return accounts
