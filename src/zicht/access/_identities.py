"""The one audited door to identity data: a decryption needs an actor and a purpose.

Every look at identity values (a page, the API, `zicht link explain --show-identities`,
a quarantine export or row) is made by a function that takes a `Look` and writes its
audit entry itself, before the values are handed back: a caller cannot decrypt and
forget to record it. Linkage decrypts every registration to compare them; that is
processing inside one job, not a look by a person, and is not audited per row
(docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from zicht.access._accounts import Actor
from zicht.access._audit import AuditEvent, log_action, log_action_async
from zicht.privacy import Cipher
from zicht.store.web_registrations import identity_tokens

__all__ = [
    "MIN_PURPOSE",
    "Look",
    "PurposeError",
    "record_look",
    "record_look_async",
    "reveal_identities",
    "reveal_identities_async",
    "reveal_registrations",
]

MIN_PURPOSE = 5


class PurposeError(ValueError):
    """A look at identities without a purpose of at least `MIN_PURPOSE` characters."""


@dataclass(frozen=True)
class Look:
    """Who looks at identity data and why, as the audit trail records it.

    Args:
        actor: the person or system looking (the CLI's is the operating-system user).
        purpose: why, in the actor's words (at least `MIN_PURPOSE` characters).
        details: ids and context for the entry (never an identity value).
    """

    actor: Actor
    purpose: str
    details: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        purpose = self.purpose.strip()
        if len(purpose) < MIN_PURPOSE:
            raise PurposeError(f"a purpose of at least {MIN_PURPOSE} characters is required")
        object.__setattr__(self, "purpose", purpose[:400])


def _event(look: Look, action: str, object_type: str, ids: Iterable[int | str]) -> AuditEvent:
    return AuditEvent(
        actor=look.actor.name,
        actor_kind=look.actor.kind,
        actor_organisation=look.actor.organisation,
        action=action,
        object_type=object_type,
        object_ids=list(ids),
        purpose=look.purpose,
        client=look.actor.client,
        details=dict(look.details),
    )


def record_look(
    engine: Engine, look: Look, action: str, object_type: str, ids: Iterable[int | str]
) -> None:
    """Write the audit entry of one look; for the functions that decrypt, after they did."""
    log_action(engine, _event(look, action, object_type, ids))


async def record_look_async(
    engine: Engine, look: Look, action: str, object_type: str, ids: Iterable[int | str]
) -> None:
    """`record_look` for code on the event loop."""
    await log_action_async(engine, _event(look, action, object_type, ids))


def _decrypt(
    reader: Engine, cipher: Cipher, record_type: str, ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    return {
        record_id: cipher.decrypt_json(token, context) if token is not None else {}
        for record_id, context, token in identity_tokens(reader, record_type, ids)
    }


def reveal_identities(
    engine: Engine,
    cipher: Cipher,
    look: Look,
    record_type: str,
    ids: Sequence[int],
    *,
    reader: Engine | None = None,
) -> dict[int, dict[str, Any]]:
    """Decrypted identity fields of the records `ids`, audited as one `view_identity`.

    Args:
        engine: the database the audit entry is written to.
        reader: where the records are read (default `engine`; the web app's read pool).

    Returns:
        record id -> identity fields (an empty dict for a record with none stored).
    """
    values = _decrypt(reader or engine, cipher, record_type, ids)
    record_look(engine, look, "view_identity", record_type, ids)
    return values


async def reveal_identities_async(
    engine: Engine,
    cipher: Cipher,
    look: Look,
    record_type: str,
    ids: Sequence[int],
    *,
    reader: Engine | None = None,
) -> dict[int, dict[str, Any]]:
    """`reveal_identities` for pages on the event loop: the audit entry is awaited."""
    values = _decrypt(reader or engine, cipher, record_type, ids)
    await record_look_async(engine, look, "view_identity", record_type, ids)
    return values


def reveal_registrations(
    engine: Engine, cipher: Cipher, look: Look, ids_by_type: Mapping[str, Sequence[int]]
) -> dict[str, dict[int, dict[str, Any]]]:
    """Decrypted identity fields of registrations of several record types (the victims
    and suspects behind a network), audited as one `view_identity` look.

    The entry's object type is ``registration`` and its ids are ``record_type/id``.

    Returns:
        record type -> record id -> identity fields (empty for a record with none).
    """
    values = {
        record_type: _decrypt(engine, cipher, record_type, ids)
        for record_type, ids in ids_by_type.items()
    }
    ids = [f"{record_type}/{i}" for record_type, some in ids_by_type.items() for i in some]
    record_look(engine, look, "view_identity", "registration", ids)
    return values
