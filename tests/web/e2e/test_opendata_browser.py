"""The open-data downloads in Debian's chromium: a coordinator sees the three forms in
Dutch, a wrong year is named at its field, the CTDC file downloads as a ZIP; an analyst
sees no CTDC form. Every page is checked with axe."""

from __future__ import annotations

import zipfile

from playwright.sync_api import BrowserContext

from tests.web.conftest import WebWorld
from tests.web.e2e.test_browser import (  # noqa: F401  (fixtures)
    _login,
    _no_violations,
    browser,
    live,
)


def test_download_the_ctdc_file_after_a_wrong_year(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    base, _ = live
    page = browser.new_page()
    page.set_default_timeout(30_000)
    _login(page, base, "coordinator")
    page.goto(f"{base}/opendata")
    _no_violations(page)
    assert page.get_by_role("heading", name="CTDC-bestand (IOM)").is_visible()
    ctdc = page.get_by_role("region", name="CTDC-bestand (IOM)")
    ctdc.get_by_label("Registratiejaar").fill("20x3")
    ctdc.get_by_role("button", name="Download het CTDC-bestand").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "Vul een jaar in van 1990 tot en met 2100" in alert.inner_text()
    _no_violations(page)
    alert.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "ctdc-year"
    ctdc = page.get_by_role("region", name="CTDC-bestand (IOM)")
    ctdc.get_by_label("Registratiejaar").fill("2023")
    with page.expect_download() as download:
        ctdc.get_by_role("button", name="Download het CTDC-bestand").click()
    assert download.value.suggested_filename == "zicht-opendata-ctdc-2023.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "ctdc_codebook.csv" in archive.namelist()
    page.close()


def test_an_analyst_sees_no_ctdc_form(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
) -> None:
    base, _ = live
    page = browser.new_page()
    page.set_default_timeout(10_000)
    _login(page, base, "analyst")
    page.goto(f"{base}/opendata?lang=en")
    _no_violations(page)
    assert page.get_by_role("button", name="Download the synthetic data").is_visible()
    assert page.get_by_role("button", name="Download the CTDC file").count() == 0
    page.close()
