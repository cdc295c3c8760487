"""The daily work of issue 14 walked in Chromium as each user does it, axe-clean and
without horizontal overflow at 1,280 pixels:

- point 5, the auditor: filter by part of a person's name and by action, export;
- point 6, the steward: the dashboard's own open quarantine apart from the national
  count, and the delivery list with command-line deliveries, counts and status;
- point 7, the coordinator: search on the source's own reference, numbered pages, a
  look at identities with a purpose that never enters the URL and is kept on the
  registration's page, CSV export; the table with identities fits the page;
- point 10: the dashboard's bar labels are not cut off, the title has room under the
  navigation; and the API documentation page (point 9).

Oracles: the database (counts, references), the downloaded files, and the browser's own
layout (bounding boxes, scroll widths)."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import BrowserContext, Page
from sqlalchemy import func, select

from tests.web.conftest import WebWorld
from tests.web.e2e.test_browser import (  # noqa: F401  (fixtures)
    _login,
    _no_violations,
    browser,
    live,
)
from zicht.store import IngestBatch, QuarantineRow, VictimRegistrationRow

WIDTH = 1280
PURPOSE = "controle van een doorverwijzing"


def _page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.set_default_timeout(60_000)  # a loaded machine
    return page


def _no_overflow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url}: {width} px wide at {WIDTH} px"


def test_the_auditor_filters_by_person_and_action_and_exports(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    base, _ = live
    page = _page(browser)
    _login(page, base, "coordinator")
    page.goto(f"{base}/registrations")  # leaves a "list_registrations" entry
    _login(page, base, "auditor")
    page.goto(f"{base}/audit")
    page.get_by_label("Door").fill("COORD")  # part of the name, another case
    page.get_by_label("Handeling").select_option("list_registrations")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        text = rows.nth(i).inner_text()
        assert "coordinator" in text and "Registraties opgevraagd" in text, text
    _no_violations(page)
    _no_overflow(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Deze regels exporteren als CSV").click()
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8"))))
    assert len(exported) == rows.count()
    assert {(r["actor"], r["action"]) for r in exported} == {("coordinator", "list_registrations")}
    page.close()


def test_the_steward_sees_its_own_counts_and_every_delivery(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    base, world = live
    with world.engine.connect() as connection:
        own = connection.execute(
            select(func.count())
            .select_from(QuarantineRow)
            .where(QuarantineRow.source == "police", QuarantineRow.status == "open")
        ).scalar_one()
        batches = connection.execute(
            select(IngestBatch.id, IngestBatch.rows_read).where(IngestBatch.source == "police")
        ).all()
    page = _page(browser)
    _login(page, base, "data_steward")
    page.goto(f"{base}/dashboard")
    shown = page.get_by_text(re.compile(r"In quarantaine, wacht op correctie \(.*Politie.*\)"))
    assert re.search(rf": {own}$", shown.inner_text().strip()), shown.inner_text()
    _no_violations(page)
    _no_overflow(page)
    page.goto(f"{base}/upload")
    table = page.get_by_role("table", name=re.compile("leveringen", re.I))
    for batch_id, read in batches:
        row = table.get_by_role("row").filter(
            has=page.get_by_role("link", name=str(batch_id), exact=True)
        )
        assert row.count() == 1, batch_id
        assert str(read) in row.inner_text()
    _no_violations(page)
    _no_overflow(page)
    page.close()


def test_the_coordinator_searches_pages_looks_with_a_purpose_and_exports(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    base, world = live
    with world.engine.connect() as connection:
        total = connection.execute(
            select(func.count()).select_from(VictimRegistrationRow)
        ).scalar_one()
        target = connection.execute(
            select(VictimRegistrationRow.id).where(
                VictimRegistrationRow.source_record_id == "P-2023-0001"
            )
        ).scalar_one()
    page = _page(browser)
    _login(page, base, "coordinator")
    page.goto(f"{base}/registrations")
    page.get_by_label("Zoeken").fill("p-2023-0001")
    page.get_by_role("button", name="Toepassen").click()
    page.wait_for_load_state()
    assert "q=p-2023-0001" in page.url
    body = page.locator("table.table-registrations tbody tr")
    assert body.count() == 1 and "P-2023-0001" in body.inner_text()

    page.goto(f"{base}/registrations?page_size=3")
    pages = -(-total // 3)
    pager = page.get_by_role("navigation", name="Paginering")
    pager.get_by_role("link", name=f"Pagina 2 van {pages}").click()
    page.wait_for_load_state()
    assert "page=2" in page.url
    assert f"pagina 2 van {pages}" in page.locator("caption").first.inner_text()

    # Identities with a purpose: POSTed, shown, the table fits, the purpose not in the URL.
    page.get_by_label("Doel van inzage").fill(PURPOSE)
    page.get_by_role("button", name="Identiteitsgegevens tonen").click()
    page.wait_for_load_state()
    assert "purpose" not in page.url and "controle" not in page.url
    headers = page.locator("table.table-registrations thead").inner_text()
    assert "Achternaam" in headers or "Familienaam" in headers, headers
    assert f"pagina 2 van {pages}" in page.locator("caption").first.inner_text()
    _no_overflow(page)
    _no_violations(page)
    # the next page keeps the purpose (a button of the POSTed form)
    pager = page.get_by_role("navigation", name="Paginering")
    pager.get_by_role("button", name=f"Pagina 3 van {pages}").click()
    page.wait_for_load_state()
    assert "purpose" not in page.url
    assert f"pagina 3 van {pages}" in page.locator("caption").first.inner_text()
    assert page.get_by_label("Doel van inzage").input_value() == PURPOSE
    # export with identities from the same form
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV downloaden met identiteitsgegevens").click()
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8"))))
    assert len(exported) == total and "family_name" in exported[0]

    # the registration's own page, opened from the list, shows the identity
    page.goto(f"{base}/registrations?q=P-2023-0001")
    page.get_by_label("Doel van inzage").fill(PURPOSE)
    page.get_by_role("button", name="Identiteitsgegevens tonen").click()
    page.wait_for_load_state()
    page.get_by_role("button", name=str(target), exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/registrations/victim_registration/{target}")
    assert page.get_by_role("table", name="Identiteitsgegevens").is_visible()
    assert "Popescu" in page.content() and PURPOSE in page.content()
    _no_violations(page)
    _no_overflow(page)
    page.close()


def test_chart_labels_fit_and_titles_have_room(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    base, _ = live
    page = _page(browser)
    _login(page, base, "coordinator")
    for path in ("/dashboard", "/registrations", "/api-docs"):
        page.goto(f"{base}{path}")
        gap = page.evaluate(
            "document.querySelector('h1').getBoundingClientRect().top"
            " - document.querySelector('.main-nav').getBoundingClientRect().bottom"
        )
        assert gap >= 32, (path, gap)
        _no_overflow(page)
    page.goto(f"{base}/dashboard")
    boxes = page.evaluate(
        """[...document.querySelectorAll('svg text.chart-label')].map(t => {
             const b = t.getBBox();
             return {x: b.x, right: b.x + b.width, bar: +t.nextElementSibling.getAttribute('x'),
                     text: t.textContent};
           })"""
    )
    assert len(boxes) >= 5
    for box in boxes:  # inside the drawing, left of its bar
        assert box["x"] >= 0 and box["right"] <= box["bar"], box
    page.close()


def test_the_api_documentation_page_is_axe_clean(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    base, _ = live
    page = _page(browser)
    page.context.clear_cookies()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/api-docs")
    assert page.get_by_role("heading", name="API-documentatie").is_visible()
    page.get_by_role("link", name=re.compile("List registrations|Registraties")).first.click()
    _no_violations(page)
    _no_overflow(page)
    assert not errors, errors
    page.close()
