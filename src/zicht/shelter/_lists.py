"""Reservations as each role may see them: all, their shelters', their requests'."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Engine

from zicht.access import Principal, authorize, scope_of
from zicht.i18n import N_
from zicht.shelter._errors import ShelterDenied
from zicht.store.shelter_beds import member_shelters
from zicht.store.shelter_queries import ReservationView, reservations

__all__ = ["list_reservations"]


def list_reservations(
    engine: Engine,
    principal: Principal,
    *,
    request_id: int | None = None,
    statuses: Collection[str] | None = None,
    own_shelters: bool = False,
) -> list[ReservationView]:
    """Reservations, newest first: every one for coordinators, their own shelters' for
    shelter staff (or with `own_shelters`), their own requests' for caseworkers."""
    requests = [request_id] if request_id is not None else None
    with engine.connect() as connection:
        if authorize(principal, "coordinate_shelter") and not own_shelters:
            return reservations(connection, request_ids=requests, statuses=statuses)
        if scope_of(principal, "manage_shelter") is not None:
            mine = member_shelters(connection, principal.actor)
            return reservations(
                connection, shelter_ids=mine, request_ids=requests, statuses=statuses
            )
        if authorize(principal, "request_shelter"):
            found = reservations(connection, request_ids=requests, statuses=statuses)
            return [r for r in found if authorize(principal, "request_shelter", r.organisation)]
    raise ShelterDenied(N_("not permitted: %(action)s"), action="request_shelter")
