"""The platform pages: a moderator sees only their platform, an analyst across platforms,
flags with their evidence in Dutch and English, operators with the links that joined
them, counts through the publication policy, an audited export, audited licence lookups
with a purpose, and the licence import by API with a token."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from tests.web.conftest import WebWorld
from zicht.access import AccountError, search
from zicht.platforms import import_licences, screen_file
from zicht.store.models import IngestBatch, utcnow
from zicht.store.platforms import AdRow, LicenceRow

MODERATED, OTHER = "kinky-nl", "other-site"
LICENCES = (
    "licence_number,holder_name,date_of_birth,valid_from,valid_to,status\n"
    "GM0014-004217-87,Sanne Voorbeeld,1990-05-01,2025-01-01,,active\n"
    "GM0014 000002 25,Iris Proef,1985-02-03,2024-03-01,2026-03-01,suspended\n"
)


def _ads_file(path: Path, ads: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(ad) + "\n" for ad in ads), encoding="utf-8")
    return path


def populate(world: WebWorld, tmp_path: Path) -> None:
    """Licences of Groningen; two platforms whose ads share one phone (one operator)."""
    (tmp_path / "groningen.csv").write_text(LICENCES, encoding="utf-8")
    import_licences(
        tmp_path / "groningen.csv",
        municipality="GM0014",
        engine=world.engine,
        cipher=world.cipher,
    )
    day = (utcnow() - dt.timedelta(days=1)).strftime("%Y-%m-%dT10:00:00")
    own = [
        {"ad_id": "k1", "posted_at": day, "text": "Anna, nieuw", "city": "Maastricht",
         "phones": ["06-12345678"], "licence_number": "GM0014-004217-87", "stated_age": 19},
        {"ad_id": "k2", "posted_at": day, "text": "Sanne", "city": "Groningen",
         "licence_number": "GM0014-004217-87"},
    ]  # fmt: skip
    other = [
        {"ad_id": "o1", "posted_at": day, "text": "Bo", "city": "Breda",
         "phones": ["+31612345678"]},
    ]  # fmt: skip
    for platform, ads in ((MODERATED, own), (OTHER, other)):
        screen_file(
            _ads_file(tmp_path / f"{platform}.jsonl", ads),
            platform=platform,
            engine=world.engine,
            cipher=world.cipher,
            out=tmp_path / f"out-{platform}",
        )


@pytest.fixture
def ad_world(world: WebWorld, tmp_path: Path) -> WebWorld:
    """On SQLite and PostgreSQL."""
    populate(world, tmp_path)
    return world


def test_a_moderator_sees_only_their_platform(ad_world: WebWorld) -> None:
    client = ad_world.client("platform_moderator")
    page = client.get("/ads")
    assert page.status_code == 200
    assert "/ads/kinky-nl/k1" in page.text and "o1" not in page.text
    assert client.get(f"/ads?platform={OTHER}").status_code == 404
    assert client.get(f"/ads/{OTHER}/o1").status_code == 404
    detail = client.get(f"/ads/{MODERATED}/k1?lang=en")
    assert detail.status_code == 200
    assert "Licence of a far municipality" in detail.text
    assert "km apart" in detail.text
    assert "other-site" not in detail.text  # the link to the other platform is not named
    entries, total = search(ad_world.engine, action="view_ad")
    assert total == 1 and entries[0].actor == "platform_moderator"


def test_an_analyst_sees_across_platforms_with_evidence_in_both_languages(
    ad_world: WebWorld,
) -> None:
    client = ad_world.client("analyst")
    assert "/ads/other-site/o1" in client.get("/ads").text
    dutch = client.get(f"/ads/{MODERATED}/k1").text
    english = client.get(f"/ads/{MODERATED}/k1?lang=en").text
    assert "stated age 19 is under the licence age of 21" in english
    assert "opgegeven leeftijd 19 is onder de vergunningleeftijd van 21" in dutch
    assert "hetzelfde telefoonnummer (pseudoniem)" in dutch
    assert "/ads/other-site/o1" in english  # the analyst sees the cross-platform link
    assert "06-12345678" not in english and "+31612345678" not in english


def test_operators_and_their_audited_export(ad_world: WebWorld) -> None:
    analyst = ad_world.client("analyst")
    listing = analyst.get("/operators?lang=en")
    assert "1 operators with two or more ads" in listing.text
    cluster = int(listing.text.split('href="/operators/')[1].split('"')[0])
    page = analyst.get(f"/operators/{cluster}?lang=en")
    assert page.status_code == 200 and "the same phone number (pseudonym)" in page.text
    export = analyst.get(f"/operators/{cluster}/export.csv?lang=en")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert {r["ad_id"] for r in rows} == {"k1", "o1"}
    assert all(r["contact_pseudonyms"].startswith("phone:") for r in rows)
    assert "12345678" not in export.text
    entries, total = search(ad_world.engine, action="export_cluster")
    assert total == 1 and entries[0].object_ids
    moderator = ad_world.client("platform_moderator")
    own = list(csv.DictReader(io.StringIO(moderator.get(f"/operators/{cluster}/export.csv").text)))
    assert [r["ad_id"] for r in own] == ["k1"]  # the other platform's ad stays out
    assert ad_world.client("data_steward").get(f"/operators/{cluster}").status_code == 403


def test_activity_counts_pass_the_publication_policy(ad_world: WebWorld) -> None:
    page = ad_world.client("analyst").get("/ads/activity?lang=en")
    assert page.status_code == 200
    # three ads, all below k = 10: every count is suppressed, the total too
    assert "Total: –" in page.text
    assert ">3<" not in page.text


def test_licence_lookup_needs_a_purpose_and_is_audited(ad_world: WebWorld) -> None:
    moderator = ad_world.client("platform_moderator")
    csrf = ad_world.csrf(moderator)
    missing = moderator.post(
        "/licences/lookup", data={"number": "GM0014-004217-87", "purpose": "", "csrf_token": csrf}
    )
    assert missing.status_code == 400
    assert search(ad_world.engine, action="lookup_licence")[1] == 0
    found = moderator.post(
        "/licences/lookup?lang=en",
        data={"number": "gm0014 004217 87", "purpose": "ad k1 check", "csrf_token": csrf},
    )
    assert "Sanne" not in found.text and "1 Jan 2025" in found.text  # one date format
    entries, total = search(ad_world.engine, action="lookup_licence")
    assert total == 1 and entries[0].purpose == "ad k1 check"
    typo = moderator.post(
        "/licences/lookup?lang=en",
        data={"number": "GM0014-004217-88", "purpose": "ad k1 check", "csrf_token": csrf},
    )
    assert "check digits" in typo.text
    coordinator = ad_world.client("coordinator")
    shown = coordinator.post(
        "/licences/lookup",
        data={
            "number": "GM0014-004217-87",
            "purpose": "case 12 intake",
            "csrf_token": ad_world.csrf(coordinator),
        },
    )
    assert "Sanne Voorbeeld" in shown.text
    looks, _total = search(ad_world.engine, action="view_identity")
    assert [(e.object_type, e.purpose) for e in looks] == [("licence", "case 12 intake")]
    assert ad_world.client("data_steward").get("/licences/lookup").status_code == 403


def test_licence_import_by_api_with_a_token(ad_world: WebWorld) -> None:
    token = ad_world.token(["import_licences"], organisation="GM0363")
    body = (
        "licence_number,holder_name,date_of_birth,valid_from,valid_to,status\n"
        "GM0363-000001-83,Lotte Elders,1992-01-01,2025-01-01,,active\n"
        "GM0363-000002-80,Noor Jong,2006-06-15,2025-06-14,,active\n"
    )
    answer = ad_world.client().post(
        "/api/licences",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": ("amsterdam.csv", body.encode(), "text/csv")},
    )
    assert answer.status_code == 201, answer.text
    out = answer.json()
    assert (out["new"], out["quarantined"]) == (1, 1)
    assert out["refusals"] == [
        "amsterdam.csv row 2: date_of_birth: minimum_age: "
        "holder was younger than 21 on the issue date"
    ]
    assert "Noor" not in answer.text
    not_ads = ad_world.client().post(
        "/api/licences",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert not_ads.status_code == 400 and "missing required column" in not_ads.text
    with pytest.raises(AccountError, match="may only import_licences"):
        ad_world.token(["upload"], organisation="GM0363")
    with pytest.raises(AccountError, match="only a municipality"):
        ad_world.token(["import_licences"], organisation="police")
    other = ad_world.token(["upload"], organisation="police")
    refused = ad_world.client().post(
        "/api/licences",
        headers={"Authorization": f"Bearer {other}"},
        files={"file": ("amsterdam.csv", body.encode(), "text/csv")},
    )
    assert refused.status_code == 403


def test_ads_delivered_by_api_with_a_platform_token(ad_world: WebWorld) -> None:
    token = ad_world.token(["import_ads"], organisation=MODERATED)
    day = (utcnow() - dt.timedelta(days=1)).strftime("%Y-%m-%dT11:00:00")
    body = (
        json.dumps({"ad_id": "api1", "posted_at": day, "text": "Lisa, nieuw hier",
                    "city": "Groningen", "phones": ["06-87654321"],
                    "licence_number": "GM0014-004217-87"})
        + "\n" + json.dumps({"ad_id": "api2", "posted_at": "yesterday", "text": "Mia"})
        + "\n" + json.dumps({"ad_id": "api3", "posted_at": day, "text": "Mia",
                             "phones": ["+31 6 8765 4321"]})
        + "\n"
    )  # fmt: skip
    answer = ad_world.client().post(
        "/api/ads",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": ("today.jsonl", body.encode(), "application/x-ndjson")},
    )
    assert answer.status_code == 201, answer.text
    out = answer.json()
    assert (out["platform"], out["rows_read"], out["stored"], out["quarantined"]) == (
        MODERATED, 3, 2, 1,
    )  # fmt: skip
    assert out["clusters"] == 1  # api1 and api3 share the phone, written two ways
    assert out["refusals"] == [
        "today.jsonl row 2: posted_at: datetime: not a valid ISO 8601 date and time"
    ]
    assert "8765" not in answer.text and "Lisa" not in answer.text
    entries, total = search(ad_world.engine, action="import_ads")
    assert total == 1 and entries[0].object_ids == str(out["batch_id"])
    # the moderator of the platform sees them, with the licence evidence
    page = ad_world.client("platform_moderator").get(f"/ads/{MODERATED}/api3?lang=en")
    assert page.status_code == 200 and "Licence number missing" in page.text
    # a file that is not an ad feed: 400, nothing stored, nothing audited
    not_ads = ad_world.client().post(
        "/api/ads",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert not_ads.status_code == 400 and "not an ad feed" in not_ads.text
    assert search(ad_world.engine, action="import_ads")[1] == 1


def test_only_a_platform_token_delivers_ads_and_only_its_own(ad_world: WebWorld) -> None:
    with pytest.raises(AccountError, match="may only import_ads"):
        ad_world.token(["upload"], organisation=MODERATED)
    with pytest.raises(AccountError, match="only a platform"):
        ad_world.token(["import_ads"], organisation="police")
    with pytest.raises(AccountError, match="may only import_licences"):
        ad_world.token(["import_ads"], organisation="GM0363")
    for token in (
        ad_world.token(["upload"], organisation="police"),
        ad_world.token(["import_licences"], organisation="GM0363"),
    ):
        refused = ad_world.client().post(
            "/api/ads",
            headers={"Authorization": f"Bearer {token}"},
            files={
                "file": ("a.jsonl", b'{"ad_id": "x", "posted_at": "2026-01-01", "text": "t"}\n')
            },
        )
        assert refused.status_code == 403
    # a session, even of the platform's moderator, does not deliver ads
    assert ad_world.client("platform_moderator").get("/api/ads").status_code in (403, 405)


def test_a_municipality_imports_its_licences_on_a_page(ad_world: WebWorld) -> None:
    client = ad_world.client("municipality")  # organisation GM0363 (Amsterdam)
    form = client.get("/licences/import?lang=en")
    assert form.status_code == 200 and "Import licences" in form.text
    body = (
        "Nummer;Naam;Geboren;Vanaf;Status\n"
        "GM0363-000001-83;Lotte Elders;01-01-1992;01-01-2025;actief\n"
        "GM0363-000002-80;Noor Jong;15-06-2006;14-06-2025;actief\n"
        "GM0014-004217-87;Sanne Voorbeeld;01-05-1990;01-01-2025;actief\n"
    )
    mapping = (
        "format: csv\ndelimiter: ';'\n"
        "columns: {Nummer: licence_number, Naam: holder_name, Geboren: date_of_birth,"
        " Vanaf: valid_from, Status: status}\n"
        "values: {status: {actief: active}}\n"
        "date_formats: {date_of_birth: ['%d-%m-%Y'], valid_from: ['%d-%m-%Y']}\n"
    )
    answer = client.post(
        "/licences/import?lang=en",
        data={"csrf_token": ad_world.csrf(client)},
        files={
            "file": ("register.csv", body.encode(), "text/csv"),
            "mapping": ("amsterdam.yaml", mapping.encode(), "application/yaml"),
        },
    )
    assert answer.status_code == 200, answer.text
    assert "3 rows read, 1 stored, 2 quarantined" in answer.text
    assert "holder was younger than 21 on the issue date" in answer.text
    assert "licence number is not of the municipality given" in answer.text
    assert "Noor" not in answer.text and "2006" not in answer.text
    entries, total = search(ad_world.engine, action="import_licences")
    assert total == 1 and entries[0].actor == "municipality"
    dutch = client.post(
        "/licences/import?lang=nl",
        data={"csrf_token": ad_world.csrf(client)},
        files={"file": ("register.csv", body.encode(), "text/csv")},
    )
    assert dutch.status_code == 400  # no mapping: the register's own columns are missing
    assert "register.csv: " in dutch.text and "Fout" in dutch.text
    assert "missing required column(s) date_of_birth, holder_name" in dutch.text
    assert search(ad_world.engine, action="import_licences")[1] == 1
    empty = client.post("/licences/import", data={"csrf_token": ad_world.csrf(client)})
    assert empty.status_code == 400
    for role in ("platform_moderator", "analyst", "data_steward"):
        assert ad_world.client(role).get("/licences/import").status_code == 403


def _stored(world: WebWorld) -> tuple[int, int, int]:
    """Ads, licences and ingest batches in the store (the test's own counts)."""
    with world.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (AdRow.__table__, LicenceRow.__table__, IngestBatch.__table__)
        )


