"""Accounts of the web application: organisations, users, sessions, API tokens, uploads.

Secrets are never stored in the clear: passwords as argon2id hashes, session and API
tokens as SHA-256 digests (they are long random strings, so a fast hash suffices).
The web app's record of its uploads keeps the mapping that was used, so that a
quarantined row can be corrected and resubmitted through the same mapping.

The repository functions below hold the SQL; hashing, lockout policy and permission
checks are the access service's (`zicht.access`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from zicht.store.database import read_rows
from zicht.store.models import Base, utcnow

__all__ = [
    "ApiTokenRow",
    "Credentials",
    "OrganisationRow",
    "SessionRow",
    "SessionUser",
    "StoredToken",
    "StoredUser",
    "UploadRow",
    "UserRow",
    "api_token_by_hash",
    "delete_session",
    "delete_user_sessions",
    "insert_api_token",
    "insert_session",
    "insert_user",
    "list_api_tokens",
    "list_user_rows",
    "login_credentials",
    "organisation_flags",
    "record_failed_login",
    "record_login",
    "revoke_api_token",
    "save_organisation_active",
    "session_user",
    "touch_api_token",
    "touch_session",
    "update_password",
    "update_user_active",
    "users_per_organisation",
]


class OrganisationRow(Base):
    """A partner organisation (a code of the standard's ORGANISATIONS) and whether it is active."""

    __tablename__ = "organisation"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class UserRow(Base):
    """A person who logs in to the web application."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    organisation: Mapped[str | None] = mapped_column(String(40), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SessionRow(Base):
    """A login session: the cookie holds the token, the database its SHA-256 digest."""

    __tablename__ = "app_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ApiTokenRow(Base):
    """An API token of a partner system: one organisation, a set of actions, an expiry."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    organisation: Mapped[str] = mapped_column(String(40), index=True)
    actions: Mapped[list[Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class UploadRow(Base):
    """A file uploaded through the web app: its ingest batch and the mapping used (no data)."""

    __tablename__ = "web_upload"

    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(40), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    mapping: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


@dataclass(frozen=True)
class StoredToken:
    """An API token as stored (its digest, never the token itself)."""

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
    organisation_active: bool = True


@dataclass(frozen=True)
class StoredUser:
    """A user as listed (without the password hash)."""

    id: int
    username: str
    role: str
    organisation: str | None
    active: bool
    locked_until: dt.datetime | None
    created_at: dt.datetime
    last_login_at: dt.datetime | None


def _stored_token(row: Any, organisation_active: bool = True) -> StoredToken:
    return StoredToken(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        organisation=row.organisation,
        actions=tuple(row.actions),
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
        organisation_active=organisation_active,
    )


# Logins and sessions ------------------------------------------------------------------


class Credentials(NamedTuple):
    """What a login is checked against."""

    id: int
    password_hash: str
    active: bool
    locked_until: dt.datetime | None
    organisation_active: bool


def login_credentials(engine: Engine, username: str) -> Credentials | None:
    """The credentials of `username` (and whether their organisation is active), or None."""
    statement = (
        select(
            UserRow.id,
            UserRow.password_hash,
            UserRow.active,
            UserRow.locked_until,
            OrganisationRow.active,
        )
        .outerjoin(OrganisationRow, OrganisationRow.code == UserRow.organisation)
        .where(UserRow.username == username)
    )
    with engine.connect() as connection:
        row = connection.execute(statement).first()
    if row is None:
        return None
    user_id, password_hash, active, locked_until, organisation_active = row
    return Credentials(
        user_id, password_hash, active, locked_until, organisation_active in (None, True)
    )


def record_failed_login(
    engine: Engine, user_id: int, lock_after: int, locked_until: dt.datetime
) -> None:
    """Count a failed login; at `lock_after` failures lock the user until `locked_until`."""
    with Session(engine) as session, session.begin():
        user = session.get(UserRow, user_id)
        if user is None:
            return
        user.failed_logins += 1
        if user.failed_logins >= lock_after:
            user.locked_until = locked_until
            user.failed_logins = 0


def record_login(
    engine: Engine, user_id: int, at: dt.datetime, password_hash: str | None = None
) -> None:
    """A successful login: reset the failure count, lift a lock, maybe store a rehash."""
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": at}
    if password_hash is not None:
        values["password_hash"] = password_hash
    with engine.begin() as connection:
        connection.execute(update(UserRow).where(UserRow.id == user_id).values(**values))


def insert_session(
    engine: Engine,
    *,
    token_hash: str,
    user_id: int,
    csrf_token: str,
    created_at: dt.datetime,
    expires_at: dt.datetime,
    client: str | None,
) -> None:
    """Store a new session."""
    with Session(engine) as session, session.begin():
        session.add(
            SessionRow(
                token_hash=token_hash,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=created_at,
                last_seen_at=created_at,
                expires_at=expires_at,
                client=client,
            )
        )


def delete_session(engine: Engine, token_hash: str) -> None:
    """Delete the session whose token has digest `token_hash`."""
    with engine.begin() as connection:
        connection.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))


def delete_user_sessions(engine: Engine, user_id: int) -> None:
    """Delete every session of a user."""
    with engine.begin() as connection:
        connection.execute(delete(SessionRow).where(SessionRow.user_id == user_id))


class SessionUser(NamedTuple):
    """A session and the user it belongs to."""

    session_id: int
    csrf_token: str
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    user_id: int
    username: str
    role: str
    organisation: str | None
    active: bool


@cache
def _session_user_statement() -> Any:
    # Built once, on the tables (not the ORM classes): it runs on every page request.
    sessions, users = SessionRow.__table__, UserRow.__table__
    return (
        select(
            sessions.c.id,
            sessions.c.csrf_token,
            sessions.c.last_seen_at,
            sessions.c.expires_at,
            users.c.id,
            users.c.username,
            users.c.role,
            users.c.organisation,
            users.c.active,
        )
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == bindparam("token_hash"))
    )


