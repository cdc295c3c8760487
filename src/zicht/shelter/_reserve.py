"""Reservations: beds held for the people of a request, then accepted, refused, left.

A reservation holds a bed (`HOLD_MINUTES` by urgency) until the shelter accepts or
refuses it. A group request is reserved in one transaction: every person gets a bed, or
(unless a partial placement is asked for) nothing is reserved and the outcome says
exactly who could not be placed. A bed is given by the conditional UPDATE of
`hold_bed` (`claim_bed`'s), so no bed is ever given twice, whatever the concurrency.

A reservation reads what it needs in one statement (`request_and_places`: the request
with the people it served, the shelters with beds of the kind and their counts, and
whether any hold ran out). Holds that ran out are released in its transaction, before
any bed is claimed, whenever there is one: a hold past its time never blocks a bed, and
costs nothing while there is none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from zicht.access import AuditedTransaction, AuditEvent, Principal, audited_transaction
from zicht.i18n import N_
from zicht.shelter._errors import ShelterError, ShelterNotFound
from zicht.shelter._matching import Candidate, rank_places
from zicht.shelter._requests import need_of
from zicht.shelter._scope import audit, require, require_shelter
from zicht.shelter._vocabulary import HOLD_MINUTES, REFUSAL_REASONS
from zicht.store.models import utcnow
from zicht.store.shelter_beds import (
    ReservationState,
    hold_bed,
    overdue_holds,
    release_bed,
    reservation_state,
    set_reservation_status,
)
from zicht.store.shelter_queries import (
    PlaceInputs,
    RequestView,
    request_and_places,
)

__all__ = [
    "Placement",
    "ReservationOutcome",
    "Unplaced",
    "accept",
    "discharge",
    "expire_holds",
    "refuse",
    "reserve",
]


@dataclass(frozen=True, slots=True)
class Placement:
    """A bed held for one person of a request."""

    person_index: int
    person_key: str | None
    shelter_code: str
    reservation_id: int
    held_until: dt.datetime


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A person of a request for whom no suitable bed was free."""

    person_index: int
    person_key: str | None


@dataclass(frozen=True)
class ReservationOutcome:
    """What a reservation attempt did: who got a bed, who did not, whether it was kept.

    `reserved` is False when nothing was stored: a group that did not fit whole (then
    `placed` lists who could have been placed, `unplaced` who not).
    """

    request_id: int
    reserved: bool
    placed: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    already: int = 0


class _Undo(Exception):
    """Roll the group's transaction back; carries what would have happened."""

    def __init__(self, outcome: ReservationOutcome) -> None:
        super().__init__("group does not fit whole")
        self.outcome = outcome


def _release_overdue(connection: Connection, now: dt.datetime) -> list[int]:
    """Expire every overdue hold and free its bed; the expired ids."""
    expired = []
    for reservation_id, bed_id in overdue_holds(connection, now):
        if set_reservation_status(
            connection,
            reservation_id,
            expected="held",
            status="expired",
            changes={"decided_at": now},
        ):
            release_bed(connection, bed_id)
            expired.append(reservation_id)
    return expired


def _ranked(inputs: PlaceInputs, shelters: Sequence[str] | None) -> list[Candidate]:
    """The shelters to try, in order: the ranking, or the coordinator's choice."""
    candidates = rank_places(need_of(inputs.request), inputs.facts, inputs.counts)
    if shelters is not None:
        by_code = {c.shelter.code: c for c in candidates}
        candidates = [by_code[code] for code in shelters if code in by_code]
    return candidates


def _place(
    connection: Connection,
    request: RequestView,
    served: set[int],
    candidates: list[Candidate],
    now: dt.datetime,
) -> ReservationOutcome:
    waiting = [i for i in range(request.size) if i not in served]
    kind = request.bed_kind
    held_until = now + dt.timedelta(minutes=HOLD_MINUTES[request.urgency])
    keys = list(request.person_keys)
    placed: list[Placement] = []
    unplaced: list[Unplaced] = []
    open_shelters = list(candidates)
    for index in waiting:
        key = keys[index] if index < len(keys) else None
        held = None
        while open_shelters and held is None:
            shelter = open_shelters[0].shelter
            held = hold_bed(connection, shelter.id, kind, request.id, index, held_until, now)
            if held is None:
                open_shelters.pop(0)  # full now: the next one in rank order
        if held is None:
            unplaced.append(Unplaced(index, key))
            continue
        placed.append(Placement(index, key, shelter.code, held[0], held_until))
    return ReservationOutcome(request.id, True, tuple(placed), tuple(unplaced), already=len(served))


def hold_ran_out(status: str, held_until: dt.datetime, now: dt.datetime) -> bool:
    """Whether a reservation is a hold whose time ran out before `now` (its bed is
    released by the next act on the shelter's beds, or by `expire_holds`)."""
    return status == "held" and held_until < now


