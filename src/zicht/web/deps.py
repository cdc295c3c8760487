"""Route dependencies: who is asking (`current_principal`) and may they (`requires`).

Every route declares one action with `Depends(requires("action"))` or says it is
public with `Depends(public)`; `zicht.web.app` refuses to build an app with a route
that does neither.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException
from sqlalchemy import Engine
from starlette.requests import Request

from zicht.access import (
    ACTIONS,
    CLIENT_FAILURES,
    CLIENT_WINDOW,
    Actor,
    AuditEvent,
    Look,
    Principal,
    RateLimiter,
    authorize,
    log_action,
    log_action_async,
    principal_for_session,
    principal_for_token,
)
from zicht.privacy import Cipher
from zicht.store import reader_engine
from zicht.store.server_pools import OVERFLOW, ServerPools
from zicht.web.csrf import check_csrf

if TYPE_CHECKING:
    from zicht.ingest import IngestResult

__all__ = [
    "SESSION_COOKIE",
    "AppState",
    "NotAuthenticated",
    "accept_upload",
    "audit",
    "audit_async",
    "client_of",
    "current_principal",
    "look",
    "public",
    "requires",
    "state",
]

SESSION_COOKIE = "zicht_session"


@dataclass
class AppState:
    """What the routes share: the database, the cipher and per-process limiters."""

    engine: Engine
    cipher: Cipher
    report_dir: Path
    login_limiter: RateLimiter = field(
        default_factory=lambda: RateLimiter(CLIENT_FAILURES, CLIENT_WINDOW.total_seconds())
    )
    token_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(60, 60.0))
    cache: dict[str, Any] = field(default_factory=dict)
    # Reads of one statement each (the session, the data version, a page of a list): on
    # PostgreSQL a pool of autocommit connections of their own (`reader_engine`).
    reader: Engine = field(init=False)
    # A server process's pools on PostgreSQL (`store.server_pools`); None: the defaults.
    pools: ServerPools | None = None

    def __post_init__(self) -> None:
        if self.pools is None:
            self.reader = reader_engine(self.engine)
        else:
            self.reader = reader_engine(
                self.engine, pool_size=self.pools.readers, max_overflow=OVERFLOW
            )


class NotAuthenticated(Exception):
    """The request carries no valid session or API token."""


def state(request: Request) -> AppState:
    """The app's shared state."""
    app_state: AppState = request.app.state.zicht
    return app_state


def client_of(request: Request) -> str | None:
    """Where the request comes from (the client address)."""
    return request.client.host if request.client else None


def current_principal(request: Request) -> Principal | None:
    """The session user or API token of this request, or None."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    shared = state(request)
    principal: Principal | None = None
    authorization = request.headers.get("authorization", "")
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        client = client_of(request) or "unknown"
        principal = principal_for_token(shared.reader, credential.strip())
        if principal is None and not shared.token_limiter.hit(client):
            raise HTTPException(status_code=429, detail="too_many_attempts")
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            principal = principal_for_session(shared.reader, token)
    request.state.principal = principal
    return principal


async def public(request: Request) -> None:
    """Marks a route that anyone may reach (login, static files, health).

    A coroutine, so that FastAPI runs it on the event loop: a plain function dependency
    costs every public request a hop to a worker thread and back (the notice API's
    intake: benchmarks/bench_notices.py).
    """


public.public = True  # type: ignore[attr-defined]


def requires(action: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits only principals granted `action` (and checks CSRF)."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")

    async def dependency(request: Request) -> Principal:
        # On the event loop: one indexed lookup, cheaper than a hop to a worker thread.
        principal = current_principal(request)
        if principal is None:
            raise NotAuthenticated
        if not authorize(principal, action):
            raise HTTPException(status_code=403, detail="forbidden")
        await check_csrf(request, principal)
        return principal

    dependency.action = action  # type: ignore[attr-defined]
    dependency.__name__ = f"requires_{action}"
    return dependency


def audit(
    request: Request,
    principal: Principal,
    action: str,
    *,
    object_type: str | None = None,
    object_ids: list[int | str] | None = None,
    purpose: str | None = None,
    **details: Any,
) -> None:
    """Record what `principal` did in this request in the audit trail."""
    event = audit_event(
        request,
        principal,
        action,
        object_type=object_type,
        object_ids=object_ids,
        purpose=purpose,
        **details,
    )
    log_action(state(request).engine, event)


def look(request: Request, principal: Principal, purpose: str, **details: Any) -> Look:
    """Who looks at identities in this request and why, for `zicht.access`'s door."""
    actor = Actor(principal.actor, principal.kind, principal.organisation, client_of(request))
    return Look(actor, purpose, {"path": request.url.path, **details})


def audit_event(
    request: Request,
    principal: Principal,
    action: str,
    *,
    object_type: str | None = None,
    object_ids: list[int | str] | None = None,
    purpose: str | None = None,
    **details: Any,
) -> AuditEvent:
    """The audit entry of what `principal` did in this request: written by `audit` and
    `audit_async`, or by a route in its own transaction (`zicht.access.audited_transaction`),
    so that the act and its entry commit together."""
    return AuditEvent(
        actor=principal.actor,
        actor_kind=principal.kind,
        actor_organisation=principal.organisation,
        action=action,
        object_type=object_type,
        object_ids=object_ids or [],
        purpose=purpose,
        client=client_of(request),
        details={"path": request.url.path, **details},
    )


async def audit_async(
    request: Request,
    principal: Principal,
    action: str,
    *,
    object_type: str | None = None,
    object_ids: list[int | str] | None = None,
    purpose: str | None = None,
    **details: Any,
) -> None:
    """`audit` for routes on the event loop; returns once the entry has committed."""
    event = audit_event(
        request,
        principal,
        action,
        object_type=object_type,
        object_ids=object_ids,
        purpose=purpose,
        **details,
    )
    await log_action_async(state(request).engine, event)


async def accept_upload(
    request: Request,
    principal: Principal,
    *,
    file_name: str | None,
    content: bytes,
    record_type: str,
    mapping_text: str,
) -> IngestResult:
    """Ingest an upload of the caller's organisation, then refresh figures and audit it.

    Raises UploadError for a file that cannot be ingested (nothing stored).
    """
    from starlette.concurrency import run_in_threadpool

    from zicht.web.uploads import run_upload

    shared = state(request)
    result = await run_in_threadpool(
        run_upload,
        shared.engine,
        shared.cipher,
        organisation=principal.organisation or "",
        uploaded_by=principal.actor,
        file_name=file_name,
        content=content,
        record_type=record_type,
        mapping_text=mapping_text,
    )
    shared.cache.clear()
    await run_in_threadpool(
        audit,
        request,
        principal,
        "upload",
        object_type="ingest_batch",
        object_ids=[result.batch_id],
        rows=result.rows_read,
        quarantined=result.quarantined,
    )
    return result