def session_user(engine: Engine, token_hash: str) -> SessionUser | None:
    """The session with token digest `token_hash` and its user, or None."""
    rows = read_rows(engine, _session_user_statement(), {"token_hash": token_hash})
    return SessionUser(*rows[0]) if rows else None


def touch_session(engine: Engine, session_id: int, at: dt.datetime) -> None:
    """Record that a session was used at `at`."""
    with engine.begin() as connection:
        connection.execute(
            update(SessionRow).where(SessionRow.id == session_id).values(last_seen_at=at)
        )


# API tokens ---------------------------------------------------------------------------


def api_token_by_hash(engine: Engine, token_hash: str) -> StoredToken | None:
    """The API token with digest `token_hash` (and whether its organisation is active)."""
    table = ApiTokenRow.__table__
    statement = (
        select(table, OrganisationRow.active.label("organisation_active"))
        .outerjoin(OrganisationRow, OrganisationRow.code == table.c.organisation)
        .where(table.c.token_hash == token_hash)
    )
    with engine.connect() as connection:
        row = connection.execute(statement).first()
    if row is None:
        return None
    return _stored_token(row, row.organisation_active in (None, True))


def touch_api_token(engine: Engine, token_id: int, at: dt.datetime) -> None:
    """Record that an API token was used at `at`."""
    with engine.begin() as connection:
        connection.execute(
            update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=at)
        )


def insert_api_token(
    engine: Engine,
    *,
    name: str,
    token_hash: str,
    prefix: str,
    organisation: str,
    actions: list[str],
    created_by: str,
    created_at: dt.datetime,
    expires_at: dt.datetime,
) -> StoredToken:
    """Store a new API token; return it as stored."""
    with Session(engine) as session, session.begin():
        row = ApiTokenRow(
            name=name,
            token_hash=token_hash,
            prefix=prefix,
            organisation=organisation,
            actions=actions,
            created_by=created_by,
            created_at=created_at,
            expires_at=expires_at,
        )
        session.add(row)
        session.flush()
        return _stored_token(row)


def revoke_api_token(engine: Engine, token_id: int, at: dt.datetime) -> bool:
    """Mark an API token revoked at `at` (unless it was already); False when there is none."""
    with Session(engine) as session, session.begin():
        row = session.get(ApiTokenRow, token_id)
        if row is None:
            return False
        if row.revoked_at is None:
            row.revoked_at = at
    return True


def list_api_tokens(engine: Engine) -> list[StoredToken]:
    """Every API token, newest first."""
    table = ApiTokenRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.id.desc()))
        return [_stored_token(row) for row in rows]


# Users and organisations --------------------------------------------------------------


def insert_user(
    engine: Engine, username: str, password_hash: str, role: str, organisation: str | None
) -> int | None:
    """Store a new active user; return their id, or None when the username is taken."""
    with Session(engine) as session, session.begin():
        if session.scalars(select(UserRow.id).where(UserRow.username == username)).first():
            return None
        user = UserRow(
            username=username,
            password_hash=password_hash,
            role=role,
            organisation=organisation,
            active=True,
            failed_logins=0,
        )
        session.add(user)
        session.flush()
        return user.id


def _user_by_name(session: Session, username: str) -> UserRow | None:
    return session.scalars(select(UserRow).where(UserRow.username == username)).first()


def update_user_active(engine: Engine, username: str, active: bool) -> int | None:
    """Enable or disable a user; return their id, or None when there is no such user."""
    with Session(engine) as session, session.begin():
        user = _user_by_name(session, username)
        if user is None:
            return None
        user.active = active
        return user.id


def update_password(
    engine: Engine, username: str, password_hash: str, at: dt.datetime
) -> int | None:
    """Store a new password hash and lift a lockout; return the user's id, or None."""
    with Session(engine) as session, session.begin():
        user = _user_by_name(session, username)
        if user is None:
            return None
        user.password_hash = password_hash
        user.password_changed_at = at
        user.failed_logins = 0
        user.locked_until = None
        return user.id


def list_user_rows(engine: Engine) -> list[StoredUser]:
    """Every user (without the password hash), by username."""
    statement = select(
        UserRow.id,
        UserRow.username,
        UserRow.role,
        UserRow.organisation,
        UserRow.active,
        UserRow.locked_until,
        UserRow.created_at,
        UserRow.last_login_at,
    ).order_by(UserRow.username)
    with engine.connect() as connection:
        return [StoredUser(*row) for row in connection.execute(statement)]


def organisation_flags(engine: Engine) -> dict[str, bool]:
    """Whether each organisation with a stored row is active (no row means active)."""
    with engine.connect() as connection:
        rows = connection.execute(select(OrganisationRow.code, OrganisationRow.active))
        return {str(code): bool(active) for code, active in rows}


def users_per_organisation(engine: Engine) -> dict[str | None, int]:
    """The number of users per organisation (None: users of no organisation)."""
    statement = select(UserRow.organisation, func.count()).group_by(UserRow.organisation)
    with engine.connect() as connection:
        return {code: int(count) for code, count in connection.execute(statement)}


def save_organisation_active(engine: Engine, code: str, active: bool) -> list[int]:
    """Store whether an organisation is active; return the ids of its users."""
    with Session(engine) as session, session.begin():
        row = session.get(OrganisationRow, code)
        if row is None:
            session.add(OrganisationRow(code=code, active=active))
        else:
            row.active = active
        return list(session.scalars(select(UserRow.id).where(UserRow.organisation == code)))
