"""The coordinator oversees, in Debian's chromium (issue 14, point 4).

Told why uploads are not theirs, the coordinator opens the delivery calendar and a
month of it; sees on the dashboard that the linkage is older than the latest delivery,
starts a link run from the web and follows it to the end; finds a person by
organisation, splits a registration off with a reason; writes the yearly report as a
job and finds its files. Every page on the way is checked with axe.
"""

from __future__ import annotations

import datetime as dt
import time

from playwright.sync_api import BrowserContext, Page

from tests.web.conftest import WebWorld, ingest_examples
from tests.web.e2e.test_browser import (  # noqa: F401  (fixtures)
    _login,
    _no_violations,
    browser,
    live,
)

STALE = "De koppeling is ouder dan de laatste levering."


def _follow_job(page: Page, seconds: float = 240) -> None:
    """Check again until the job has ended (the page has no automatic refresh)."""
    deadline = time.monotonic() + seconds
    while page.get_by_role("link", name="Opnieuw kijken").count():
        assert time.monotonic() < deadline, "the job did not end"
        time.sleep(1)
        page.get_by_role("link", name="Opnieuw kijken").click()
        page.wait_for_load_state()


def test_the_coordinator_oversees_deliveries_linkage_persons_and_the_report(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    base, world = live
    page = browser.new_page()
    page.set_default_timeout(60_000)
    _login(page, base, "coordinator")

    # Uploads are the organisations' own: the page says so and leads to the calendar.
    page.goto(f"{base}/upload")
    assert "Uploads worden door elke organisatie zelf gedaan" in page.content()
    _no_violations(page)
    page.get_by_role("link", name="Leveringskalender").click()
    page.wait_for_load_state()
    assert page.url.endswith("/deliveries")
    _no_violations(page)
    month = dt.datetime.now(dt.UTC).month
    row = page.get_by_role("row", name="Nationale Politie (AVIM)")
    row.get_by_role("cell").nth(month - 1).get_by_role("link").click()
    page.wait_for_load_state()
    section = page.locator("#chosen")
    assert "Leveringen van Nationale Politie (AVIM)" in section.inner_text()
    assert section.get_by_role("row").count() >= 2
    _no_violations(page)

    # A later delivery: the dashboard says the linkage lags, and leads to a link run.
    ingest_examples(world.engine, world.cipher)
    page.goto(f"{base}/dashboard")
    assert STALE in page.content()
    _no_violations(page)
    page.get_by_role("link", name="Een koppelrun starten").click()
    page.wait_for_load_state()
    assert page.url.endswith("/jobs")
    _no_violations(page)
    page.get_by_role("button", name="De koppelrun starten").click()
    page.wait_for_load_state()
    assert "/jobs/" in page.url
    _no_violations(page)
    _follow_job(page)
    assert "afgerond" in page.content(), page.content()
    _no_violations(page)
    page.get_by_role("link", name="Alle taken").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="klaar").count() >= 1

    # Persons: the notice is gone; find FairWork's persons and review one.
    page.goto(f"{base}/persons")
    assert STALE not in page.content()
    page.get_by_label("Organisatie").select_option("fairwork")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    assert "organisation=fairwork" in page.url
    _no_violations(page)
    persons = page.locator("tbody th a")
    assert persons.count() >= 1
    linked = None
    for index in range(persons.count()):
        cells = page.locator("tbody tr").nth(index).get_by_role("cell")
        if int(cells.nth(0).inner_text()) > 1:  # a person of more than one registration
            linked = persons.nth(index)
            break
    if linked is None:  # the link run made no person of two: review the test's own
        page.goto(f"{base}/persons/{world.linked_person}")
    else:
        linked.click()
    page.wait_for_load_state()
    options = page.get_by_label("Af te splitsen registratie").locator("option")
    if options.count() > 1:
        page.get_by_label("Af te splitsen registratie").select_option(index=1)
        page.locator("#split-reason").fill("andere geboortedatum in de twee dossiers")
        page.get_by_role("button", name="Deze registratie afsplitsen").click()
        page.wait_for_load_state()
        assert "is opgeslagen. De volgende koppelrun past haar toe." in page.content()
        assert "andere geboortedatum in de twee dossiers" in page.content()
        _no_violations(page)

    # The yearly report as a job; its files are among the reports.
    page.goto(f"{base}/jobs")
    page.get_by_label("Rapportjaar").fill("2023")
    page.get_by_label("Taal van het rapport").select_option("nl")
    page.get_by_role("button", name="Het rapport maken").click()
    page.wait_for_load_state()
    _follow_job(page)
    assert "afgerond" in page.content(), page.content()
    _no_violations(page)
    assert page.get_by_role("link", name="monitor-2023-nl.pdf").count() == 1
    page.goto(f"{base}/reports")
    assert "monitor-2023-nl.pdf" in page.content()
    page.close()
