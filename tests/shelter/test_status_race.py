"""A request's status stays true when two acts on its reservations overlap (PostgreSQL).

A shelter refuses the two people of one request at the same moment: each refusal
changes its own reservation, and neither has committed when the other starts. Whatever
the order of their commits, the request is "open" afterwards (nobody placed). A status
stored by each act from its own snapshot of the reservations would keep "partly" for
ever: a person shown placed who is not, whom nobody then looks for a bed for.

Only PostgreSQL runs two such acts side by side; SQLite's single writer runs them one
after the other (the same scenario there is the plain path of test_reserve).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.shelter.conftest import COORDINATOR, STAFF_A, add_places
from zicht.privacy import Cipher
from zicht.shelter import (
    RequestInput,
    _reserve,
    find_request,
    list_reservations,
    make_request,
    refuse,
    reserve,
)
from zicht.store import make_engine, upgrade

pytestmark = pytest.mark.postgres

WAIT = 10.0  # seconds: far beyond what any step here takes


@pytest.fixture
def postgres_places(postgres_schema_url: str, cipher: Cipher) -> Iterator[Engine]:
    engine = make_engine(postgres_schema_url, pool_size=4, max_overflow=2)
    upgrade(engine)
    add_places(engine, cipher)
    try:
        yield engine
    finally:
        engine.dispose()


def _two_people_placed(engine: Engine) -> tuple[int, int, int]:
    """A request for two women, both placed in shelter a: the request and the
    reservations of person 0 and person 1."""
    request_id = make_request(engine, COORDINATOR, RequestInput("women", 2, "rotterdam", "labour"))
    outcome = reserve(engine, COORDINATOR, request_id)
    by_person = {p.person_index: p.reservation_id for p in outcome.placed}
    assert sorted(by_person) == [0, 1]
    assert find_request(engine, COORDINATOR, request_id).status == "placed"
    return request_id, by_person[0], by_person[1]


def _paused_before_commit(
    monkeypatch: pytest.MonkeyPatch, first: Callable[[], Any]
) -> tuple[threading.Thread, threading.Event, threading.Event, list[BaseException]]:
    """`first` run in a thread that stops just before its commit (after all its writes and
    its audit entry's place): the thread, "reached", "go on", and its errors."""
    reached, go_on = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    real_audit = _reserve.audit

    def audit_then_wait(*args: Any, **kwargs: Any) -> None:
        real_audit(*args, **kwargs)
        if threading.current_thread().name == "first":
            reached.set()
            assert go_on.wait(WAIT)

    monkeypatch.setattr(_reserve, "audit", audit_then_wait)

    def run() -> None:
        try:
            first()
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    return threading.Thread(target=run, name="first"), reached, go_on, errors


def _overlapping(
    monkeypatch: pytest.MonkeyPatch, first: Callable[[], Any], second: Callable[[], Any]
) -> None:
    """`first` holds its transaction open after its writes; `second` runs meanwhile (and
    may wait for `first`'s row locks); then `first` commits, and both end."""
    thread, reached, go_on, errors = _paused_before_commit(monkeypatch, first)
    thread.start()
    assert reached.wait(WAIT)
    other = threading.Thread(target=lambda: errors.extend(_errors_of(second)), name="second")
    other.start()
    other.join(1.0)  # done, or waiting for the first's locks
    go_on.set()
    thread.join(WAIT)
    other.join(WAIT)
    assert not thread.is_alive() and not other.is_alive()
    assert errors == []


def _errors_of(act: Callable[[], Any]) -> list[BaseException]:
    try:
        act()
    except BaseException as exc:
        return [exc]
    return []


def test_two_refusals_at_once_leave_the_request_open(
    postgres_places: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = postgres_places
    request_id, first, second = _two_people_placed(engine)
    _overlapping(
        monkeypatch,
        lambda: refuse(engine, STAFF_A, first, "no_capacity"),
        lambda: refuse(engine, STAFF_A, second, "no_capacity"),
    )
    statuses = {r.id: r.status for r in list_reservations(engine, COORDINATOR)}
    assert statuses == {first: "refused", second: "refused"}
    assert find_request(engine, COORDINATOR, request_id).status == "open"


def test_a_reservation_beside_a_refusal_sees_the_refusal(
    postgres_places: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = postgres_places
    request_id, first, second = _two_people_placed(engine)
    # The refusal of person 0 is open while a coordinator reserves the request again:
    # the reservation finds nobody to place (person 0 is still held in what it reads)
    # and must not leave the request "placed" once the refusal commits.
    _overlapping(
        monkeypatch,
        lambda: refuse(engine, STAFF_A, first, "no_capacity"),
        lambda: reserve(engine, COORDINATOR, request_id, partial=True),
    )
    statuses = {r.id: r.status for r in list_reservations(engine, COORDINATOR)}
    assert statuses == {first: "refused", second: "held"}
    assert find_request(engine, COORDINATOR, request_id).status == "partly"
