"""The platform pages in Debian's chromium: no WCAG 2.1 A/AA violation (axe-core) on the
screened ads, one ad with its evidence, operators, the activity tables and the licence
lookup with its error summary; a moderator and an analyst, Dutch and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext

from tests.web.conftest import WebWorld
from tests.web.e2e.test_browser import _login, _no_violations, browser, live
from tests.web.test_ads_pages import populate
from zicht.store.ad_views import ad_summaries

__all__ = ["browser", "live"]  # the fixtures, shared with the main browser test


@pytest.mark.parametrize("role", ["platform_moderator", "analyst"])
def test_platform_pages_are_accessible(
    live: tuple[str, WebWorld], browser: BrowserContext, role: str, tmp_path: Path
) -> None:
    base, world = live
    if not ad_summaries(world.engine, platform=None)[0]:
        populate(world, tmp_path)
    cluster = next(a.cluster_id for a in ad_summaries(world.engine, platform="kinky-nl")[0])
    page = browser.new_page()
    _login(page, base, role)
    for path in (
        "/ads",
        "/ads?flagged=1&lang=en",
        "/ads/kinky-nl/k1",
        "/ads/kinky-nl/k1?lang=en",
        "/operators",
        f"/operators/{cluster}",
        "/ads/activity?lang=en",
        "/licences/lookup",
    ):
        page.goto(base + path)
        page.wait_for_load_state()
        _no_violations(page)
    page.goto(f"{base}/licences/lookup?lang=nl")
    page.get_by_label("Vergunningnummer").fill("GM0014-004217-87")
    page.get_by_role("button", name="Opzoeken").click()  # no purpose: the error summary
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    _no_violations(page)
    page.get_by_label("Doel van het opzoeken").fill("controle advertentie k1")
    page.get_by_role("button", name="Opzoeken").click()
    page.wait_for_load_state()
    assert "Vandaag geldig" in page.content()
    _no_violations(page)
    page.close()


def test_a_municipality_imports_licences_in_the_browser(
    live: tuple[str, WebWorld], browser: BrowserContext, tmp_path: Path
) -> None:
    base, _ = live
    register = tmp_path / "amsterdam.csv"
    register.write_text(
        "licence_number,holder_name,date_of_birth,valid_from,valid_to,status\n"
        "GM0363-000011-53,Eva Proef,1991-04-02,2025-02-01,,active\n"
        "GM0363-000012-50,Jet Jong,2007-01-01,2025-02-01,,active\n",
        encoding="utf-8",
    )
    page = browser.new_page()
    page.set_default_timeout(60_000)  # a loaded machine
    _login(page, base, "municipality")
    page.goto(f"{base}/licences/import?lang=nl")
    assert page.get_by_role("link", name="Vergunningen importeren").count() == 1  # the menu
    _no_violations(page)
    page.get_by_role("button", name="Importeren").click()  # no file: the error summary
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    _no_violations(page)
    page.get_by_label("Bestand", exact=True).set_input_files(str(register))
    page.get_by_role("button", name="Importeren").click()
    page.wait_for_load_state()
    content = page.content()
    assert "2 regels gelezen, 1 opgeslagen, 1 in quarantaine" in content, content[-3000:]
    assert "Jet" not in content and "2007" not in content
    _no_violations(page)
    page.goto(f"{base}/licences/import?lang=en")
    _no_violations(page)
    page.close()
