"""The registrations list as a steward or coordinator uses it (issue 14, point 7): search on
the source's own reference, filters, numbered pages, CSV export of the filtered list
(audited; identities only with a purpose), and the purpose never in a URL.

Oracles: the record tables read directly with SQLAlchemy, and the audit table."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import re

from sqlalchemy import Engine, select, text

from tests.web.conftest import WebWorld
from zicht.store import VictimRegistrationRow
from zicht.store.audit import AuditEntryRow
from zicht.web.registrations_view import page_numbers

PURPOSE = "checking a referral"


def _victims(engine: Engine) -> list[VictimRegistrationRow]:
    with engine.connect() as connection:
        return list(connection.execute(select(VictimRegistrationRow.__table__)).all())  # type: ignore[arg-type]


def _audit(engine: Engine) -> list[dict[str, object]]:
    table = AuditEntryRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.seq)).all()
    return [dict(row._mapping) for row in rows]


def _listed_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<th scope="row">\s*<[^>]*>(\d+)<', html)]


def test_search_finds_a_registration_by_the_sources_own_reference(world: WebWorld) -> None:
    rows = _victims(world.engine)
    target = next(r for r in rows if r.source == "police")
    part = target.source_record_id[-4:].lower()  # part of it, in another case
    expected = sorted(r.id for r in rows if part in r.source_record_id.lower())
    page = world.client("coordinator").get("/registrations", params={"q": part})
    assert page.status_code == 200
    assert sorted(_listed_ids(page.text)) == expected and target.id in expected
    none = world.client("coordinator").get("/registrations", params={"q": "no-such-reference"})
    assert _listed_ids(none.text) == []


def test_a_nul_byte_in_the_search_is_dropped_not_a_server_error(world: WebWorld) -> None:
    rows = _victims(world.engine)
    part = rows[0].source_record_id[-4:].lower()
    expected = sorted(r.id for r in rows if part in r.source_record_id.lower())
    page = world.client("coordinator").get("/registrations", params={"q": f"{part}\x00"})
    assert page.status_code == 200
    assert sorted(_listed_ids(page.text)) == expected


def test_filters_by_gender_and_registration_date(world: WebWorld) -> None:
    rows = _victims(world.engine)
    gender = rows[0].gender
    since = min(r.registration_date for r in rows)
    until = sorted(r.registration_date for r in rows)[len(rows) // 2]
    expected = sorted(
        r.id for r in rows if r.gender == gender and since <= r.registration_date <= until
    )
    page = world.client("coordinator").get(
        "/registrations",
        params={"gender": gender, "since": since.isoformat(), "until": until.isoformat()},
    )
    assert sorted(_listed_ids(page.text)) == expected and expected


def test_pages_are_numbered_with_their_total(world: WebWorld) -> None:
    total = len(_victims(world.engine))
    size = 3
    pages = math.ceil(total / size)
    assert pages >= 3
    client = world.client("coordinator")
    first = client.get("/registrations", params={"page_size": size, "lang": "en"}).text
    assert f"{total} registrations, page 1 of {pages}" in first
    for number in range(2, pages + 1):  # every page reachable by its number, from page 1
        assert f'page_size={size}&amp;page={number}"' in first
    last = client.get("/registrations", params={"page_size": size, "page": pages}).text
    assert len(_listed_ids(last)) == total - size * (pages - 1)
    seen = set()
    for number in range(1, pages + 1):
        seen |= set(_listed_ids(client.get(f"/registrations?page_size={size}&page={number}").text))
    assert seen == {r.id for r in _victims(world.engine)}


def test_page_numbers_show_the_ends_and_the_neighbours() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 4) == [1, 2, 3, 4]
    assert page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]
    assert page_numbers(4, 20) == [1, 2, 3, 4, 5, 6, None, 20]


def test_the_export_is_the_filtered_list_audited_without_identities(world: WebWorld) -> None:
    rows = _victims(world.engine)
    year = rows[0].registration_year
    expected = sorted(r.id for r in rows if r.registration_year == year)
    response = world.client("coordinator").get(
        "/registrations/export.csv", params={"year": year, "page_size": 2, "page": 2}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(int(r["id"]) for r in table) == expected  # every page, not one
    by_id = {r.id: r for r in rows}
    for line in table:
        stored = by_id[int(line["id"])]
        assert line["source_record_id"] == stored.source_record_id
        assert line["registration_date"] == stored.registration_date.isoformat()
    assert "family_name" not in table[0] and "Popescu" not in response.text
    entry = _audit(world.engine)[-1]
    assert (entry["action"], entry["actor"]) == ("export_registrations", "coordinator")
    # The entry names the filters, the count and a digest of the ids in the file's order
    # (not the ids themselves: up to 100,000 of them); the ids lie beside the chain under
    # the export's key, in the file's order.
    assert not entry["object_ids"]
    details = (
        entry["details"] if isinstance(entry["details"], dict) else json.loads(entry["details"])
    )
    in_file = ",".join(line["id"] for line in table)
    assert details["ids_sha256"] == hashlib.sha256(in_file.encode()).hexdigest()
    assert details["rows"] == len(expected)
    assert details["filters"]["year"] == str(year)
    with world.engine.connect() as connection:
        beside = connection.execute(
            text("SELECT record_id FROM audit_export_id WHERE export_key = :k ORDER BY position"),
            {"k": details["export_key"]},
        ).scalars()
        assert ",".join(str(i) for i in beside) == in_file
    # The auditor finds the export by a record it contains, and not by one it does not.
    auditor = world.client("auditor")
    other = max(r.id for r in rows) + 1000  # in no export
    inside = auditor.get(
        "/audit",
        params={"object_id": table[-1]["id"], "action": "export_registrations", "lang": "en"},
    )
    assert re.search(rf'<th scope="row">{entry["seq"]}</th>', inside.text), inside.text[-2000:]
    assert f"{table[-1]['id']}</span> and {len(expected) - 1} more" in inside.text
    outside = auditor.get(
        "/audit", params={"object_id": str(other), "action": "export_registrations"}
    )
    assert not re.search(rf'<th scope="row">{entry["seq"]}</th>', outside.text)


def test_the_export_with_identities_needs_a_purpose_and_goes_through_the_door(
    world: WebWorld,
) -> None:
    client = world.client("coordinator")
    csrf = world.csrf(client)
    before = len(_audit(world.engine))
    refused = client.post("/registrations/export.csv", data={"csrf_token": csrf, "purpose": "x"})
    assert refused.status_code == 400 and "Popescu" not in refused.text
    assert len(_audit(world.engine)) == before
    shown = client.post(
        "/registrations/export.csv",
        data={"csrf_token": csrf, "purpose": PURPOSE, "organisation": "police"},
    )
    assert shown.status_code == 200
    table = list(csv.DictReader(io.StringIO(shown.text)))
    assert {r["source"] for r in table} == {"police"}
    assert "Popescu" in {r["family_name"] for r in table}
    new = _audit(world.engine)[before:]
    assert [(e["action"], e["purpose"]) for e in new] == [("view_identity", PURPOSE)]
    assert "Popescu" not in str(new)
    analyst = world.client("analyst")  # may list, may not see identities
    denied = analyst.post(
        "/registrations/export.csv", data={"csrf_token": world.csrf(analyst), "purpose": PURPOSE}
    )
    assert denied.status_code == 403


def test_the_purpose_never_travels_in_a_url(world: WebWorld) -> None:
    client = world.client("coordinator")
    csrf = world.csrf(client)
    # Asked for in the URL (an old bookmark), identities are not shown.
    old = client.get(f"/registrations?identities=1&purpose={PURPOSE}")
    assert "Popescu" not in old.text
    page = client.post(
        "/registrations", data={"csrf_token": csrf, "purpose": PURPOSE, "page_size": "3"}
    )
    assert "Popescu" in page.text or "Kowalski" in page.text
    urls = re.findall(r'(?:href|action|formaction)="([^"]*)"', page.text)
    assert urls and not [u for u in urls if "purpose" in u or "checking" in u]
    # The pages and the registrations are buttons of the POSTed form that holds the purpose.
    look_form = re.search(
        r'<form method="post" action="/registrations" id="look".*?</form>', page.text, re.S
    )
    assert look_form is not None and PURPOSE in look_form.group(0)
    assert re.search(r'<button[^>]*form="look"[^>]*formaction="/registrations/victim_r', page.text)
    assert 'form="look" name="page" value="2"' in page.text
    # The registration's own page, opened from that list, shows the identity with the purpose.
    rows = _victims(world.engine)
    police = next(r for r in rows if r.source_record_id == "P-2023-0001")
    detail = client.post(
        f"/registrations/victim_registration/{police.id}",
        data={"csrf_token": csrf, "purpose": PURPOSE},
    )
    assert "Popescu" in detail.text and PURPOSE in detail.text
    assert client.get(f"/registrations/victim_registration/{police.id}").text.count("Popescu") == 0


def test_a_look_without_the_csrf_token_is_refused(world: WebWorld) -> None:
    client = world.client("coordinator")
    refused = client.post("/registrations", data={"purpose": PURPOSE})
    assert refused.status_code == 403 and "Popescu" not in refused.text


def test_every_list_column_is_a_field_of_the_typed_row() -> None:
    from dataclasses import FrozenInstanceError, fields

    import pytest

    from zicht.store.web_registrations import RegistrationRow
    from zicht.web.queries import LIST_COLUMNS

    names = {f.name for f in fields(RegistrationRow)}
    for record_type, columns in LIST_COLUMNS.items():
        assert set(columns) <= names, record_type
    row = RegistrationRow(1, "police", "P-1", dt.date(2023, 1, 2), 2023, "labour", 1)
    assert row.value("source_record_id") == "P-1" and row.value("role") is None
    with pytest.raises(KeyError):
        row.value("identity")
    with pytest.raises(FrozenInstanceError):
        row.source = "fairwork"  # type: ignore[misc]


def test_typed_search_text_is_not_remembered_by_the_form_cache(world: WebWorld) -> None:
    from zicht.web import registrations_form

    client = world.client("coordinator")
    client.get("/registrations")
    before = registrations_form._render.cache_info()
    page = client.get("/registrations", params={"q": "typed-text-1"})
    assert 'value="typed-text-1"' in page.text  # shown in its own form
    after = registrations_form._render.cache_info()
    assert (after.currsize, after.misses) == (before.currsize, before.misses)
