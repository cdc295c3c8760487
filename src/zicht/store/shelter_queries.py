"""Reads of the shelter area: requests, reservations, and the rows behind its figures.

The statements of a reservation (`request_and_places`) are built once, here: a
reservation runs them under load, and building a statement per call cost more CPU than
the database took to run it. A request's status is read from its reservations (`_STATUS`),
never stored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Integer,
    String,
    Text,
    bindparam,
    case,
    cast,
    distinct,
    func,
    literal_column,
    or_,
    select,
    true,
)

from zicht.store.database import transaction_rows
from zicht.store.models import VictimRegistrationRow
from zicht.store.shelter import SERVED_STATES, ReservationRow, ShelterRequestRow, ShelterRow
from zicht.store.shelter_beds import (
    HOLD_RAN_OUT,
    BedCount,
    ShelterFacts,
    candidate_of,
    candidate_places,
)

__all__ = [
    "PlaceInputs",
    "PlacementRow",
    "RegistrationRef",
    "RequestView",
    "ReservationView",
    "latest_decision",
    "placement_rows",
    "refusal_counts",
    "registration_refs",
    "request_and_places",
    "request_view",
    "requests",
    "reservations",
]


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request as its pages and commands show it (pseudonyms, never names)."""

    id: int
    organisation: str
    requested_by: str
    bed_kind: str
    size: int
    person_keys: tuple[str | None, ...]
    needs: dict[str, Any]
    urgency: str
    region: str
    form: str
    status: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ReservationView:
    """A reservation with its shelter's code and its request's urgency."""

    id: int
    request_id: int
    person_index: int
    shelter_id: int
    shelter_code: str
    status: str
    held_until: dt.datetime
    created_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str | None
    discharged_at: dt.datetime | None
    organisation: str
    bed_kind: str
    urgency: str


@dataclass(frozen=True, slots=True)
class PlacementRow:
    """An accepted placement: when asked, when accepted, when left; region and form."""

    requested_at: dt.datetime
    accepted_at: dt.datetime
    discharged_at: dt.datetime | None
    region: str
    form: str


_REQUESTS = ShelterRequestRow.__table__


def _served(statement: Any) -> Any:
    """`statement` limited to the reservations of the outer query's request that serve a
    person (SERVED_STATES)."""
    # OR of plain comparisons: an IN list is expanded into the SQL at every execution.
    return statement.where(
        ReservationRow.request_id == ShelterRequestRow.id,
        or_(*(ReservationRow.status == state for state in SERVED_STATES)),
    )


# A request's status, read from its reservations whenever the request is read: open
# (nobody served), placed (everyone), partly. Never stored: an act that stored it from
# its own snapshot of the reservations could leave it untrue beside another act.
_SERVED_COUNT = _served(select(func.count(distinct(ReservationRow.person_index)))).scalar_subquery()
_STATUS = case(
    (ShelterRequestRow.size <= _SERVED_COUNT, "placed"),
    (_SERVED_COUNT > 0, "partly"),
    else_="open",
).label("status")
_REQUEST_READ = select(*_REQUESTS.c, _STATUS)


def _request(row: Any) -> RequestView:
    keys = tuple(row.person_keys or ())
    return RequestView(
        row.id,
        row.organisation,
        row.requested_by,
        row.bed_kind,
        row.size,
        keys,
        dict(row.needs or {}),
        row.urgency,
        row.region,
        row.form,
        row.status,
        row.created_at,
    )


class _JsonParsed:
    """A row of `_REQUEST_COLUMNS` read by name, its JSON columns parsed from their text."""

    def __init__(self, mapping: Any) -> None:
        self._mapping = mapping

    def __getattr__(self, name: str) -> Any:
        value = self._mapping[name]
        if name in _JSON_COLUMNS and value is not None:
            return json.loads(value)
        return value


def requests(
    connection: Connection,
    *,
    organisation: str | None = None,
    ids: Collection[int] | None = None,
    statuses: Collection[str] | None = None,
    limit: int = 200,
) -> list[RequestView]:
    """Requests, newest first, of one organisation / ids / statuses when given."""
    statement = _REQUEST_READ.order_by(ShelterRequestRow.id.desc()).limit(limit)
    if organisation is not None:
        statement = statement.where(ShelterRequestRow.organisation == organisation)
    if ids is not None:
        statement = statement.where(ShelterRequestRow.id.in_(list(ids)))
    if statuses is not None:
        statement = statement.where(_STATUS.element.in_(list(statuses)))
    return [_request(row) for row in connection.execute(statement)]


