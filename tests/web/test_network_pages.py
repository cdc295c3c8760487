"""The network pages: the ranking with its reasons, one network drawn with its evidence,
identities only for a role that may see them, with a purpose, through the audited door."""

from __future__ import annotations

from tests.network.world import fake_network_run
from tests.web.conftest import WebWorld
from zicht.access import search
from zicht.store import network as store


def _top(world: WebWorld) -> int:
    run_id = fake_network_run(world.engine)
    return int(store.read_networks(world.engine, run_id, top=1).iloc[0]["network"])


def test_the_ranking_with_reasons(sqlite_world: WebWorld) -> None:
    top = _top(sqlite_world)
    page = sqlite_world.client("analyst").get("/networks")
    assert page.status_code == 200
    assert f'href="/networks/{top}"' in page.text
    assert "2 slachtoffers; 1 minderjarige; 1 verdachte bekend bij het OM" in page.text
    english = sqlite_world.client("analyst").get("/networks?lang=en")
    assert "2 victims; 1 minor; 1 suspect known to the OM" in english.text
    assert search(sqlite_world.engine, action="list_networks")[1] == 2


def test_a_network_page_draws_and_shows_its_evidence(sqlite_world: WebWorld) -> None:
    top = _top(sqlite_world)
    page = sqlite_world.client("analyst").get(f"/networks/{top}?lang=en")
    assert page.status_code == 200
    assert "<svg" in page.text and page.text.count("<circle") == 5
    assert "Edges and the registrations behind them" in page.text
    # the record type and organisation by their names, not their codes
    assert "Registration of a (possible) victim 2" in page.text and "FairWork" in page.text
    assert "victim_registration" not in page.text
    # the purpose form posts (with its CSRF token); a purpose in the URL decrypts nothing
    assert '<form method="post" action="/networks/' in page.text
    shown = sqlite_world.client("analyst").get(f"/networks/{top}?identities=1&purpose=casework")
    assert search(sqlite_world.engine, action="view_identity")[1] == 0
    assert shown.status_code == 200
    entries, total = search(sqlite_world.engine, action="view_network")
    assert total == 2 and entries[0].object_ids == str(top)


def test_identities_with_a_purpose_through_the_door(sqlite_world: WebWorld) -> None:
    top = _top(sqlite_world)
    client = sqlite_world.client("coordinator")
    pseudonymous = client.get(f"/networks/{top}?lang=en")
    assert "Purpose of access" in pseudonymous.text
    assert "person:1" in pseudonymous.text
    token = sqlite_world.csrf(client)
    short = client.post(f"/networks/{top}?lang=en", data={"purpose": "x", "csrf_token": token})
    assert "State the purpose of access" in short.text
    assert search(sqlite_world.engine, action="view_identity")[1] == 0
    shown = client.post(
        f"/networks/{top}?lang=en", data={"purpose": "case review 2024", "csrf_token": token}
    )
    assert shown.status_code == 200
    entries, total = search(sqlite_world.engine, action="view_identity")
    assert total == 1 and entries[0].purpose == "case review 2024"


def test_unknown_networks_are_not_found(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("coordinator")
    assert client.get("/networks/5").status_code == 404  # no run yet
    assert "zicht network build" in client.get("/networks").text
    _top(sqlite_world)
    assert client.get("/networks/999").status_code == 404
    assert client.get("/networks/0").status_code == 404
