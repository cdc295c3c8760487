"""What a partner system's developer relies on: its own scope, its language, and a clear
refusal of a query parameter the API does not know."""

from __future__ import annotations

from tests.web.conftest import WebWorld
from zicht.access import TOKEN_ACTIONS

# Written by hand from the catalogues' Dutch (not read from them): rule -> message.
DUTCH = {
    "required": "verplicht veld ontbreekt",
    "code": "waarde komt niet voor in de codelijst",
}


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_a_token_of_one_organisation_sees_only_its_own_count_per_organisation(
    world: WebWorld,
) -> None:
    token = world.token(
        [a for a in TOKEN_ACTIONS if a not in ("import_licences", "import_ads")],
        organisation="police",
    )
    body = world.client().get("/api/dashboard", headers=_bearer(token)).json()
    assert set(body["victim_registrations_by_organisation"]) <= {"police"}
    coordinator = world.client("coordinator").get("/api/dashboard").json()
    assert {"police", "fairwork"} <= set(coordinator["victim_registrations_by_organisation"])


def test_quarantine_messages_come_in_the_language_asked_for(world: WebWorld) -> None:
    token = world.token(["correct_quarantine"], organisation="police")
    client = world.client()
    dutch = client.get("/api/quarantine?lang=nl", headers=_bearer(token)).json()
    problems = [p for entry in dutch for p in entry["problems"] if p["rule"] in DUTCH]
    assert problems, "the examples quarantine rows of these rules"
    assert all(p["message"] == DUTCH[p["rule"]] for p in problems)
    assert all(p["message_en"] != p["message"] for p in problems)
    english = client.get(
        "/api/quarantine", headers={**_bearer(token), "accept-language": "fr;q=0.9, en;q=0.8"}
    ).json()
    assert all(p["message"] == p["message_en"] for e in english for p in e["problems"])
    default = client.get("/api/quarantine", headers=_bearer(token)).json()
    assert [p["message"] for e in default for p in e["problems"]] == [
        p["message"] for e in dutch for p in e["problems"]
    ]


def test_an_unknown_query_parameter_is_refused_by_name(world: WebWorld) -> None:
    token = world.token(["list_registrations"], organisation="police")
    client = world.client()
    refused = client.get("/api/registrations?limit=2&page_size=2", headers=_bearer(token))
    assert refused.status_code == 400
    assert refused.json()["detail"] == {"query": "unknown query parameter(s): limit"}
    accepted = client.get("/api/registrations?page_size=2&lang=en", headers=_bearer(token))
    assert accepted.status_code == 200 and len(accepted.json()["items"]) == 2
