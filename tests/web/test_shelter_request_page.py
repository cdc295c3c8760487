"""The request's page offers places to reserve while someone of the request has no bed."""

from __future__ import annotations

import datetime as dt
import re

from tests.shelter.conftest import CASEWORKER, COORDINATOR, add_places
from tests.web.conftest import WebWorld
from zicht.shelter import RequestInput, make_request, reserve
from zicht.store.models import utcnow


def _page(world: WebWorld, request_id: int, *, reserve: bool = False, partial: bool = False) -> str:
    client = world.client("coordinator")
    if not reserve:
        response = client.get(f"/shelter/requests/{request_id}?lang=en")
    else:
        form = {"csrf_token": world.csrf(client)} | ({"partial": "yes"} if partial else {})
        response = client.post(f"/shelter/requests/{request_id}/reserve?lang=en", data=form)
    assert response.status_code == 200
    return response.text


def _status(page: str) -> str:
    found = re.search(r'id="request-status">([^<]*)<', page)
    assert found
    return found.group(1)


def test_places_are_offered_until_everyone_has_a_bed(world: WebWorld) -> None:
    add_places(world.engine, world.cipher)  # 5 women's beds in all
    one = make_request(world.engine, CASEWORKER, RequestInput("women", 1, "rotterdam", "labour"))
    six = make_request(world.engine, CASEWORKER, RequestInput("women", 6, "rotterdam", "labour"))

    page = _page(world, one)
    assert _status(page) == "open"
    assert 'id="reserve-form"' in page and "Shelter A (a)" in page
    assert 'id="everyone-placed"' not in page

    page = _page(world, one, reserve=True)
    assert _status(page) == "placed"
    assert 'id="reserve-form"' not in page and 'id="candidates"' not in page
    assert "Everyone in this request has been given a place." in page

    page = _page(world, six, reserve=True, partial=True)  # 4 beds left for 6 people
    assert _status(page) == "partly placed"
    assert 'id="reserve-form"' in page  # two people still need a place
    assert "No shelter has a suitable free bed." in page
    assert 'id="everyone-placed"' not in page


def test_a_hold_that_ran_out_is_offered_again(world: WebWorld) -> None:
    """A held bed counts until the hold is released: a request whose hold ran out reads
    placed, yet the coordinator must be able to reserve again (which releases it)."""
    add_places(world.engine, world.cipher)
    one = make_request(world.engine, CASEWORKER, RequestInput("women", 1, "rotterdam", "labour"))
    reserve(world.engine, COORDINATOR, one, now=utcnow() - dt.timedelta(days=2))

    page = _page(world, one)
    assert _status(page) == "placed"
    assert 'id="reserve-form"' in page and 'id="everyone-placed"' not in page

    page = _page(world, one, reserve=True)  # held again, now
    assert "1 people got a bed" in page
    assert 'id="reserve-form"' not in page and 'id="everyone-placed"' in page
