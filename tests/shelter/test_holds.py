"""A hold past its time never blocks a bed; a reservation reads little while none has.

On SQLite and PostgreSQL. Shelter b (Limburg) has 2 women beds, a (Rotterdam) 3: when b's
holds run out, the next request for Limburg gets a bed in b again, not one in a.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, event, text

from tests.shelter.conftest import CASEWORKER, COORDINATOR
from zicht.access import search
from zicht.shelter import RequestInput, list_requests, make_request, reserve

START = dt.datetime(2026, 1, 1, 12)


def _limburg(engine: Engine, kind: str = "women") -> int:
    return make_request(engine, CASEWORKER, RequestInput(kind, 1, "limburg", "labour"))


def _statuses(engine: Engine) -> dict[int, str]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status FROM shelter_reservation"))
        return {int(i): str(s) for i, s in rows}


def test_a_hold_past_its_time_never_blocks_a_bed(places: Engine) -> None:
    first = [reserve(places, COORDINATOR, _limburg(places), now=START) for _ in range(2)]
    assert [o.placed[0].shelter_code for o in first] == ["b", "b"]  # b is full now
    held_until = first[0].placed[0].held_until
    still = reserve(places, COORDINATOR, _limburg(places), now=held_until)
    assert still.placed[0].shelter_code == "a"  # b's holds have not run out yet
    late = held_until + dt.timedelta(seconds=1)
    outcome = reserve(places, COORDINATOR, _limburg(places), now=late)
    assert outcome.reserved and outcome.placed[0].shelter_code == "b"  # not "a"
    statuses = _statuses(places)
    assert [statuses[o.placed[0].reservation_id] for o in first] == ["expired", "expired"]
    assert statuses[outcome.placed[0].reservation_id] == "held"
    expired = search(places, action="shelter_hold_expired")[0]
    assert sorted(int(i) for i in expired[0].ids) == [o.placed[0].reservation_id for o in first]
    by_id = {r.id: r.status for r in list_requests(places, COORDINATOR)}
    assert [by_id[o.request_id] for o in first] == ["open", "open"]
    assert by_id[outcome.request_id] == "placed"


def test_a_request_whose_own_hold_ran_out_is_placed_again(places: Engine) -> None:
    request_id = _limburg(places)
    (held,) = reserve(places, COORDINATOR, request_id, now=START).placed
    late = held.held_until + dt.timedelta(minutes=1)
    again = reserve(places, COORDINATOR, request_id, now=late)
    assert again.reserved and again.already == 0  # the run-out hold serves nobody
    assert [p.person_index for p in again.placed] == [0]
    assert _statuses(places)[held.reservation_id] == "expired"
    status = {r.id: r.status for r in list_requests(places, COORDINATOR)}[request_id]
    assert status != "open"


def test_a_hold_of_another_kind_is_released_as_well(places: Engine) -> None:
    (held,) = reserve(places, COORDINATOR, _limburg(places), now=START).placed
    late = held.held_until + dt.timedelta(minutes=1)
    crisis = reserve(places, COORDINATOR, _limburg(places, "crisis_labour"), now=late)
    assert crisis.reserved
    assert _statuses(places)[held.reservation_id] == "expired"


def test_a_reservation_without_overdue_holds_runs_six_statements_at_most(places: Engine) -> None:
    reserve(places, COORDINATOR, _limburg(places), now=START)  # warm: audit head, caches
    request_id = _limburg(places)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(places, "before_cursor_execute", count)
    try:
        outcome = reserve(places, COORDINATOR, request_id, now=START)
    finally:
        event.remove(places, "before_cursor_execute", count)
    assert outcome.reserved
    # read the request with the shelters; claim and insert (one statement on PostgreSQL);
    # audit head, audit entry; plus BEGIN IMMEDIATE (SQLite) or the chain's try-lock
    # (PostgreSQL). Was 13, then 8, then 7 (the request's status is no longer stored).
    assert len(statements) <= (6 if places.dialect.name == "sqlite" else 5), statements
    assert not any(
        "shelter_reservation.held_until <" in s and "SELECT shelter_reservation.id" in s
        for s in statements
    )
