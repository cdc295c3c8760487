"""The whole path on SQLite and PostgreSQL: request, match, reserve, accept, discharge."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text

from tests.shelter.conftest import (
    ANALYST,
    CASEWORKER,
    COORDINATOR,
    OTHER_CASEWORKER,
    STAFF_A,
    STAFF_B,
)
from zicht.access import search
from zicht.privacy import Cipher
from zicht.shelter import (
    RequestInput,
    ShelterDenied,
    ShelterError,
    ShelterNotFound,
    accept,
    availability,
    discharge,
    expire_holds,
    find_request,
    list_requests,
    list_reservations,
    make_request,
    match_request,
    refuse,
    registration_pseudonym,
    reserve,
    reveal_address,
    set_availability,
)


def _free(engine: Engine, code: str, kind: str) -> int:
    places = {p.shelter.code: p for p in availability(engine, COORDINATOR)}
    return sum(b.free for b in places[code].beds if b.kind == kind)


def test_whole_path(places: Engine, cipher: Cipher) -> None:
    key = registration_pseudonym(cipher, "police", "P-1")
    request_id = make_request(
        places,
        CASEWORKER,
        RequestInput("women", 1, "limburg", "sexual_domestic", person_keys=(key,)),
    )
    ranked = match_request(places, COORDINATOR, request_id)
    assert [c.shelter.code for c in ranked] == ["b", "a"]  # b is in the region asked
    assert "region" in {reason.code for reason in ranked[0].reasons}
    found = find_request(places, COORDINATOR, request_id)  # as the request's page passes it
    assert match_request(places, COORDINATOR, found) == ranked
    with pytest.raises(ShelterDenied):
        match_request(places, CASEWORKER, found)  # coordinators match
    outcome = reserve(places, COORDINATOR, request_id)
    assert outcome.reserved and not outcome.unplaced
    (placement,) = outcome.placed
    assert placement.shelter_code == "b" and placement.person_key == key
    assert _free(places, "b", "women") == 1
    with pytest.raises(ShelterDenied):
        accept(places, STAFF_A, placement.reservation_id)  # not staff-a's shelter
    accept(places, STAFF_B, placement.reservation_id)
    assert list_requests(places, CASEWORKER)[0].status == "placed"
    assert list_requests(places, OTHER_CASEWORKER) == []
    discharge(places, STAFF_B, placement.reservation_id)
    assert _free(places, "b", "women") == 2
    with pytest.raises(ShelterError):
        discharge(places, STAFF_B, placement.reservation_id)  # already left
    actions = [e.action for e in search(places, limit=100)[0]]
    for step in ("shelter_requested", "shelter_reserved", "shelter_accepted", "shelter_discharged"):
        assert step in actions


def test_refusal_frees_the_bed_and_reopens_the_request(places: Engine) -> None:
    request_id = make_request(places, CASEWORKER, RequestInput("women", 1, "rotterdam", "labour"))
    (placement,) = reserve(places, COORDINATOR, request_id).placed
    assert placement.shelter_code == "a"
    with pytest.raises(ShelterError):
        refuse(places, STAFF_A, placement.reservation_id, "no such reason")
    refuse(places, STAFF_A, placement.reservation_id, "security")
    assert _free(places, "a", "women") == 3
    assert list_requests(places, COORDINATOR)[0].status == "open"


def test_a_group_that_does_not_fit_reserves_nothing_and_says_who(places: Engine) -> None:
    keys = tuple(f"{n:064x}" for n in range(6))
    request_id = make_request(
        places,
        CASEWORKER,
        RequestInput("crisis_labour", 6, "rotterdam", "labour", person_keys=keys),
    )
    outcome = reserve(places, COORDINATOR, request_id)
    assert not outcome.reserved
    assert len(outcome.placed) == 5  # 4 in a, 1 in c could have been placed
    assert [u.person_index for u in outcome.unplaced] == [5]
    assert outcome.unplaced[0].person_key == keys[5]
    assert _free(places, "a", "crisis_labour") == 4 and _free(places, "c", "crisis_labour") == 1
    partial = reserve(places, COORDINATOR, request_id, partial=True)
    assert partial.reserved and len(partial.placed) == 5
    assert {p.shelter_code for p in partial.placed} == {"a", "c"}
    assert list_requests(places, COORDINATOR)[0].status == "partly"


def test_a_hold_runs_out(places: Engine) -> None:
    request_id = make_request(places, CASEWORKER, RequestInput("women", 1, "limburg", "labour"))
    start = dt.datetime(2026, 1, 1, 12)
    (placement,) = reserve(places, COORDINATOR, request_id, now=start).placed
    late = placement.held_until + dt.timedelta(minutes=1)
    with pytest.raises(ShelterError):
        accept(places, STAFF_B, placement.reservation_id, now=late)
    assert _free(places, "b", "women") == 2
    assert expire_holds(places, late) == []
    assert [r.status for r in list_reservations(places, COORDINATOR)] == ["expired"]


def test_needs_leave_shelters_out(places: Engine) -> None:
    wheelchair = make_request(
        places, CASEWORKER, RequestInput("women", 1, "rotterdam", "labour", wheelchair=True)
    )
    assert [c.shelter.code for c in match_request(places, COORDINATOR, wheelchair)] == ["b"]
    secure = make_request(
        places, CASEWORKER, RequestInput("crisis_labour", 1, "rotterdam", "labour", security=2)
    )
    assert match_request(places, COORDINATOR, secure) == []
    outcome = reserve(places, COORDINATOR, secure)
    assert not outcome.reserved and len(outcome.unplaced) == 1


def test_addresses_only_for_coordinators_and_own_staff(places: Engine, cipher: Cipher) -> None:
    purpose = "arranging the transport tonight"
    assert reveal_address(places, cipher, COORDINATOR, "a", purpose) == "Street 1"
    assert reveal_address(places, cipher, STAFF_A, "a", purpose) == "Street 1"
    for principal in (STAFF_B, CASEWORKER, ANALYST):
        with pytest.raises(ShelterDenied):
            reveal_address(places, cipher, principal, "a", purpose)
    looks = search(places, action="shelter_address_viewed")[0]
    assert len(looks) == 2 and all(e.purpose == purpose for e in looks)
    with places.connect() as connection:
        stored = connection.execute(text("SELECT address FROM shelter")).scalars().all()
    assert all(b"Street" not in bytes(token) for token in stored)


def test_requests_are_checked_and_scoped(places: Engine) -> None:
    for bad in (
        RequestInput("beds", 1, "rotterdam", "labour"),
        RequestInput("women", 0, "rotterdam", "labour"),
        RequestInput("women", 1, "atlantis", "labour"),
        RequestInput("women", 1, "rotterdam", "labour", person_keys=("Jan Jansen",)),
    ):
        with pytest.raises(ShelterError) as caught:
            make_request(places, CASEWORKER, bad)
        assert "Jansen" not in str(caught.value)
    with pytest.raises(ShelterDenied):
        make_request(places, ANALYST, RequestInput("women", 1, "rotterdam", "labour"))
    request_id = make_request(places, CASEWORKER, RequestInput("women", 1, "rotterdam", "labour"))
    with pytest.raises(ShelterDenied):
        reserve(places, CASEWORKER, request_id)  # coordinators reserve
    with pytest.raises(ShelterDenied):
        match_request(places, STAFF_A, request_id)


def test_a_reservation_whose_audit_entry_fails_is_not_kept(places: Engine) -> None:
    from unittest import mock

    request_id = make_request(places, CASEWORKER, RequestInput("women", 1, "rotterdam", "labour"))
    before = _free(places, "a", "women")

    def failing(connection: object, builds: object) -> None:
        raise RuntimeError("audit trail unavailable")

    with (  # the chain on SQLite, the waiting entries on PostgreSQL
        mock.patch("zicht.access._audit_transaction.append_in", failing),
        mock.patch("zicht.access._audit_transaction.add_pending", failing),
        pytest.raises(RuntimeError, match="audit trail unavailable"),
    ):
        reserve(places, COORDINATOR, request_id)
    assert _free(places, "a", "women") == before  # no bed held
    assert list_reservations(places, COORDINATOR) == []
    assert list_requests(places, CASEWORKER)[0].status == "open"
    assert search(places, action="shelter_reserved")[1] == 0
    (placement,) = reserve(places, COORDINATOR, request_id).placed  # works once it can log
    assert search(places, action="shelter_reserved")[1] == 1
    assert placement.shelter_code == "a"


def test_a_kind_no_shelter_has_places_nobody_and_a_second_try_only_the_rest(
    places: Engine,
) -> None:
    keys = (f"{7:064x}", f"{8:064x}")
    minors = make_request(
        places, CASEWORKER, RequestInput("minors", 2, "rotterdam", "labour", person_keys=keys)
    )
    outcome = reserve(places, COORDINATOR, minors)  # no shelter has beds of this kind
    assert not outcome.reserved and outcome.placed == ()
    assert [(u.person_index, u.person_key) for u in outcome.unplaced] == [
        (0, keys[0]),
        (1, keys[1]),
    ]
    with pytest.raises(ShelterNotFound):
        reserve(places, COORDINATOR, minors + 1000)
    group = make_request(places, CASEWORKER, RequestInput("women", 6, "limburg", "labour"))
    first = reserve(places, COORDINATOR, group, partial=True)  # a: 3 beds, b: 2
    assert sorted(p.person_index for p in first.placed) == [0, 1, 2, 3, 4]
    set_availability(places, COORDINATOR, "b", "women", 3, 3)  # one more bed in b
    second = reserve(places, COORDINATOR, group)
    assert second.reserved and second.already == 5
    assert [(p.person_index, p.shelter_code) for p in second.placed] == [(5, "b")]
    assert list_requests(places, COORDINATOR)[0].status == "placed"
