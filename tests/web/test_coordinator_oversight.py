"""The coordinator oversees: the delivery calendar, why uploads are not theirs, and a
notice wherever linked figures show when the linkage is older than the latest delivery."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from tests.web.conftest import WebWorld, ingest_examples
from zicht.store import IngestBatch


def _month_totals(world: WebWorld, source: str) -> tuple[int, int, int]:
    # The test's own query: files and rows read of a source in the current month.
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    start = dt.datetime(now.year, now.month, 1)
    with world.engine.connect() as connection:
        files, read = connection.execute(
            select(func.count(), func.coalesce(func.sum(IngestBatch.rows_read), 0)).where(
                IngestBatch.source == source, IngestBatch.started_at >= start
            )
        ).one()
    return int(files), int(read), now.month


def test_the_calendar_shows_each_organisation_s_files_per_month(world: WebWorld) -> None:
    files, read, month = _month_totals(world, "police")
    assert files > 0
    html = world.client("coordinator").get("/deliveries?lang=en").text
    row = re.search(r'<tr><th scope="row">National Police \(AVIM\)</th>(.*?)</tr>', html)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert len(cells) == 12
    assert re.match(rf"<a [^>]*>{files}\b", cells[month - 1])
    assert f"{read} rows read" in cells[month - 1]
    # An organisation that delivered nothing shows no delivery in any month.
    kmar = re.search(r'<tr><th scope="row">Royal Marechaussee \(KMar\)</th>(.*?)</tr>', html)
    assert kmar is not None and kmar.group(1).count("no delivery") == 12


def test_a_month_of_the_calendar_lists_its_files_with_counts(world: WebWorld) -> None:
    now = dt.datetime.now(dt.UTC)
    with world.engine.connect() as connection:
        batches = connection.execute(
            select(IngestBatch.id, IngestBatch.rows_read, IngestBatch.rows_quarantined).where(
                IngestBatch.source == "fairwork"
            )
        ).all()
    html = (
        world.client("coordinator")
        .get(f"/deliveries?lang=en&year={now.year}&month={now.month}&organisation=fairwork")
        .text
    )
    section = html[html.index('id="chosen"') :]
    rows = re.findall(r"<tr><td>(\d+)</td>(.*?)</tr>", section)
    assert sorted(int(r[0]) for r in rows) == sorted(b.id for b in batches)
    for batch_id, read, quarantined in batches:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", dict(rows)[str(batch_id)])
        assert cells[0] == "FairWork"
        assert (cells[5], cells[7]) == (str(read), str(quarantined))
    assert "National Police" not in section


def test_who_may_see_the_calendar(world: WebWorld) -> None:
    assert world.client("auditor").get("/deliveries").status_code == 200
    for role in ("data_steward", "analyst", "caseworker"):
        assert world.client(role).get("/deliveries").status_code == 403


def test_a_coordinator_is_told_why_uploads_are_not_theirs(world: WebWorld) -> None:
    for path in ("/upload?lang=en", "/uploads/1?lang=en"):
        response = world.client("coordinator").get(path)
        assert response.status_code == 403
        assert "Uploads are made by each organisation" in response.text
        assert "its data steward uploads them here" in response.text
        assert 'href="/deliveries"' in response.text
    dutch = world.client("coordinator").get("/upload?lang=nl").text
    assert "Uploads worden door elke organisatie zelf gedaan" in dutch
    # Someone without the calendar gets the explanation without the link.
    analyst = world.client("analyst").get("/upload?lang=en").text
    assert "its data steward uploads them here" in analyst
    assert 'href="/deliveries"' not in analyst


NOTICE = "The linkage is older than the latest delivery."


def test_linked_figures_say_when_the_linkage_is_older_than_a_delivery(
    world: WebWorld,
) -> None:
    coordinator = world.client("coordinator")
    pages = ("/dashboard?lang=en", "/persons?lang=en", "/estimates?lang=en")
    for page in pages:  # the run started after every delivery so far
        assert NOTICE not in coordinator.get(page).text
    ingest_examples(world.engine, world.cipher)  # a later delivery
    for page in pages:
        html = coordinator.get(page).text
        assert NOTICE in html, page
        assert 'href="/jobs"' in html
    analyst = world.client("analyst").get("/estimates?lang=en").text
    assert NOTICE in analyst and 'href="/jobs"' not in analyst
    dutch = coordinator.get("/persons?lang=nl").text
    assert "De koppeling is ouder dan de laatste levering." in dutch


def test_only_a_later_delivery_of_victims_makes_the_linkage_lag(world: WebWorld) -> None:
    # A link run reads victim registrations only: a later file of ads, licences or
    # suspects leaves the linked figures as current as they were.
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=1)
    with world.engine.begin() as connection:
        for record_type in ("ad", "licence", "suspect_registration"):
            connection.execute(
                IngestBatch.__table__.insert().values(
                    source="police",
                    record_type=record_type,
                    file_name=f"{record_type}.csv",
                    file_sha256="0" * 64,
                    started_at=now,
                    finished_at=now,
                )
            )
    coordinator = world.client("coordinator")
    for page in ("/dashboard?lang=en", "/persons?lang=en", "/estimates?lang=en"):
        assert NOTICE not in coordinator.get(page).text, page


def test_the_menu_leads_to_the_calendar_and_the_jobs_and_the_auditor_still_lands_on_the_trail(
    world: WebWorld,
) -> None:
    from zicht.access import Principal
    from zicht.web.rendering import first_page

    html = world.client("coordinator").get("/dashboard?lang=en").text
    assert 'href="/deliveries"' in html and 'href="/jobs"' in html
    assert first_page(Principal.for_user(1, "a", "auditor", None)) == "/audit"
    auditor = world.client("auditor").get("/audit?lang=en").text
    assert 'href="/deliveries"' in auditor and 'href="/jobs"' not in auditor