def test_a_delivery_whose_audit_entry_fails_stores_nothing(ad_world: WebWorld) -> None:
    """The act and its entry commit together: a failing audit write undoes the delivery
    (ads by API, licences by API and on the page); a success stores both."""

    def failing(connection: object, builds: object) -> None:
        raise OperationalError("append audit entry", {}, RuntimeError("audit trail down"))

    day = (utcnow() - dt.timedelta(days=1)).strftime("%Y-%m-%dT12:00:00")
    ads = json.dumps({"ad_id": "aud1", "posted_at": day, "text": "Eva, nieuw"}) + "\n"
    licences = (
        "licence_number,holder_name,date_of_birth,valid_from,valid_to,status\n"
        "GM0363-000001-83,Lotte Elders,1992-01-01,2025-01-01,,active\n"
    )
    platform = ad_world.token(["import_ads"], organisation=MODERATED)
    municipality = ad_world.token(["import_licences"], organisation="GM0363")
    page = ad_world.client("municipality")

    def deliveries() -> list[int]:
        return [
            ad_world.client()
            .post(
                "/api/ads",
                headers={"Authorization": f"Bearer {platform}"},
                files={"file": ("today.jsonl", ads.encode(), "application/x-ndjson")},
            )
            .status_code,
            ad_world.client()
            .post(
                "/api/licences",
                headers={"Authorization": f"Bearer {municipality}"},
                files={"file": ("amsterdam.csv", licences.encode(), "text/csv")},
            )
            .status_code,
            page.post(
                "/licences/import?lang=en",
                data={"csrf_token": ad_world.csrf(page)},
                files={"file": ("register.csv", licences.encode(), "text/csv")},
            ).status_code,
        ]

    before = _stored(ad_world)
    with (  # SQLite chains in the act's transaction, PostgreSQL writes audit_pending
        mock.patch("zicht.access._audit_transaction.append_in", failing),
        mock.patch("zicht.access._audit_transaction.add_pending", failing),
    ):
        assert deliveries() == [400, 400, 400]
    assert _stored(ad_world) == before
    for action in ("import_ads", "import_licences"):
        assert search(ad_world.engine, action=action)[1] == 0
    assert deliveries() == [201, 201, 200]
    ads_now, licences_now, batches_now = _stored(ad_world)
    assert (ads_now, licences_now, batches_now) == (before[0] + 1, before[1] + 1, before[2] + 3)
    assert search(ad_world.engine, action="import_ads")[1] == 1
    assert search(ad_world.engine, action="import_licences")[1] == 2
