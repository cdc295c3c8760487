"""What the notice-and-action modules share: the refusal, the audit entry, the rights check."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from zicht.access import AuditedTransaction, AuditEvent, Principal, authorize, log_action


@dataclass(frozen=True)
class Problem:
    """One broken rule of an input: the field and the rule, never the value."""

    field: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.rule}: {self.message}"


class NoticeError(ValueError):
    """Input refused: every broken rule, each naming its field and rule."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


class NotAllowed(PermissionError):
    """The principal may not do this (or the record is not in its scope)."""


def refuse(field: str, rule: str, message: str) -> NoticeError:
    """A refusal for one broken rule."""
    return NoticeError([Problem(field, rule, message)])


def require(principal: Principal, action: str, organisation: str | None = None) -> None:
    """Raise NotAllowed unless `principal` may do `action` (on `organisation`'s record)."""
    if not authorize(principal, action, organisation):
        raise NotAllowed(action)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def is_email(address: str) -> bool:
    """Whether `address` looks like an e-mail address (at most 254 characters)."""
    return len(address) <= 254 and _EMAIL.fullmatch(address) is not None


def new_reference(prefix: str) -> str:
    """A random, unguessable reference (a receipt number or a redress key)."""
    return f"{prefix}-{secrets.token_urlsafe(15)}"


def audit(
    engine: Engine | AuditedTransaction,
    principal: Principal,
    action: str,
    object_type: str,
    ids: Sequence[int | str],
    client: str | None = None,
    **details: Any,
) -> None:
    """One entry in the hash-chained trail: committed with the act when given the act's
    `audited_transaction`, else written after the change committed."""
    event = audit_event(principal, action, object_type, ids, client, **details)
    if isinstance(engine, AuditedTransaction):
        engine.log(event)
    else:
        log_action(engine, event)


def audit_event(
    principal: Principal,
    action: str,
    object_type: str,
    ids: Sequence[int | str] | int,
    client: str | None = None,
    **details: Any,
) -> AuditEvent:
    """The entry `audit` writes, for an `audited_transaction` (one id or several)."""
    return AuditEvent(
        actor=principal.actor,
        action=action,
        actor_kind=principal.kind,
        actor_organisation=principal.organisation,
        object_type=object_type,
        object_ids=[ids] if isinstance(ids, int) else ids,
        client=client,
        details=details,
    )
