"""A delivery of a file (a platform's ads, a municipality's licences) and its audit entry
in one transaction (`zicht.access.audited_transaction`): both commit, or neither does.

Shared by the token routes (`POST /api/ads`, `POST /api/licences`) and the licence
import page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from zicht.access import Principal, audited_transaction
from zicht.web.deps import audit_event, state

__all__ = ["deliver_audited"]


class _Delivered(Protocol):
    @property
    def batch_id(self) -> int: ...


D = TypeVar("D", bound=_Delivered)


async def deliver_audited(
    request: Request, principal: Principal, action: str, deliver: Callable[[Connection], D]
) -> D:
    """Run `deliver` (which writes through the connection it is given) in a thread, in
    one transaction with the entry `action` on its ingest batch.

    Raises what `deliver` or the audit write raises (nothing stored).
    """
    engine = state(request).engine

    def run() -> D:
        with audited_transaction(engine) as transaction:
            result = deliver(transaction.connection)
            transaction.log(
                audit_event(
                    request, principal, action, object_type="ingest_batch",
                    object_ids=[result.batch_id],
                )
            )  # fmt: skip
        return result

    return await run_in_threadpool(run)
