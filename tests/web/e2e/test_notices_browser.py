"""Notice and action in Debian's chromium: a notice filed anonymously (Dutch and
English, about an ad and about child abuse) and as a trusted flagger, the moderator's
queue; the decision (with its error summary), the notifier's complaint and its reversal
by another moderator, all through the web forms. axe-core finds no WCAG 2.1 A/AA
violation on any page."""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, sync_playwright
from sqlalchemy import Engine

from tests.conftest import CHROMIUM_ARGS
from zicht.access import Actor, Principal, add_user
from zicht.config import Settings
from zicht.platforms.notices import designate_flagger, queue, register_platform
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.store.notice_cases import notice_by
from zicht.web import create_app

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PASSWORD = "a-long-test-password-1"
ADMIN = Principal.for_user(1, "admin", "administrator", None)
MODERATOR = Principal.for_user(2, "mod-anna", "platform_moderator", "kinky-nl")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine, Cipher]]:
    folder = tmp_path_factory.mktemp("e2e-notices")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    cipher = Cipher(generate_key())
    register_platform(engine, ADMIN, "kinky-nl", "Kinky NL", "dsa@kinky.example")
    designate_flagger(engine, ADMIN, "police", dt.date(2026, 1, 1))
    add_user(engine, Actor("test"), "mod-anna", "platform_moderator", "kinky-nl", PASSWORD)
    add_user(engine, Actor("test"), "mod-bert", "platform_moderator", "kinky-nl", PASSWORD)
    add_user(engine, Actor("test"), "flag-police", "trusted_flagger", "police", PASSWORD)
    app = create_app(
        Settings(database_url=str(engine.url)), engine=engine, cipher=cipher, report_dir=folder
    )
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
        yield f"http://127.0.0.1:{port}", engine, cipher
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


def _no_violations(page: Page) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe checked nothing"
    assert results.violations_count == 0, results.generate_report()


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def _file(page: Page, url: str, category: str, email: str | None, english: bool) -> str:
    page.goto(url)
    _no_violations(page)
    page.select_option("#category", category)
    page.get_by_role("button", name="Next" if english else "Volgende").click()
    page.wait_for_load_state()
    _no_violations(page)
    page.fill("#url", "https://kinky.example/ad/A-1")
    page.fill("#explanation", "Same template as a network's ads; the worker seems controlled.")
    if email is not None:
        page.fill("#email", email)
    page.check("#good_faith")
    page.get_by_role("button", name="Send the notice" if english else "Melding versturen").click()
    page.wait_for_load_state()
    _no_violations(page)
    found = re.search(r"N-[A-Za-z0-9_-]+", page.content())
    assert found, page.content()
    return found.group(0)


def test_file_decide_complain_reverse(
    live: tuple[str, Engine, Cipher], browser: BrowserContext
) -> None:
    base, engine, _ = live
    page = browser.new_page()
    page.context.clear_cookies()
    anonymous = _file(
        page, f"{base}/report/kinky-nl/ad/A-1", "STATEMENT_CATEGORY_VIOLENCE",
        "melder@example.org", english=False,
    )  # fmt: skip
    page.goto(f"{base}/report/kinky-nl?lang=en&category=STATEMENT_CATEGORY_PROTECTION_OF_MINORS")
    assert page.locator("#email").count() == 0  # never asked about child abuse
    _no_violations(page)
    page.goto(f"{base}/report/kinky-nl?lang=en")
    page.select_option("#category", "STATEMENT_CATEGORY_VIOLENCE")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Send the notice").click()  # empty: the error summary
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    _no_violations(page)

    _login(page, base, "flag-police")
    flagged = _file(
        page, f"{base}/report/kinky-nl/ad/A-2", "STATEMENT_CATEGORY_VIOLENCE", None, english=False
    )
    page.goto(f"{base}/notices")
    _no_violations(page)
    assert "kinky-nl" in page.content()

    _login(page, base, "mod-anna")
    page.goto(f"{base}/notices?lang=en")
    _no_violations(page)
    lanes = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert lanes[:2] == ["trusted flagger", "standard"]  # the flagger's notice jumps the queue
    assert anonymous != flagged

    # the flagger's notice: removed, through the decision form
    page.locator("tbody tr").first.locator("a").click()
    page.wait_for_load_state()
    _no_violations(page)
    page.locator("form[action$='/take'] button").click()
    page.wait_for_load_state()
    page.check("#acted-yes")
    page.locator("input[name=visibility]").first.check()
    page.select_option("#ground", "DECISION_GROUND_ILLEGAL_CONTENT")
    page.fill("#ground_reference", "Article 273f Dutch Criminal Code (human trafficking)")
    page.fill("#ground_explanation", "Recruitment for sexual exploitation.")
    page.locator("form[action$='/decide'] button").click()  # no facts: the error summary
    page.wait_for_load_state()
    assert page.locator(".error-summary a[href='#facts']").count() == 1
    _no_violations(page)
    page.fill("#facts", "Template ad of a network.")
    page.locator("form[action$='/decide'] button").click()
    page.wait_for_load_state()
    assert page.url.endswith("/notices?done=decided")
    _no_violations(page)
    # the anonymous notice: no action
    page.locator("tbody tr").first.locator("a").click()
    page.wait_for_load_state()
    page.check("#acted-no")
    page.fill("#facts", "No indication of illegal content.")
    page.locator("form[action$='/decide'] button").click()
    page.wait_for_load_state()
    assert "There are no open notices." in page.content()
    notice = notice_by(engine, reference=anonymous)
    assert notice is not None and notice.status == "decided"

    # the notifier complains with the receipt reference, logged out
    page.context.clear_cookies()
    page.goto(f"{base}/complaint?lang=en")
    _no_violations(page)
    page.fill("#key", anonymous)
    page.fill("#text", "The ad is clearly a network's template; please look again.")
    page.locator("form[action='/complaint'] button").click()
    page.wait_for_load_state()
    assert re.search(r"C-[A-Za-z0-9_-]+", page.content())
    _no_violations(page)

    # the decider may not review it; another moderator reverses it
    _login(page, base, "mod-anna")
    page.goto(f"{base}/notices?lang=en")
    assert page.locator("form[action$='/review']").count() == 0
    _login(page, base, "mod-bert")
    page.goto(f"{base}/notices?lang=en")
    _no_violations(page)
    review = page.locator("form[action$='/review']")
    assert review.count() == 1
    review.locator("input[value=reverse]").check()
    review.locator("textarea").fill("The template matches a known network.")
    review.locator("button").click()
    page.wait_for_load_state()
    assert "The complaint is reviewed." in page.content()
    _no_violations(page)
    reopened = notice_by(engine, reference=anonymous)
    assert reopened is not None and reopened.status == "open"  # back in the queue at once
    assert [e.notice_id for e in queue(engine, MODERATOR, "kinky-nl")] == [reopened.id]
    page.close()
