"""The handling organisations' key pairs: made once, wrapped per staff member."""

from __future__ import annotations

import weakref

from nacl.public import PrivateKey
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zicht.access import AuditEvent, Principal, log_action
from zicht.reporting._policy import ReportingError
from zicht.reporting._sealing import WrappedKey, unwrap_private_key, wrap_private_key
from zicht.store import reporting as store

__all__ = ["create_organisation_key", "grant_key", "public_key_of", "unlock_key"]


# An organisation's public key never changes once made (`create_organisation_key`
# refuses a second pair), so a process keeps those it has read: one query less on every
# submission. A missing key is not kept.
_PUBLIC_KEYS: weakref.WeakKeyDictionary[Engine, dict[str, bytes]] = weakref.WeakKeyDictionary()


def public_key_of(engine: Engine, organisation: str) -> bytes:
    """The public key reports to `organisation` are sealed to; ReportingError `no_key`."""
    known = _PUBLIC_KEYS.setdefault(engine, {})
    key = known.get(organisation)
    if key is None:
        with Session(engine) as session:
            key = store.organisation_key(session, organisation)
        if key is None:
            raise ReportingError("no_key")
        known[organisation] = key
    return key


def create_organisation_key(
    engine: Engine, organisation: str, user_id: int, password: str, actor: str
) -> None:
    """Make `organisation`'s key pair; its private key wrapped for its first holder.

    ReportingError `key_exists` when the organisation has one (a new pair would leave
    its reports unreadable).
    """
    private_key = PrivateKey.generate()
    wrapped = wrap_private_key(private_key, password)
    try:
        with Session(engine) as session, session.begin():
            store.save_organisation_key(session, organisation, bytes(private_key.public_key))
            store.save_key_wrap(session, organisation, user_id, wrapped.salt, wrapped.box)
    except IntegrityError as exc:
        raise ReportingError("key_exists") from exc
    log_action(
        engine,
        AuditEvent(
            actor=actor,
            action="reporting_key_created",
            actor_kind="cli",
            object_type="reporting_key",
            object_ids=[organisation],
            details={"holder": user_id},
        ),
    )


def unlock_key(engine: Engine, organisation: str, user_id: int, password: str) -> PrivateKey:
    """The organisation's private key, opened with a staff member's password.

    ReportingError `no_key_for_user` when they hold no copy; WrongPassword when the
    password does not open it.
    """
    with Session(engine) as session:
        found = store.key_wrap(session, organisation, user_id)
    if found is None:
        raise ReportingError("no_key_for_user")
    return unwrap_private_key(WrappedKey(*found), password)


def grant_key(
    engine: Engine,
    granter: Principal,
    granter_password: str,
    user_id: int,
    password: str,
) -> None:
    """Give a colleague a copy of the key of `granter`'s organisation, wrapped under the
    colleague's password (both typed in, as at a handover); audited."""
    organisation = granter.organisation or ""
    private_key = unlock_key(engine, organisation, granter.id, granter_password)
    wrapped = wrap_private_key(private_key, password)
    with Session(engine) as session, session.begin():
        store.save_key_wrap(session, organisation, user_id, wrapped.salt, wrapped.box)
    log_action(
        engine,
        AuditEvent(
            actor=granter.actor,
            action="reporting_key_granted",
            actor_organisation=organisation,
            object_type="user",
            object_ids=[user_id],
        ),
    )
