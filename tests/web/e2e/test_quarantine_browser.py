"""A data steward's fix and resubmit in Debian's chromium (issue 14, points 1 and 2).

Upload a delivery with its own mapping and two bad rows (twice: the second result says
the rows already wait), find them grouped by problem, filter, download one record
type's file, correct the code by ticking the allowed codes, give a purpose to see the
name, correct the date, and see the delivery count its rows, with no pseudo-delivery.
Every page on the way is checked with axe.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import BrowserContext, Page

from tests.web.conftest import WebWorld
from tests.web.e2e.test_browser import (  # noqa: F401  (fixtures)
    _login,
    _no_violations,
    browser,
    live,
)

MAPPING = """record_type: victim_registration
columns: {RegNr: source_record_id, Datum: registration_date, Vorm: forms, Geslacht: gender,
          Voornaam: given_names}
separators: {forms: "|"}
values:
  forms: {AU: labour, CU: criminal}
  gender: {V: female, M: male}
date_formats: {registration_date: ["%d-%m-%Y"]}
"""
DELIVERY = (
    "RegNr;Datum;Vorm;Geslacht;Voornaam\n"
    "B-1;01-03-2023;AU;V;Anna\n"
    "B-2;31-02-2023;CU;M;Piet\n"
    "B-3;02-03-2023;XX;V;Fatima\n"
)


def _upload(page: Page, base: str, folder: Path) -> str:
    data, mapping = folder / "levering.csv", folder / "levering.yaml"
    data.write_text(DELIVERY, encoding="utf-8")
    mapping.write_text(MAPPING, encoding="utf-8")
    page.goto(f"{base}/upload")
    page.get_by_label("Bestand", exact=True).set_input_files(str(data))
    page.get_by_label("Koppelbestand (optioneel)").set_input_files(str(mapping))
    page.get_by_role("button", name="Aanleveren").click()
    page.wait_for_load_state()
    assert "/uploads/" in page.url, page.url
    return page.url


def test_a_steward_corrects_a_delivery_in_the_quarantine(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
    tmp_path: Path,
) -> None:
    base, _ = live
    page = browser.new_page()
    page.set_default_timeout(10_000)
    _login(page, base, "data_steward")
    first = _upload(page, base, tmp_path)
    status = page.get_by_role("status").inner_text()
    assert "2 in quarantaine" in status
    assert page.get_by_text("Datum als DD-MM-JJJJ / JJJJ-MM-DD").first.is_visible()
    assert page.get_by_text("Toegestaan: AU, CU").first.is_visible()
    _no_violations(page)
    _upload(page, base, tmp_path)  # the same file again, before correcting anything
    assert "stonden al in quarantaine" in page.get_by_role("status").inner_text()
    assert page.locator(".notice-success").count() == 0
    _no_violations(page)

    page.goto(f"{base}/quarantine")
    _no_violations(page)
    groups = page.locator("#groups")
    assert groups.get_by_role("link", name=re.compile("codelijst")).is_visible()
    exports = page.locator("#exports").get_by_role("link")
    assert exports.count() == 1 and "Registratie (mogelijk) slachtoffer" in exports.inner_text()
    with page.expect_download() as download:
        exports.click()
    assert download.value.suggested_filename == "quarantine-police-victim_registration.csv"
    groups.get_by_role("link", name=re.compile("codelijst")).click()
    page.wait_for_load_state()
    assert "rule=code" in page.url
    _no_violations(page)
    page.locator("#entries").get_by_role("link", name="Regel 3 corrigeren").click()
    page.wait_for_load_state()
    _no_violations(page)
    assert page.locator("#identity-hidden").is_visible()
    assert page.get_by_text("Fatima").count() == 0  # identity hidden without a purpose
    page.get_by_label("AU – Arbeidsuitbuiting").check()
    page.get_by_role("button", name="Opnieuw aanleveren").click()
    page.wait_for_load_state()
    assert "verwerkt" in page.get_by_role("status").inner_text()

    page.goto(f"{base}/quarantine?rule=date")
    page.locator("#entries").get_by_role("link", name="Regel 2 corrigeren").first.click()
    page.wait_for_load_state()
    page.get_by_label("Doel van inzage").fill("registratiedatum verbeteren")
    page.get_by_role("button", name="Persoonsgegevens tonen").click()
    page.wait_for_load_state()
    assert page.get_by_label("Voornaam").input_value() == "Piet"
    _no_violations(page)
    page.get_by_label("Registratiedatum (kolom Datum)").fill("28-02-2023")
    page.get_by_role("button", name="Opnieuw aanleveren").click()
    page.wait_for_load_state()
    assert "verwerkt" in page.get_by_role("status").inner_text()

    page.goto(first)
    figures = dict(
        zip(
            page.locator(".figure dt").all_inner_texts(),
            page.locator(".figure dd").all_inner_texts(),
            strict=True,
        )
    )
    assert (figures["Nieuw"], figures["In quarantaine"], figures["Uit quarantaine"]) == (
        "3",
        "0",
        "2",
    )
    assert page.locator(".notice-success").count() == 1
    page.goto(f"{base}/upload")
    deliveries = page.locator("table").last.inner_text()
    assert "fix" not in deliveries and deliveries.count("levering.csv") == 2
    page.close()
