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


SUSPECTS_HEADER = "source_record_id,registration_date,forms,role\n"
BAD_SUSPECTS = 30  # more than one page of 25


def test_a_steward_pages_filters_and_fixes_one_record_type_by_file(
    live: tuple[str, WebWorld],  # noqa: F811
    browser: BrowserContext,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Point 1 and 2 with a file: one record type's export, corrected and uploaded again,
    resolves exactly its rows; the quarantine pages, filters by record type, and the
    delivery lists every row it quarantined."""
    base, _ = live
    page = browser.new_page()
    page.set_default_timeout(60_000)
    _login(page, base, "data_steward")
    suspects = tmp_path / "verdachten.csv"
    suspects.write_text(
        SUSPECTS_HEADER
        + "".join(f"S-{i},2023-02-30,labour,recruiter\n" for i in range(BAD_SUSPECTS))
        + "S-ok,2023-02-27,labour,recruiter\n",
        encoding="utf-8",
    )
    page.goto(f"{base}/upload")
    page.get_by_label("Soort registratie").select_option("suspect_registration")
    page.get_by_label("Bestand", exact=True).set_input_files(str(suspects))
    page.get_by_role("button", name="Aanleveren").click()
    page.wait_for_load_state()
    batch_page = page.url
    assert f"{BAD_SUSPECTS} in quarantaine" in page.get_by_role("status").inner_text()
    listed = page.locator("table").last.locator("tbody tr").count()
    assert listed == BAD_SUSPECTS  # the delivery lists every row it quarantined

    page.goto(f"{base}/quarantine")
    _no_violations(page)
    exports = page.locator("#exports").get_by_role("link")
    assert exports.count() == 2  # the victims of the examples and these suspects
    total = int(re.sub(r"\D", "", page.locator("#entries caption").inner_text()))
    assert total > 25 and page.locator("#entries tbody tr").count() == 25  # paged
    page.get_by_role("link", name=re.compile("Volgende")).click()
    page.wait_for_load_state()
    assert page.locator("#entries tbody tr").count() == total - 25
    _no_violations(page)
    page.goto(f"{base}/quarantine")
    page.get_by_label("Soort registratie").select_option("suspect_registration")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert "record_type=suspect_registration" in page.url
    caption = page.locator("#entries caption").inner_text()
    assert caption.startswith(f"{BAD_SUSPECTS} open regels"), caption
    types = set(page.locator("#entries tbody tr td:nth-child(2)").all_inner_texts())
    assert types == {"Registratie verdachte"}

    with page.expect_download() as download:
        page.locator("#exports").get_by_role("link", name=re.compile("verdachte")).click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    assert exported.name == "quarantine-police-suspect_registration.csv"
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + BAD_SUSPECTS  # this record type only
    assert "Registratiedatum" in lines[1] and "geen geldige datum" in lines[1]  # in Dutch
    assert "given_names" not in lines[0]  # only the columns of the delivery
    corrected = tmp_path / "verdachten-verbeterd.csv"
    corrected.write_text(
        "\n".join(lines).replace("2023-02-30", "2023-02-28") + "\n", encoding="utf-8"
    )
    page.goto(f"{base}/upload")
    page.get_by_label("Soort registratie").select_option("suspect_registration")
    page.get_by_label("Bestand", exact=True).set_input_files(str(corrected))
    page.get_by_role("button", name="Aanleveren").click()
    page.wait_for_load_state()
    figures = dict(
        zip(
            page.locator(".figure dt").all_inner_texts(),
            page.locator(".figure dd").all_inner_texts(),
            strict=True,
        )
    )
    assert (figures["In quarantaine"], figures["Uit quarantaine"]) == ("0", str(BAD_SUSPECTS))
    page.goto(f"{base}/quarantine?record_type=suspect_registration")
    assert page.locator("#entries tbody tr").count() == 0
    page.goto(batch_page)  # the first delivery now says its rows left the quarantine
    statuses = set(page.locator("table").last.locator("tbody tr td:nth-child(5)").all_inner_texts())
    assert statuses == {"Opgelost"}, statuses
    page.close()
