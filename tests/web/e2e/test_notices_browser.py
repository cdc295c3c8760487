"""Notice and action in Debian's chromium: a notice filed anonymously (Dutch and
English, about an ad and about child abuse) and as a trusted flagger, the moderator's
queue; the decision (with its error summary), the notifier's complaint and its reversal
by another moderator, all through the web forms; an account termination proposed by
one moderator and approved by a second on the decision page, its statement of reasons
(Dutch) with the redress key, the poster's complaint on the public form and its
rejection by a third moderator; a termination refused by the second moderator, its
notice back in the queue. axe-core finds no WCAG 2.1 A/AA violation on any page."""

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
from zicht.store.notice_cases import complaint_by, decision_by, latest_decision, notice_by
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
    add_user(engine, Actor("test"), "mod-cleo", "platform_moderator", "kinky-nl", PASSWORD)
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
    assert "/decisions/" in page.url and page.url.endswith("?done=decided")
    assert "Statement of reasons (Article 17" in page.content()  # to send to the poster
    _no_violations(page)
    # the anonymous notice: no action
    page.goto(f"{base}/notices?lang=en")
    page.locator("tbody tr").first.locator("a").click()
    page.wait_for_load_state()
    page.check("#acted-no")
    page.fill("#facts", "No indication of illegal content.")
    page.locator("form[action$='/decide'] button").click()
    page.wait_for_load_state()
    assert "A decision not to act has no statement of reasons." in page.content()
    page.goto(f"{base}/notices?lang=en")
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


def test_four_eyes_statement_and_the_posters_complaint(
    live: tuple[str, Engine, Cipher], browser: BrowserContext
) -> None:
    base, engine, _ = live
    page = browser.new_page()
    page.context.clear_cookies()
    reference = _file(
        page, f"{base}/report/kinky-nl/ad/A-3", "STATEMENT_CATEGORY_VIOLENCE", None, english=False
    )
    notice = notice_by(engine, reference=reference)
    assert notice is not None

    # mod-anna proposes to terminate the account (Dutch pages)
    _login(page, base, "mod-anna")
    page.goto(f"{base}/notices/{notice.id}?lang=nl")
    page.check("#acted-yes")
    page.select_option("#account", "DECISION_ACCOUNT_TERMINATED")
    page.check("#content-type-2")  # an image as well as the text
    page.select_option("#automated_decision", "AUTOMATED_DECISION_PARTIALLY")
    page.select_option("#ground", "DECISION_GROUND_INCOMPATIBLE_CONTENT")
    page.fill("#ground_reference", "Huisregel 4.2: geen advertenties namens derden")
    page.fill("#ground_explanation", "Het account plaatst advertenties voor anderen.")
    page.fill("#facts", "Zelfde sjabloon op twintig advertenties van dit account.")
    page.locator("form[action$='/decide'] button").click()
    page.wait_for_load_state()
    _no_violations(page)
    decision = latest_decision(engine, notice.id)
    assert decision is not None and decision.status == "pending_approval"
    assert decision.automated_decision == "AUTOMATED_DECISION_PARTIALLY"
    assert page.locator("form[action$='/approve']").count() == 0  # not its own decider
    page.goto(f"{base}/notices")
    assert page.locator(f"form[action='/decisions/{decision.id}/approve']").count() == 0

    # mod-bert, a second moderator, approves it on the decision page
    _login(page, base, "mod-bert")
    page.goto(f"{base}/notices")
    page.locator(f"a[href='/decisions/{decision.id}']").click()
    page.wait_for_load_state()
    _no_violations(page)
    page.locator(f"form[action='/decisions/{decision.id}/approve'] button").click()
    page.wait_for_load_state()
    assert "goedgekeurd" in page.content()
    _no_violations(page)
    approved = decision_by(engine, id=decision.id)
    assert approved is not None and (approved.status, approved.approved_by) == (
        "in_force",
        "mod-bert",
    )
    statement = page.locator("blockquote.statement").inner_text()
    assert statement.startswith("Motivering (artikel 17")
    key = re.search(r"R-[A-Za-z0-9_-]+", statement)
    assert key is not None and key.group(0) == decision.redress_key
    assert reference not in statement  # never the notifier's reference

    # the poster complains with the statement's key, logged out, in Dutch
    page.context.clear_cookies()
    page.goto(f"{base}/complaint?lang=nl")
    _no_violations(page)
    page.fill("#key", "R-niet-bestaand")
    page.fill("#text", "Dit account plaatst alleen eigen advertenties.")
    page.locator("form[action='/complaint'] button").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary a[href='#key']").count() == 1
    _no_violations(page)
    page.fill("#key", key.group(0))
    page.locator("form[action='/complaint'] button").click()
    page.wait_for_load_state()
    filed = re.search(r"C-[A-Za-z0-9_-]+", page.content())
    assert filed is not None
    _no_violations(page)

    # neither the decider nor the approver reviews it; a third moderator rejects it
    for moderator in ("mod-anna", "mod-bert"):
        _login(page, base, moderator)
        page.goto(f"{base}/notices")
        assert page.locator("form[action$='/review']").count() == 0
    _login(page, base, "mod-cleo")
    page.goto(f"{base}/notices")
    _no_violations(page)
    review = page.locator("form[action$='/review']")
    assert review.count() == 1
    review.locator("input[value=uphold]").check()
    review.locator("textarea").fill("Twintig gelijke advertenties; het besluit blijft.")
    review.locator("button").click()
    page.wait_for_load_state()
    assert "De klacht is beoordeeld." in page.content()
    _no_violations(page)
    complaint = complaint_by(engine, reference=filed.group(0))
    assert complaint is not None and (complaint.status, complaint.reviewer) == (
        "upheld",
        "mod-cleo",
    )
    kept = decision_by(engine, id=decision.id)
    assert kept is not None and kept.status == "in_force"  # upheld: still in force
    page.close()


def test_a_second_moderator_refuses_a_termination(
    live: tuple[str, Engine, Cipher], browser: BrowserContext
) -> None:
    base, engine, _ = live
    page = browser.new_page()
    page.context.clear_cookies()
    reference = _file(
        page, f"{base}/report/kinky-nl/ad/A-4", "STATEMENT_CATEGORY_VIOLENCE", None, english=False
    )
    notice = notice_by(engine, reference=reference)
    assert notice is not None
    _login(page, base, "mod-anna")
    page.goto(f"{base}/notices/{notice.id}?lang=en")
    page.check("#acted-yes")
    page.select_option("#account", "DECISION_ACCOUNT_TERMINATED")
    page.select_option("#ground", "DECISION_GROUND_INCOMPATIBLE_CONTENT")
    page.fill("#ground_reference", "Terms 4.2: no ads on behalf of others")
    page.fill("#ground_explanation", "The account posts ads for others.")
    page.fill("#facts", "The same template on twenty ads of this account.")
    page.locator("form[action$='/decide'] button").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/reject']").count() == 0  # not its own decider
    decision = latest_decision(engine, notice.id)
    assert decision is not None and decision.status == "pending_approval"

    _login(page, base, "mod-bert")
    page.goto(f"{base}/decisions/{decision.id}?lang=en")
    _no_violations(page)
    page.locator(f"form[action='/decisions/{decision.id}/reject'] button").click()
    page.wait_for_load_state()
    assert "The account termination is refused" in page.content()
    _no_violations(page)
    assert page.locator(f"a[href='/notices/{notice.id}']").count() == 1  # back in the queue
    refused = decision_by(engine, id=decision.id)
    assert refused is not None and refused.status == "rejected"
    page.close()
