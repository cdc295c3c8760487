"""Pages: upload with a bad row and fix-and-resubmit, languages, headers, templates."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import WebWorld
from zicht.web.i18n import Translator
from zicht.web.security import CONTENT_SECURITY_POLICY

BAD_FILE = (
    b"source_record_id,registration_date,forms,gender,age,given_names\n"
    b"W-1,2023-03-01,labour,female,31,Anna\n"
    b"W-2,2023-13-45,labour,male,40,Piet\n"
)


def _upload(world: WebWorld, content: bytes = BAD_FILE) -> str:
    client = world.client("data_steward")
    response = client.post(
        "/upload",
        data={"csrf_token": world.csrf(client), "record_type": "victim_registration"},
        files={"file": ("web.csv", content, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_upload_shows_each_bad_row_and_fixing_it_stores_it(world: WebWorld) -> None:
    location = _upload(world)
    client = world.client("data_steward")
    result = client.get(location)
    assert result.status_code == 200
    assert "Registratiedatum" in result.text and "Regel" in result.text
    assert "Piet" not in result.text  # problems name the field and rule, never the value
    entry = re.search(r'href="/quarantine/(\d+)"', result.text)
    assert entry is not None
    form = client.get(f"/quarantine/{entry.group(1)}")
    assert form.status_code == 200 and "2023-13-45" in form.text
    cells = dict(re.findall(r'<label for="(cell-\d+)">([^<]+)</label>', form.text))
    values = dict(
        re.findall(r'id="(cell-\d+)" name="cell-\d+" type="text" value="([^"]*)"', form.text)
    )
    column_of = {column: cell for cell, column in cells.items()}
    values[column_of["Registratiedatum (kolom registration_date)"]] = "2023-12-05"
    fixed = client.post(
        f"/quarantine/{entry.group(1)}",
        data={**values, "csrf_token": world.csrf(client)},
        follow_redirects=False,
    )
    assert fixed.status_code == 303
    assert fixed.headers["location"] == f"/quarantine?fixed={entry.group(1)}"
    listing = client.get("/api/registrations", params={"page_size": 200}).json()
    assert "W-2" in {item["fields"]["source_record_id"] for item in listing["items"]}


def test_a_fix_that_is_still_wrong_shows_the_problem_again(world: WebWorld) -> None:
    location = _upload(world)
    client = world.client("data_steward")
    entry = re.search(r'href="/quarantine/(\d+)"', client.get(location).text)
    assert entry is not None
    form = client.get(f"/quarantine/{entry.group(1)}").text
    values = dict(re.findall(r'id="(cell-\d+)" name="cell-\d+" type="text" value="([^"]*)"', form))
    again = client.post(
        f"/quarantine/{entry.group(1)}", data={**values, "csrf_token": world.csrf(client)}
    )
    assert again.status_code == 400
    assert 'class="error-summary"' in again.text


def test_upload_of_an_unusable_file_shows_an_error_summary(world: WebWorld) -> None:
    client = world.client("data_steward")
    response = client.post(
        "/upload",
        data={"csrf_token": world.csrf(client), "record_type": "victim_registration"},
        files={"file": ("web.csv", b"x,y\n1,2\n", "text/csv")},
    )
    assert response.status_code == 400
    assert 'href="#file"' in response.text
    assert "verplichte kolommen ontbreken" in response.text  # Dutch page, Dutch error


def test_dutch_by_default_english_on_request(world: WebWorld) -> None:
    client = world.client("analyst")
    dutch = client.get("/dashboard")
    assert '<html lang="nl">' in dutch.text and "Kerncijfers" in dutch.text
    english = client.get("/dashboard?lang=en")
    assert '<html lang="en">' in english.text and "Headline figures" in english.text
    assert client.get("/dashboard").text.count('<html lang="en">') == 1  # remembered


def test_numbers_and_labels_follow_the_language() -> None:
    assert Translator("nl").number(1372) == "1.372"
    assert Translator("en").number(1372) == "1,372"
    assert Translator("nl").label("form", "labour") != Translator("en").label("form", "labour")


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard",
        "/login",
        "/api/health",
        "/static/zicht.css",
        "/no-such-page",
        "/api/registrations",
    ],
)
def test_security_headers_on_every_response(world: WebWorld, path: str) -> None:
    response = world.client("analyst").get(path, follow_redirects=False)
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"


def test_pages_have_no_inline_script_or_style(world: WebWorld) -> None:
    client = world.client("coordinator")
    for path in ("/dashboard", "/registrations", f"/persons/{world.linked_person}", "/estimates"):
        html = client.get(path).text
        assert "<script" not in html
        assert " style=" not in html and "<style" not in html


def test_oversized_bodies_are_refused(world: WebWorld) -> None:
    from zicht.web.security import MAX_BODY_BYTES

    client = world.client("data_steward")
    response = client.post(
        "/upload",
        content=b"x" * (MAX_BODY_BYTES + 1),
        headers={"content-type": "application/octet-stream"},
    )
    assert response.status_code == 413


def test_dashboard_suppresses_small_counts(world: WebWorld) -> None:
    html = world.client("analyst").get("/dashboard?lang=en").text
    assert "x = not published to protect persons (count below 10" in html
    api = world.client("analyst").get("/api/dashboard").json()
    assert api["victim_registrations_by_organisation"]["fairwork"] is None
    assert api["suppressed_below"] == 10


def test_person_page_shows_why_linked_and_identities_with_purpose(world: WebWorld) -> None:
    client = world.client("coordinator")
    page = client.get(f"/persons/{world.linked_person}")
    assert page.status_code == 200
    assert "Popescu" not in page.text
    # The purpose is POSTed with the CSRF token, never read from a URL.
    form = page.text.split('class="form"', 1)[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form and f'action="/persons/{world.linked_person}"' in form
    in_url = client.get(f"/persons/{world.linked_person}?identities=1&purpose=case+review")
    assert in_url.status_code == 200 and "Popescu" not in in_url.text
    no_token = client.post(f"/persons/{world.linked_person}", data={"purpose": "case review"})
    assert no_token.status_code == 403 and "Popescu" not in no_token.text
    shown = client.post(
        f"/persons/{world.linked_person}",
        data={"purpose": "case review", "csrf_token": world.csrf(client)},
    )
    assert shown.status_code == 200 and "Popescu" in shown.text
    short = client.post(
        f"/persons/{world.linked_person}", data={"purpose": "x", "csrf_token": world.csrf(client)}
    )
    assert "Popescu" not in short.text


def test_report_download_is_an_attachment(world: WebWorld) -> None:
    client = world.client("analyst")
    listing = client.get("/reports")
    assert "monitor-2023.html" in listing.text
    response = client.get("/reports/monitor-2023.html")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
