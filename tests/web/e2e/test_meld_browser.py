"""The anonymous channel in Debian's chromium with JavaScript disabled: a report filed in
each language, the way back with the receipt, messages both ways, a referral; no cookie
before a report exists (none after either); axe finds no WCAG 2.1 AA violation."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.conftest import CHROMIUM_ARGS
from tests.web.conftest import PASSWORD, build_world
from zicht.access import Actor, add_user, list_users
from zicht.config import Settings
from zicht.privacy import Cipher, generate_key
from zicht.reporting import LANGUAGES, create_organisation_key
from zicht.store import make_engine, upgrade
from zicht.web.app import create_app

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
AUDIENCES = ("worker", "victim", "witness", "client", "worker", "victim")
# A sentence per language, as a reporter might type it (synthetic).
WHAT = {
    "nl": "Mijn baas houdt mijn paspoort vast.",
    "en": "My boss keeps my passport.",
    "pl": "Szef trzyma mój paszport.",
    "ro": "Șeful îmi ține pașaportul.",
    "bg": "Шефът държи паспорта ми.",
    "uk": "Начальник тримає мій паспорт.",
}


@dataclass
class Live:
    base: str
    handler_password: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("meld-e2e")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    cipher = Cipher(generate_key())
    build_world(engine, cipher, folder)  # one user per role; report_handler is CoMensha's
    users = {u.username: u.id for u in list_users(engine)}
    create_organisation_key(engine, "comensha", users["report_handler"], PASSWORD, "test")
    add_user(engine, Actor("test"), "fairwork-handler", "report_handler", "fairwork", PASSWORD)
    fairwork_id = next(u.id for u in list_users(engine) if u.username == "fairwork-handler")
    create_organisation_key(engine, "fairwork", fairwork_id, PASSWORD, "test")
    settings = Settings(database_url=str(engine.url), reporting_form_wait=0)
    app = create_app(settings, engine=engine, cipher=cipher, report_dir=folder)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", PASSWORD)
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()


@pytest.fixture(scope="module")
def chromium(chromium_executable: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def _no_js_page(chromium: Browser) -> Page:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded CI machine, not the page, is slow
    return page


def _axe(chromium: Browser, url: str, html: str) -> None:
    """axe-core on `html` as served at `url` (axe needs JavaScript; the page does not)."""
    context = chromium.new_context()
    page = context.new_page()

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(url, serve)
    page.goto(url)
    results = Axe().run(page, options=WCAG_21_AA)
    context.close()
    assert results.response["passes"], "axe checked nothing"
    assert results.violations_count == 0, f"{url}\n{results.generate_report()}"


def _submit(page: Page) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _file(page: Page, base: str, lang: str, audience: str) -> str:
    page.goto(f"{base}/meld/{lang}")
    page.locator(f'a[href="/meld/{lang}/report/{audience}"]').click()
    page.wait_for_load_state()
    page.locator("#what").fill(WHAT[lang])
    _submit(page)
    receipt = page.get_by_test_id("receipt").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt), receipt
    return receipt


def _come_back(page: Page, base: str, lang: str, receipt: str) -> None:
    page.goto(f"{base}/meld/{lang}/back")
    page.locator("#receipt").fill(receipt)
    _submit(page)


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def test_file_in_each_language_and_come_back_without_javascript(
    live: Live, chromium: Browser
) -> None:
    page = _no_js_page(chromium)
    for lang, audience in zip(LANGUAGES, AUDIENCES, strict=True):
        page.goto(f"{live.base}/meld/{lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.context.cookies() == []  # nothing stored before a report exists
        receipt = _file(page, live.base, lang, audience)
        assert page.context.cookies() == []
        _come_back(page, live.base, lang, receipt)
        assert page.get_by_text(WHAT[lang]).is_visible()
    page.context.close()


def test_messages_both_ways_and_a_referral(live: Live, chromium: Browser) -> None:
    reporter = _no_js_page(chromium)
    receipt = _file(reporter, live.base, "pl", "victim")
    _come_back(reporter, live.base, "pl", receipt)
    reporter.locator("#message").fill("Jestem teraz w Venlo.")
    _submit(reporter)
    assert reporter.get_by_text("Jestem teraz w Venlo.").is_visible()

    staff = _no_js_page(chromium)
    _login(staff, live.base, "report_handler")
    staff.goto(f"{live.base}/triage")
    staff.get_by_role("link").filter(has_text=re.compile(r"^\d+$")).last.click()
    staff.wait_for_load_state()
    report_url = staff.url
    staff.get_by_label("Uw wachtwoord").fill(live.handler_password)
    staff.get_by_label("Doel").fill("beoordeling van een nieuwe melding")
    staff.locator("form[action$='/open'] button").click()
    staff.wait_for_load_state()
    assert staff.get_by_text("Jestem teraz w Venlo.").is_visible()
    staff.get_by_label("Bericht").fill("Dziękujemy. Czy jesteś bezpieczny?")
    staff.get_by_role("button", name="Het antwoord versturen").click()
    staff.wait_for_load_state()
    staff.get_by_label("Doorverwijzen naar").select_option("police")
    staff.get_by_role("button", name="De melding doorverwijzen").click()
    staff.wait_for_load_state()
    assert "Doorverwezen (Politie)" in staff.get_by_test_id("status").inner_text()
    assert staff.url == report_url

    _come_back(reporter, live.base, "pl", receipt)
    assert reporter.get_by_text("Dziękujemy. Czy jesteś bezpieczny?").is_visible()
    assert reporter.context.cookies() == []
    reporter.context.close()
    staff.context.close()


def test_no_wcag_violations_on_the_public_and_triage_pages(live: Live, chromium: Browser) -> None:
    page = _no_js_page(chromium)
    seen: list[tuple[str, str]] = []
    for lang in ("nl", "uk"):
        page.goto(f"{live.base}/meld/{lang}")
        seen.append((page.url, page.content()))
        page.goto(f"{live.base}/meld/{lang}/report/worker")
        seen.append((page.url, page.content()))
        _submit(page)  # empty "what" is refused by the browser: send a blank instead
        page.locator("#what").fill("   ")
        _submit(page)
        seen.append((page.url + "#error", page.content()))
    receipt = _file(page, live.base, "ro", "client")
    seen.append((page.url + "#receipt", page.content()))
    _come_back(page, live.base, "ro", "0000 0000 0000 0000")
    seen.append((page.url + "#wrong", page.content()))
    _come_back(page, live.base, "ro", receipt)
    seen.append((page.url + "#conversation", page.content()))
    _login(page, live.base, "report_handler")
    for path in ("/triage", "/information-pages"):
        page.goto(live.base + path)
        seen.append((page.url, page.content()))
    page.context.close()
    for url, html in seen:
        _axe(chromium, url, html)
