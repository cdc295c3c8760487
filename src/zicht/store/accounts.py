"""Accounts of the web application: organisations, users, sessions, API tokens, uploads.

Secrets are never stored in the clear: passwords as argon2id hashes, session and API
tokens as SHA-256 digests (they are long random strings, so a fast hash suffices).
The web app's record of its uploads keeps the mapping that was used, so that a
quarantined row can be corrected and resubmitted through the same mapping.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.models import Base, utcnow

__all__ = ["ApiTokenRow", "OrganisationRow", "SessionRow", "UploadRow", "UserRow"]


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
