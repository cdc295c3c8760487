"""The read-only programme API and the year picker: the same services as the pages and
the results table, coverage private until published, unknown years and parameters refused."""

from __future__ import annotations

import re

from tests.i18n.english import untranslated_texts
from tests.web.conftest import WebWorld
from zicht.access import Actor, Principal
from zicht.programme import (
    AnswerInput,
    build_results,
    labour_reports,
    publish_assessment,
    save_assessment,
    seed_programme,
)


def test_actions_are_the_programmes(sqlite_world: WebWorld) -> None:
    response = sqlite_world.client("analyst").get("/api/programme")
    assert response.status_code == 200
    body = response.json()
    programme = seed_programme()
    assert body["year"] == programme.year and programme.year in body["years"]
    assert [a["code"] for a in body["actions"]] == [
        a.code for t in programme.themes for a in t.actions
    ]
    pilot = next(a for a in body["actions"] if a["regions"])
    assert all(re.fullmatch(r"VR\d\d", r) for r in pilot["regions"])


def test_indicators_are_the_results_tables(sqlite_world: WebWorld) -> None:
    engine = sqlite_world.engine
    response = sqlite_world.client("analyst").get("/api/programme/indicators?year=2021")
    assert response.status_code == 200
    body = response.json()
    results = build_results(engine, 2021, "en")
    assert [(i["code"], i["value"], i["suppressed"]) for i in body["indicators"]] == [
        (f.indicator, f.value, f.suppressed) for f in results.figures
    ]
    assert {i["code"] for i in body["indicators"]} >= {"shelter_waiting_days", "anonymous_reports"}
    table = labour_reports(engine, 2021)
    assert body["labour_reports"] == {
        organisation: {
            code: table.cells[(organisation, code)] for code in body["labour_definitions"]
        }
        for organisation in (*table.organisations, "*")
    }
    assert body["suppressed_below"] == 10


def test_unknown_years_and_parameters_are_refused(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("analyst")
    assert client.get("/api/programme?year=2019").status_code == 404
    assert client.get("/api/programme/indicators?year=1800").status_code == 422
    assert client.get("/api/programme/coverage?jaar=2021").status_code == 400
    assert client.get("/programme?year=2019").status_code == 404


def test_coverage_counts_a_round_only_once_published(sqlite_world: WebWorld) -> None:
    programme = seed_programme()
    save_assessment(
        sqlite_world.engine,
        Principal.for_user(1, "GM0363", "municipality", "GM0363"),
        programme,
        "GM0363",
        {"policy": AnswerInput("yes"), "training": AnswerInput("partly")},
    )

    def amsterdam(role: str) -> dict[str, object]:
        body = sqlite_world.client(role).get("/api/programme/coverage").json()
        assert len(body["municipalities"]) == 342
        return next(m for m in body["municipalities"] if m["code"] == "GM0363")

    assert amsterdam("analyst")["answered"] == 0  # not published yet
    assert amsterdam("coordinator")["answered"] == 2  # who manages the programme sees it
    publish_assessment(sqlite_world.engine, Actor("coordinator"), programme.year)
    shown = amsterdam("analyst")
    assert (shown["answered"], shown["met"]) == (2, 1.5)


def test_the_page_has_a_year_picker_and_the_labour_table(sqlite_world: WebWorld) -> None:
    page = sqlite_world.client("coordinator").get("/programme?year=2021")
    assert page.status_code == 200
    assert re.search(r'<option value="2021" selected>', page.text)
    assert 'id="labour-table"' in page.text and 'id="indicator-table"' in page.text
    table = labour_reports(sqlite_world.engine, 2021)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', page.text.split('id="labour-table"')[1])
    assert len(rows) >= len(table.organisations) + 1


def test_labels_follow_the_language_asked_for(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("analyst")
    dutch = client.get("/api/programme/indicators?year=2021&lang=nl").json()
    english = client.get(
        "/api/programme/indicators?year=2021", headers={"accept-language": "en-GB, nl;q=0.5"}
    ).json()
    assert (dutch["lang"], english["lang"]) == ("nl", "en")
    assert dutch["labour_definitions"]["named"] == "Meldingen die arbeidsuitbuiting noemen"
    assert english["labour_definitions"]["named"] == "Reports naming labour exploitation"
    shelter = {i["code"]: i["source_label"] for i in dutch["indicators"]}["shelter_waiting_days"]
    assert shelter == "Zicht (opvangcoördinatie)"
    shelter = {i["code"]: i["source_label"] for i in english["indicators"]}["shelter_waiting_days"]
    assert shelter == "Zicht (shelter coordination)"
    labels = [
        *dutch["labour_definitions"].values(),
        *(i["source_label"] for i in dutch["indicators"]),
    ]
    assert untranslated_texts(labels) == []

    # without lang or Accept-Language: Dutch, as every API answer
    actions = client.get("/api/programme").json()
    assert actions["lang"] == "nl"
    dutch_status = {
        "planned": "Gepland",
        "running": "Loopt",
        "done": "Afgerond",
        "delayed": "Vertraagd",
    }
    assert all(a["status_label"] == dutch_status[a["status"]] for a in actions["actions"])
    english_actions = client.get("/api/programme?lang=en").json()["actions"]
    assert {a["status_label"] for a in english_actions} <= {"Planned", "Running", "Done", "Delayed"}
    assert client.get("/api/programme/coverage").json()["national"]["name"] == "Nederland"
    coverage = client.get("/api/programme/coverage?lang=en").json()
    assert (coverage["lang"], coverage["national"]["name"]) == ("en", "Netherlands")