# Built once: every request's page reads its request.
_REQUEST_BY_ID = _REQUEST_READ.where(ShelterRequestRow.id == bindparam("request_id"))


def request_view(connection: Connection, request_id: int) -> RequestView | None:
    """One request, or None."""
    row = connection.execute(_REQUEST_BY_ID, {"request_id": request_id}).first()
    return None if row is None else _request(row)


# The request's columns, the JSON ones as their text: the statement of a reservation
# repeats the request on the row of every shelter, and its JSON would be parsed on each.
_REQUEST_COLUMNS = [
    *(
        cast(column, Text).label(column.name) if isinstance(column.type, JSON) else column
        for column in _REQUESTS.c
    ),
    _STATUS,
]
_JSON_COLUMNS = frozenset(column.name for column in _REQUESTS.c if isinstance(column.type, JSON))

# The separator written into the SQL once: given as a string, SQLAlchemy writes it in
# at every execution (a `literal_execute` value), which `transaction_rows` does not run
# on the driver. Typed as the string the function's signature names.
_COMMA: Any = literal_column("','")

# The request and, comma-joined, the person indices it has served already.
_TO_PLACE = select(
    *_REQUEST_COLUMNS,
    _served(
        select(func.aggregate_strings(cast(ReservationRow.person_index, String), _COMMA))
    ).scalar_subquery(),
).where(ShelterRequestRow.id == bindparam("request_id"))


@dataclass(frozen=True, slots=True)
class PlaceInputs:
    """What a reservation reads before it claims: the request, the person indices it has
    served already, the shelters with beds of its kind (by code) with those beds, and
    whether any hold (of any kind) ran out."""

    request: RequestView
    served: set[int]
    facts: list[ShelterFacts]
    counts: list[BedCount]
    overdue: bool


_KIND_ASKED = (
    select(ShelterRequestRow.bed_kind)
    .where(ShelterRequestRow.id == bindparam("request_id"))
    .scalar_subquery()
)
_PLACES = candidate_places(_KIND_ASKED).subquery("place")
# `_TO_PLACE` with whether a hold ran out and, one row each, the shelters with beds of
# the request's kind (one row without a shelter when there is none): the reads of a
# reservation in one round trip.
_TO_PLACE_AND_PLACES = (
    select(
        *_TO_PLACE.selected_columns,
        HOLD_RAN_OUT.label("overdue"),
        *(column.label(f"place_{column.name}") for column in _PLACES.c),
    )
    .select_from(_REQUESTS.outerjoin(_PLACES, true()))
    .where(ShelterRequestRow.id == bindparam("request_id"))
    .order_by(_PLACES.c.code)
)
_PLACE_FROM = len(_TO_PLACE.selected_columns) + 1
_REQUEST_NAMES = tuple(column.name for column in _REQUEST_COLUMNS)


def request_and_places(
    connection: Connection, request_id: int, now: dt.datetime
) -> PlaceInputs | None:
    """A request, the person indices it has served already (a reservation in
    SERVED_STATES), and `place_candidates` of its bed kind (holds run out before `now`),
    in one statement; None when there is no such request."""
    rows = transaction_rows(
        connection, _TO_PLACE_AND_PLACES, {"request_id": request_id, "now": now}
    )
    if not rows:
        return None
    first = rows[0]
    served = {int(index) for index in (first[_PLACE_FROM - 2] or "").split(",") if index}
    request = _request(_JsonParsed(dict(zip(_REQUEST_NAMES, first, strict=False))))
    facts, counts = [], []
    for row in rows:
        place = row[_PLACE_FROM:]
        if place[0] is None:  # the outer join's row without a shelter
            continue
        shelter, beds = candidate_of(place, request.bed_kind)
        facts.append(shelter)
        counts.append(beds)
    return PlaceInputs(request, served, facts, counts, bool(first[_PLACE_FROM - 1]))


