"""The one read of a reservation (`request_and_places`) says what the other reads say.

Its oracle: `request_view` (the request through the JSON column type) and `bed_counts`
(the beds per shelter and kind, a statement of its own), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import Engine

from tests.shelter.conftest import CASEWORKER, COORDINATOR
from zicht.privacy import Cipher
from zicht.shelter import RequestInput, make_request, registration_pseudonym, reserve
from zicht.store.models import utcnow
from zicht.store.shelter_beds import bed_counts, shelter_facts
from zicht.store.shelter_queries import request_and_places, request_view


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
