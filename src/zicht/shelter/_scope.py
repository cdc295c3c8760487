"""Who may act on which shelter or request: the grants of `zicht.access` plus staff lists.

A shelter staff member's "own" scope is the shelters they are staff of (`shelter_member`),
not an organisation: every shelter belongs to the organisation kind "shelter".
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from zicht.access import (
    ROLE_PERMISSIONS,
    Actor,
    AuditedTransaction,
    AuditEvent,
    Principal,
    authorize,
    log_action,
    scope_of,
)
from zicht.i18n import N_
from zicht.shelter._errors import ShelterDenied
from zicht.store.shelter_beds import member_shelters

__all__ = [
    "audit",
    "command_line_principal",
    "principal_actor",
    "require",
    "require_request",
    "require_shelter",
]


def require(principal: Principal, action: str) -> None:
    """Stop unless `principal` holds `action` at all."""
    if not authorize(principal, action):
        raise ShelterDenied(N_("not permitted: %(action)s"), action=action)


def require_shelter(
    connection: Connection, principal: Principal, action: str, shelter_id: int
) -> None:
    """Stop unless `principal` may do `action` on this shelter (all, or staff of it)."""
    scope = scope_of(principal, action)
    if scope == "all":
        return
    if scope == "own" and shelter_id in member_shelters(connection, principal.actor):
        return
    raise ShelterDenied(N_("not permitted for this shelter: %(action)s"), action=action)


def require_request(principal: Principal, action: str, organisation: str) -> None:
    """Stop unless `principal` may do `action` on a request of `organisation`."""
    if not authorize(principal, action, organisation):
        raise ShelterDenied(N_("not permitted for this request: %(action)s"), action=action)


def principal_actor(principal: Principal, client: str | None = None) -> Actor:
    """The audit trail's actor for `principal`."""
    kind = "user" if principal.kind == "user" else "token"
    return Actor(principal.actor, kind, principal.organisation, client)


def audit(
    target: AuditedTransaction | Engine,
    principal: Principal,
    action: str,
    object_type: str,
    ids: list[int | str] | list[int],
    **details: object,
) -> None:
    """One entry of the audit trail for a shelter step: in the step's own transaction
    (committed with it), or on its own for an attempt that changed nothing."""
    event = AuditEvent(
        actor=principal.actor,
        action=action,
        actor_kind="user" if principal.kind == "user" else "token",
        actor_organisation=principal.organisation,
        object_type=object_type,
        object_ids=ids,
        details=dict(details),
    )
    if isinstance(target, AuditedTransaction):
        target.log(event)
    else:
        log_action(target, event)


def command_line_principal() -> Principal:
    """The operator of a `zicht shelter` command: a coordinator, named after the OS user."""
    actor = Actor.command_line()
    return Principal(
        "user", 0, actor.name, "coordinator", "comensha", ROLE_PERMISSIONS["coordinator"]
    )