# Reservations with their shelter's code and their request's organisation, kind and
# urgency, built once; `reservations` adds its filters.
_RESERVATIONS = (
    select(
        ReservationRow.id,
        ReservationRow.request_id,
        ReservationRow.person_index,
        ReservationRow.shelter_id,
        ShelterRow.code.label("shelter_code"),
        ReservationRow.status,
        ReservationRow.held_until,
        ReservationRow.created_at,
        ReservationRow.decided_at,
        ReservationRow.reason,
        ReservationRow.discharged_at,
        ShelterRequestRow.organisation,
        ShelterRequestRow.bed_kind,
        ShelterRequestRow.urgency,
    )
    .join(ShelterRow, ShelterRow.id == ReservationRow.shelter_id)
    .join(ShelterRequestRow, ShelterRequestRow.id == ReservationRow.request_id)
    .order_by(ReservationRow.id.desc())
)
# The reservations of one request, the read of every request's page (after each
# reservation made there): a statement built per call cost more CPU than the query.
_RESERVATIONS_OF_REQUEST = _RESERVATIONS.where(
    ReservationRow.request_id == bindparam("request_id")
).limit(bindparam("most", type_=Integer))


def reservations(
    connection: Connection,
    *,
    shelter_ids: Collection[int] | None = None,
    request_ids: Collection[int] | None = None,
    statuses: Collection[str] | None = None,
    limit: int = 500,
) -> list[ReservationView]:
    """Reservations, newest first, filtered by shelters, requests and statuses."""
    if (
        shelter_ids is None
        and statuses is None
        and request_ids is not None
        and len(request_ids) == 1
    ):
        (request_id,) = request_ids
        rows = connection.execute(
            _RESERVATIONS_OF_REQUEST, {"request_id": request_id, "most": limit}
        )
        return [ReservationView(**row._asdict()) for row in rows]
    statement = _RESERVATIONS.limit(limit)
    if shelter_ids is not None:
        statement = statement.where(ReservationRow.shelter_id.in_(list(shelter_ids)))
    if request_ids is not None:
        statement = statement.where(ReservationRow.request_id.in_(list(request_ids)))
    if statuses is not None:
        statement = statement.where(ReservationRow.status.in_(list(statuses)))
    return [ReservationView(**row._asdict()) for row in connection.execute(statement)]


def placement_rows(connection: Connection) -> list[PlacementRow]:
    """Every placement that was accepted (including those discharged since)."""
    statement = (
        select(
            ShelterRequestRow.created_at,
            ReservationRow.decided_at,
            ReservationRow.discharged_at,
            ShelterRequestRow.region,
            ShelterRequestRow.form,
        )
        .join(ShelterRequestRow, ShelterRequestRow.id == ReservationRow.request_id)
        .where(
            ReservationRow.status.in_(("accepted", "discharged")),
            ReservationRow.decided_at.is_not(None),
        )
    )
    return [
        PlacementRow(asked, accepted, left, region, form)
        for asked, accepted, left, region, form in connection.execute(statement)
        if accepted is not None
    ]


def refusal_counts(
    connection: Connection, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> dict[str, int]:
    """How many reservations shelters refused, per reason (decided in [start, end))."""
    statement = select(ReservationRow.reason, func.count(ReservationRow.id)).where(
        ReservationRow.status == "refused"
    )
    if start is not None:
        statement = statement.where(ReservationRow.decided_at >= start)
    if end is not None:
        statement = statement.where(ReservationRow.decided_at < end)
    statement = statement.group_by(ReservationRow.reason)
    return {str(reason): int(n) for reason, n in connection.execute(statement)}


def latest_decision(connection: Connection) -> dt.datetime | None:
    """When a shelter last accepted or refused a reservation (None: never)."""
    statement = select(func.max(ReservationRow.decided_at)).where(
        ReservationRow.decided_at.is_not(None)
    )
    latest = connection.execute(statement).scalar_one_or_none()
    return latest if isinstance(latest, dt.datetime) else None


@dataclass(frozen=True)
class RegistrationRef:
    """What a request needs of a victim registration: its key, forms, gender and minority."""

    source: str
    source_record_id: str
    forms: str
    gender: str
    minor: bool | None


def registration_refs(connection: Connection, limit: int) -> list[RegistrationRef]:
    """Up to `limit` victim registrations, newest first (no identity is read)."""
    row = VictimRegistrationRow
    statement = (
        select(row.source, row.source_record_id, row.forms, row.gender, row.minor)
        .order_by(row.registration_date.desc(), row.id.desc())
        .limit(limit)
    )
    return [RegistrationRef(*values) for values in connection.execute(statement)]
