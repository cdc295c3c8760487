"""End to end in Debian's chromium: log in, upload a file with a bad row, fix it, see the
dashboard; axe-core finds no WCAG 2.1 A/AA violation on any page, for any role."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, sync_playwright

from tests.conftest import CHROMIUM_ARGS
from tests.web.conftest import PASSWORD, WebWorld, build_world
from zicht.access import ROLES
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BAD_FILE = (
    "source_record_id,registration_date,forms,gender,age,given_names\n"
    "E2E-1,2023-03-01,labour,female,31,Anna\n"
    "E2E-2,2023-02-30,labour,male,40,Piet\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebWorld]]:
    """The app served by uvicorn on 127.0.0.1 in a background thread."""
    folder = tmp_path_factory.mktemp("e2e")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    world = build_world(engine, Cipher(generate_key()), folder)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            world.app,  # type: ignore[arg-type]
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", world
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()


@pytest.fixture(scope="module")
def browser(
    chromium_executable: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BrowserContext]:
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium_executable,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            yield context
        finally:
            context.close()


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def _no_violations(page: Page) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe checked nothing"
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_upload_a_bad_row_fix_it_and_see_the_dashboard(
    live: tuple[str, WebWorld], browser: BrowserContext, tmp_path: Path
) -> None:
    base, _ = live
    page = browser.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, base, "data_steward")
    page.goto(f"{base}/upload")
    _no_violations(page)
    upload = tmp_path / "partner.csv"
    upload.write_text(BAD_FILE, encoding="utf-8")
    page.get_by_label("Bestand", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Aanleveren").click()
    page.wait_for_load_state()
    assert "/uploads/" in page.url
    assert page.get_by_role("cell", name="Registratiedatum").first.is_visible()
    _no_violations(page)
    page.get_by_role("link", name=re.compile(r"Regel \d+ corrigeren")).first.click()
    page.wait_for_load_state()
    _no_violations(page)  # with the error summary and the invalid field
    page.get_by_label("Registratiedatum (kolom registration_date)").fill("2023-02-28")
    page.get_by_role("button", name="Opnieuw aanleveren").click()
    page.wait_for_load_state()
    assert "verwerkt" in page.get_by_role("status").inner_text()
    page.goto(f"{base}/registrations?page_size=200")
    assert page.get_by_text("E2E-2").is_visible()
    page.goto(f"{base}/dashboard")
    assert page.get_by_role("heading", name="Kerncijfers").is_visible()
    assert page.locator("svg[role=img] title").count() >= 3
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()


PAGES: dict[str, list[str]] = {
    "administrator": [
        "/dashboard",
        "/admin/users",
        "/admin/tokens",
        "/admin/organisations",
        "/audit",
        "/no-such-page",
    ],
    "data_steward": [
        "/upload",
        "/quarantine",
        "/quarantine/1",
        "/registrations?q=1&year=2023",
        "/registrations?lang=en",
        "/registrations/victim_registration/1",
    ],
    "coordinator": [
        "/registrations",
        "/persons",
        "/persons/{person}",
        "/estimates",
        "/reports",
        "/programme",
        "/deliveries",
        "/jobs",
        "/upload",
    ],
    "analyst": ["/dashboard?lang=en", "/estimates", "/reports", "/upload"],
    "auditor": ["/audit", "/audit?action=login", "/deliveries"],
    "report_handler": ["/triage", "/triage?closed=true", "/information-pages"],
    "municipality": [
        "/programme",
        "/programme/assessment",
        "/programme/municipalities/GM0363",
        "/programme?lang=en",
    ],
    "caseworker": ["/shelter", "/shelter?lang=en"],
    "shelter_staff": ["/shelter"],
    "platform_moderator": ["/notices", "/notices?lang=en"],
    "trusted_flagger": ["/notices"],
}


@pytest.mark.parametrize("role", list(ROLES))
def test_no_wcag_violations(live: tuple[str, WebWorld], browser: BrowserContext, role: str) -> None:
    base, world = live
    page = browser.new_page()
    if role == "administrator":
        page.context.clear_cookies()
        page.goto(f"{base}/login")
        _no_violations(page)
        page.get_by_role("button", name="Inloggen").click()  # empty form: the error summary
        page.wait_for_load_state()
        _no_violations(page)
    _login(page, base, role)
    for path in PAGES[role]:
        page.goto(base + path.replace("{person}", str(world.linked_person)))
        page.wait_for_load_state()
        _no_violations(page)
    if role == "coordinator":  # a person's identities: the purpose is POSTed by the form
        page.goto(f"{base}/persons/{world.linked_person}")
        page.get_by_label("Doel van inzage").fill("controle van de koppeling")
        page.get_by_role("button", name="Identiteitsgegevens tonen").click()
        page.wait_for_load_state()
        assert "purpose" not in page.url and "Popescu" in page.content()
        _no_violations(page)
    page.close()
