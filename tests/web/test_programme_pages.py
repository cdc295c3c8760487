"""The programme pages: the self-assessment form works without JavaScript and saves
partial answers; a municipality sees another's answers only once they are published;
the map carries every municipality once, with its table."""

from __future__ import annotations

import re

from tests.web.conftest import PASSWORD, WebWorld
from zicht.access import Actor, add_user
from zicht.programme import publish_assessment
from zicht.store import programme as store


def _other_municipality(world: WebWorld) -> None:
    add_user(world.engine, Actor("test"), "rotterdam", "municipality", "GM0599", PASSWORD)


def test_the_form_saves_partial_answers_without_javascript(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("municipality")
    page = client.get("/programme/assessment")
    assert page.status_code == 200
    assert 'type="radio"' in page.text and "<script" not in page.text
    csrf = sqlite_world.csrf(client)
    first = client.post(
        "/programme/assessment",
        data={"csrf_token": csrf, "answer-policy": "yes", "note-policy": "Raadsbesluit 2021"},
        follow_redirects=False,
    )
    assert first.status_code == 303
    assert first.headers["location"] == "/programme/assessment?saved=1"
    # The second save sends policy as "not answered yet": the saved answer stays.
    second = client.post(
        "/programme/assessment",
        data={"csrf_token": csrf, "answer-policy": "", "answer-training": "partly"},
        follow_redirects=False,
    )
    assert second.status_code == 303
    stored = {a.block: (a.answer, a.note) for a in store.answers(sqlite_world.engine, 2021)}
    assert stored == {"policy": ("yes", "Raadsbesluit 2021"), "training": ("partly", None)}
    page = client.get("/programme/assessment?saved=1")
    assert re.search(r'id="answer-policy-yes"[^>]*checked', page.text)
    assert re.search(r'id="answer-training-partly"[^>]*checked', page.text)
    assert "Raadsbesluit 2021" in page.text


def test_a_bad_answer_is_refused_and_nothing_is_stored(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("municipality")
    csrf = sqlite_world.csrf(client)
    response = client.post(
        "/programme/assessment",
        data={
            "csrf_token": csrf,
            "answer-policy": "yes",
            "answer-training": "yes",
            "note-training": "x" * 2001,
        },
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text and 'href="#answer-training"' in response.text
    assert store.answers(sqlite_world.engine, 2021) == []
    without_csrf = client.post("/programme/assessment", data={"answer-policy": "yes"})
    assert without_csrf.status_code == 403


def test_answers_are_private_until_published(sqlite_world: WebWorld) -> None:
    _other_municipality(sqlite_world)
    amsterdam = sqlite_world.client("municipality")
    amsterdam.post(
        "/programme/assessment",
        data={
            "csrf_token": sqlite_world.csrf(amsterdam),
            "answer-policy": "yes",
            "note-policy": "Nota",
        },
    )
    rotterdam = sqlite_world.client("rotterdam")  # logged in as the user named so
    analyst = sqlite_world.client("analyst")
    assert (
        amsterdam.get("/programme/municipalities/GM0363", follow_redirects=False).status_code == 200
    )
    assert (
        rotterdam.get("/programme/municipalities/GM0363", follow_redirects=False).status_code == 404
    )
    assert (
        analyst.get("/programme/municipalities/GM0363", follow_redirects=False).status_code == 404
    )
    assert "data-code=" not in analyst.get("/programme").text  # no map before publication
    assert (
        sqlite_world.client("coordinator")
        .get("/programme/municipalities/GM0363", follow_redirects=False)
        .status_code
        == 200
    )
    publish_assessment(sqlite_world.engine, Actor("coordinator"), 2021)
    page = rotterdam.get("/programme/municipalities/GM0363", follow_redirects=False)
    assert page.status_code == 200 and "Nota" in page.text
    assert (
        analyst.get("/programme/municipalities/GM0363", follow_redirects=False).status_code == 200
    )
    assert rotterdam.get("/programme/municipalities/GM9999").status_code == 404


def test_the_map_has_every_municipality_once_and_its_tables(sqlite_world: WebWorld) -> None:
    page = sqlite_world.client("coordinator").get("/programme")
    assert page.status_code == 200
    codes = re.findall(r'<path d="[^"]+" fill="#[0-9a-f]{6}" data-code="(GM\d{4})"', page.text)
    assert len(codes) == len(set(codes)) == 342
    rows = re.findall(r'<tr data-code="(GM\d{4})">', page.text)
    assert sorted(rows) == sorted(codes)
    assert page.text.count('<tr><th scope="row">') >= 25 + 1  # regions and the country


def test_menu_of_a_municipality(sqlite_world: WebWorld) -> None:
    page = sqlite_world.client("municipality").get("/programme")
    assert 'href="/programme/assessment"' in page.text
    assert 'href="/dashboard"' not in page.text
