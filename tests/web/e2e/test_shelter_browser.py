"""The whole shelter path in Debian's chromium, each page checked with axe (issue 20).

A caseworker asks for a place, the coordinator sees the matches with their reasons and
reserves, the shelter's staff accept and later discharge; the caseworker follows the
request; staff see their shelter's address after giving a purpose.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page

from tests.shelter.conftest import COORDINATOR
from tests.web.conftest import WebWorld
from tests.web.e2e.test_browser import (  # noqa: F401  (fixtures)
    _login,
    _no_violations,
    browser,
    live,
)
from zicht.shelter import ShelterInput, add_staff, save_shelter, set_availability


def _english(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}{path}?lang=en")
    page.wait_for_load_state()


def test_request_match_reserve_accept_discharge(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    base, world = live
    save_shelter(
        world.engine,
        COORDINATOR,
        world.cipher,
        ShelterInput("e2e-a", "Haven", "crisis", "rotterdam", "Havenweg 1", ("pl",)),
    )
    add_staff(world.engine, COORDINATOR, "e2e-a", "shelter_staff")
    set_availability(world.engine, COORDINATOR, "e2e-a", "crisis_labour", 2, 2)
    page = browser.new_page()
    page.set_default_timeout(10_000)

    _login(page, base, "caseworker")
    _english(page, base, "/shelter")
    _no_violations(page)
    form = page.locator("#request-form")
    form.get_by_label("Kind of bed").select_option("crisis_labour")
    form.get_by_label("Region").select_option("rotterdam")
    form.get_by_label("Form of exploitation").select_option("labour")
    form.get_by_label("Languages (ISO codes, comma-separated)").fill("pl")
    form.get_by_label("Registrations of the people (one SOURCE:RECORD_ID a line)").fill(
        "police:E2E-1"
    )
    form.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    assert "/shelter/requests/" in page.url
    request_path = page.url.split("?")[0].removeprefix(base)
    assert page.locator("#request-status").inner_text() == "open"
    assert page.locator("#reserve-form").count() == 0  # caseworkers do not reserve
    _no_violations(page)

    _login(page, base, "coordinator")
    _english(page, base, request_path)
    reasons = page.locator("#candidates").inner_text()
    assert "Haven (e2e-a)" in reasons and "in the requested region" in reasons
    assert "speaks pl" in reasons
    _no_violations(page)
    page.get_by_role("button", name="Reserve").click()
    page.wait_for_load_state()
    assert "1 people got a bed" in page.get_by_role("status").inner_text()
    assert page.locator("#request-status").inner_text() == "placed"
    # nothing is left to reserve: no search for places, no form
    assert page.locator("#reserve-form").count() == 0
    assert (
        page.locator("#everyone-placed").inner_text()
        == "Everyone in this request has been given a place."
    )
    _no_violations(page)

    _login(page, base, "shelter_staff")
    _english(page, base, "/shelter")
    _no_violations(page)
    accept = page.get_by_role("button", name="Accept reservation")
    assert accept.count() == 1
    accept.click()
    page.wait_for_load_state()
    discharge = page.get_by_role("button", name="Discharge reservation")
    assert discharge.count() == 1
    _no_violations(page)
    discharge.click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Discharge reservation").count() == 0
    assert "2 / 2" in page.locator("#places").inner_text()  # the bed is free again
    page.get_by_role("link", name="Show address of e2e-a").click()
    page.wait_for_load_state()
    _no_violations(page)
    page.get_by_label("Purpose of access").fill("arranging the intake tonight")
    page.get_by_role("button", name="Show address").click()
    page.wait_for_load_state()
    assert page.locator("#address").inner_text() == "Havenweg 1"
    _no_violations(page)

    _login(page, base, "caseworker")
    _english(page, base, request_path)
    assert "discharged" in page.locator("#request-reservations").inner_text()
    assert page.get_by_text("Havenweg").count() == 0  # no address for partners
    _no_violations(page)


def test_coordinator_adds_a_shelter_and_staff(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    """The admin page: a refused field is named (axe-clean), then the shelter and its staff
    are saved and listed; the address never comes back to the page."""
    base, _world = live
    page = browser.new_page()
    page.set_default_timeout(10_000)
    _login(page, base, "coordinator")
    _english(page, base, "/shelter")
    page.get_by_role("link", name="Add shelters and staff").click()
    page.wait_for_load_state()
    _no_violations(page)
    form = page.locator("#place-form")
    form.get_by_label("Code").fill("bad code!")
    form.get_by_label("Name").fill("Opvang Noord")
    form.get_by_label("Kind").select_option("municipal")
    form.get_by_label("Region").select_option("noord-nederland")
    form.get_by_label("Address").fill("Noorderweg 3")
    form.get_by_role("button", name="Save shelter").click()
    page.wait_for_load_state()
    assert "field code" in page.locator(".field-error").first.inner_text()
    assert page.get_by_text("Noorderweg").count() == 0
    _no_violations(page)
    form = page.locator("#place-form")
    form.get_by_label("Code").fill("opvang-noord")
    form.get_by_label("Address").fill("Noorderweg 3")
    form.get_by_label("Wheelchair access").check()
    form.get_by_role("button", name="Save shelter").click()
    page.wait_for_load_state()
    assert "Opvang Noord (opvang-noord)" in page.locator("#shelters").inner_text()
    staff = page.locator("#staff-form")
    staff.get_by_label("Shelter").select_option("opvang-noord")
    staff.get_by_label("User name or token:NAME").fill("shelter_staff")
    staff.get_by_role("button", name="Add staff").click()
    page.wait_for_load_state()
    assert "shelter_staff" in page.locator("#shelters").inner_text()
    assert page.get_by_text("Noorderweg").count() == 0
    _no_violations(page)
