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

import pytest

from tests.web.conftest import WebWorld
from zicht.access import AccountError, search
from zicht.platforms import import_licences, screen_file
from zicht.store.models import utcnow

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
