"""The reads built once for speed say what the other reads say, on SQLite and PostgreSQL.

The one read of a reservation (`request_and_places`) against `request_view` (the request
through the JSON column type) and `bed_counts` (a statement of its own); one request's
reservations against the general read of `reservations`.
"""

from __future__ import annotations

from sqlalchemy import Engine

from tests.shelter.conftest import CASEWORKER, COORDINATOR
from zicht.privacy import Cipher
from zicht.shelter import RequestInput, make_request, registration_pseudonym, reserve
from zicht.store.models import utcnow
from zicht.store.shelter_beds import bed_counts, shelter_facts
from zicht.store.shelter_queries import request_and_places, request_view, reservations


def test_the_request_and_its_places_as_the_other_reads_see_them(
    places: Engine, cipher: Cipher
) -> None:
    keys = tuple(registration_pseudonym(cipher, "police", f"P-{n}") for n in range(3))
    request_id = make_request(
        places,
        CASEWORKER,
        RequestInput(
            "women",
            3,
            "rotterdam",
            "labour",
            person_keys=keys,
            languages=("pl", "nl"),
            security=2,
            care=True,
        ),
    )
    placed = make_request(places, CASEWORKER, RequestInput("women", 1, "rotterdam", "labour"))
    assert reserve(places, COORDINATOR, placed).reserved  # one bed of a taken
    with places.connect() as connection:
        inputs = request_and_places(connection, request_id, utcnow())
        assert inputs is not None
        assert inputs.request == request_view(connection, request_id)
        assert inputs.request.person_keys == keys
        assert set(inputs.request.needs["languages"]) == {"pl", "nl"}
        assert inputs.served == set()
        assert not inputs.overdue
        women = [c for c in bed_counts(connection, kind="women") if c.total]
        assert sorted(inputs.counts, key=lambda c: c.shelter_id) == women
        assert [c.taken for c in women] == [1, 0]  # the oracle saw the bed taken too
        with_women = {c.shelter_id for c in women}
        assert inputs.facts == [f for f in shelter_facts(connection) if f.id in with_women]


def test_the_reservations_of_one_request_as_the_general_read_sees_them(
    places: Engine,
) -> None:
    # One request's reservations have a statement built once (every request page reads
    # them); its oracle is the general read, filtered here.
    group = make_request(
        places, CASEWORKER, RequestInput("crisis_labour", 3, "rotterdam", "labour")
    )
    single = make_request(places, CASEWORKER, RequestInput("women", 1, "rotterdam", "labour"))
    assert reserve(places, COORDINATOR, group).reserved
    assert reserve(places, COORDINATOR, single).reserved
    with places.connect() as connection:
        everything = reservations(connection)
        for request_id, count in ((group, 3), (single, 1)):
            mine = [r for r in everything if r.request_id == request_id]
            assert len(mine) == count
            assert reservations(connection, request_ids=[request_id]) == mine
            assert reservations(connection, request_ids={request_id}, limit=2) == mine[:2]
        assert [r.id for r in everything] == sorted((r.id for r in everything), reverse=True)