def reserve(
    engine: Engine,
    principal: Principal,
    request_id: int,
    *,
    shelters: Sequence[str] | None = None,
    partial: bool = False,
    now: dt.datetime | None = None,
) -> ReservationOutcome:
    """Hold a bed for every person of a request not placed yet, in one transaction.

    Args:
        shelters: shelter codes to use, in this order (default: the ranking of matching).
        partial: keep the beds found when not everyone fits (default: all or nothing).
    """
    require(principal, "coordinate_shelter")
    now = now or utcnow()
    try:
        with audited_transaction(engine) as transaction:
            connection = transaction.connection
            inputs = request_and_places(connection, request_id, now)
            if inputs is None:
                raise ShelterNotFound(N_("no request %(id)s"), id=request_id)
            expired = []
            if inputs.overdue:  # released before anything is claimed, then read again
                expired = _release_overdue(connection, now)
                inputs = request_and_places(connection, request_id, now)
                assert inputs is not None  # the request was read in this transaction
            request, served = inputs.request, inputs.served
            candidates = _ranked(inputs, shelters)
            outcome = _place(connection, request, served, candidates, now)
            if outcome.unplaced and not partial:
                raise _Undo(
                    ReservationOutcome(
                        request_id, False, outcome.placed, outcome.unplaced, outcome.already
                    )
                )
            _log_expired(transaction, expired)
            audit(
                transaction,
                principal,
                "shelter_reserved",
                "shelter_reservation",
                [p.reservation_id for p in outcome.placed],
                request=request_id,
                placed=len(outcome.placed),
                unplaced=len(outcome.unplaced),
            )
    except _Undo as undo:
        audit(
            engine,
            principal,
            "shelter_reservation_failed",
            "shelter_request",
            [request_id],
            could_place=len(undo.outcome.placed),
            unplaced=len(undo.outcome.unplaced),
        )
        return undo.outcome
    except IntegrityError:
        raise ShelterError(
            N_("request %(id)s is being reserved at this moment; try again"), id=request_id
        ) from None
    return outcome


def _log_expired(transaction: AuditedTransaction, expired: list[int]) -> None:
    if expired:
        transaction.log(
            AuditEvent(
                actor="system:shelter",
                actor_kind="system",
                action="shelter_hold_expired",
                object_type="shelter_reservation",
                object_ids=list(expired),
            )
        )


def expire_holds(engine: Engine, now: dt.datetime | None = None) -> list[int]:
    """Give back every bed whose hold ran out; the expired reservations' ids (audited)."""
    with audited_transaction(engine) as transaction:
        expired = _release_overdue(transaction.connection, now or utcnow())
        _log_expired(transaction, expired)
    return expired


def _decision(
    engine: Engine,
    principal: Principal,
    reservation_id: int,
    *,
    expected: str,
    status: str,
    reason: str | None,
    now: dt.datetime,
) -> ReservationState:
    ran_out, expired = False, []
    with audited_transaction(engine) as transaction:
        connection = transaction.connection
        state = reservation_state(connection, reservation_id)
        if state is None:
            raise ShelterNotFound(N_("no reservation %(id)s"), id=reservation_id)
        require_shelter(connection, principal, "manage_shelter", state.shelter_id)
        if hold_ran_out(state.status, state.held_until, now):
            ran_out = True
            expired = _release_overdue(connection, now)
        else:
            stamp = {"discharged_at": now} if status == "discharged" else {"decided_at": now}
            if not set_reservation_status(
                connection,
                reservation_id,
                expected=expected,
                status=status,
                changes={**stamp, "reason": reason} if reason else stamp,
            ):
                raise ShelterError(
                    N_("reservation %(id)s is %(status)s, not %(expected)s"),
                    id=reservation_id,
                    status=state.status,
                    expected=expected,
                )
            if status in ("refused", "discharged"):
                release_bed(connection, state.bed_id)
        if ran_out:
            _log_expired(transaction, expired)
        else:
            details: dict[str, object] = {"request": state.request_id}
            if reason:
                details["reason"] = reason
            audit(
                transaction,
                principal,
                f"shelter_{status}",
                "shelter_reservation",
                [reservation_id],
                **details,
            )
    if ran_out:
        raise ShelterError(N_("the hold of reservation %(id)s ran out"), id=reservation_id)
    return state


def accept(
    engine: Engine, principal: Principal, reservation_id: int, now: dt.datetime | None = None
) -> ReservationState:
    """The shelter takes the person in (its own staff or a coordinator)."""
    return _decision(
        engine,
        principal,
        reservation_id,
        expected="held",
        status="accepted",
        reason=None,
        now=now or utcnow(),
    )


def refuse(
    engine: Engine,
    principal: Principal,
    reservation_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> ReservationState:
    """The shelter refuses, with a reason of `REFUSAL_REASONS`; the bed is free again."""
    if reason not in REFUSAL_REASONS:
        raise ShelterError(N_("field %(field)s: %(rule)s"), field="reason", rule="not a known code")
    return _decision(
        engine,
        principal,
        reservation_id,
        expected="held",
        status="refused",
        reason=reason,
        now=now or utcnow(),
    )


def discharge(
    engine: Engine, principal: Principal, reservation_id: int, now: dt.datetime | None = None
) -> ReservationState:
    """The person left the shelter; the bed is free again."""
    return _decision(
        engine,
        principal,
        reservation_id,
        expected="accepted",
        status="discharged",
        reason=None,
        now=now or utcnow(),
    )
