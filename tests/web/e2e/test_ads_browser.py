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
