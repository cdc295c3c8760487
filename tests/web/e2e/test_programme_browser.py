"""The self-assessment in Debian's chromium with JavaScript off: answer part of the
questionnaire, save, come back, answer more; axe finds no WCAG 2.1 A/AA violation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, sync_playwright

from tests.conftest import CHROMIUM_ARGS
from tests.web.conftest import WebWorld
from tests.web.e2e.test_browser import _login, _no_violations, live
from zicht.store import programme as store

__all__ = ["live"]


@pytest.fixture(scope="module")
def browsers(
    chromium_executable: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[bool, BrowserContext]]:
    """Chromium with JavaScript (for axe) and without (as a user without it), by that flag."""
    with sync_playwright() as playwright:
        contexts = {
            script: playwright.chromium.launch_persistent_context(
                str(tmp_path_factory.mktemp("chromium-profile")),
                executable_path=chromium_executable,
                headless=True,
                args=CHROMIUM_ARGS,
                java_script_enabled=script,
            )
            for script in (True, False)
        }
        try:
            yield contexts
        finally:
            for context in contexts.values():
                context.close()


def test_fill_in_part_save_and_continue_without_javascript(
    live: tuple[str, WebWorld], browsers: dict[bool, BrowserContext]
) -> None:
    base, world = live
    page = browsers[False].new_page()
    page.set_default_timeout(10_000)
    _login(page, base, "municipality")
    page.goto(f"{base}/programme/assessment")
    page.get_by_role(
        "group", name="Heeft de gemeente beleid op de aanpak van mensenhandel vastgesteld?"
    ).get_by_label("Ja").check()
    page.get_by_label("Onderbouwing (document, besluit, datum)").first.fill("Raadsbesluit 12-3")
    page.get_by_role("button", name="Antwoorden opslaan").click()
    page.wait_for_load_state()
    assert "1 antwoord opgeslagen" in page.get_by_role("status").first.inner_text()
    page.get_by_role(
        "group", name="Is er een zorgroute voor (mogelijke) slachtoffers afgesproken?"
    ).get_by_label("Gedeeltelijk").check()
    page.get_by_role("button", name="Antwoorden opslaan").click()
    page.wait_for_load_state()
    # Both saves kept: the first answer came back checked in the form and was sent again.
    stored = {a.block: a.answer for a in store.answers(world.engine, 2021, "GM0363")}
    assert stored == {"policy": "yes", "care_pathway": "partly"}
    assert page.get_by_text("2 van 6 bouwstenen beantwoord.").is_visible()
    page.goto(f"{base}/programme")
    assert page.locator("svg[role=img] path[data-code]").count() == 0  # not published
    page.close()


def test_the_form_with_an_error_and_the_map_pass_axe(
    live: tuple[str, WebWorld], browsers: dict[bool, BrowserContext]
) -> None:
    """axe runs JavaScript, so these pages are checked in the browser that has it."""
    base, _ = live
    page = browsers[True].new_page()
    page.set_default_timeout(10_000)
    _login(page, base, "municipality")
    page.goto(f"{base}/programme/assessment")
    page.get_by_label("Ja").first.check()
    page.get_by_label("Onderbouwing (document, besluit, datum)").first.evaluate(
        "(area, text) => { area.removeAttribute('maxlength'); area.value = text; }",
        "x" * 2001,
    )
    page.get_by_role("button", name="Antwoorden opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()  # the error summary
    _no_violations(page)
    _login(page, base, "coordinator")
    page.goto(f"{base}/programme")
    assert page.locator("svg[role=img] path[data-code]").count() == 342
    _no_violations(page)
    page.close()
