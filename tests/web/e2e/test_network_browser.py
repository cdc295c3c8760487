"""The network pages in Debian's chromium: no WCAG 2.1 A/AA violation (axe-core) on the
ranking, a network with its drawing, the form that asks for a purpose, its error, and
the network with its members' identities after a look (one audit entry, no purpose or
identity in the address bar)."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext

from tests.network.world import fake_network_run
from tests.web.conftest import WebWorld
from tests.web.e2e.test_browser import _login, _no_violations, browser, live
from zicht.access import search
from zicht.store import network as store

__all__ = ["browser", "live"]  # the fixtures, shared with the main browser test


@pytest.mark.parametrize("role", ["analyst", "coordinator"])
def test_network_pages_are_accessible(
    live: tuple[str, WebWorld], browser: BrowserContext, role: str
) -> None:
    base, world = live
    run = store.latest_network_run(world.engine)
    run_id = run.id if run is not None else fake_network_run(world.engine)
    top = int(store.read_networks(world.engine, run_id, top=1).iloc[0]["network"])
    page = browser.new_page()
    _login(page, base, role)
    for path in ("/networks", f"/networks/{top}", "/networks?lang=en", f"/networks/{top}?lang=en"):
        page.goto(base + path)
        page.wait_for_load_state()
        _no_violations(page)
    page.goto(f"{base}/networks?lang=nl")  # the language chosen last stays in a cookie
    page.get_by_role("link", name=f"Netwerk {top}").click()
    page.wait_for_load_state()
    assert page.locator("svg[role=img] circle").count() == 5
    # the purpose form, with its error summary (an empty purpose)
    page.get_by_role("button", name="Identiteitsgegevens tonen").click()
    page.wait_for_load_state()
    _no_violations(page)
    assert page.locator(".error-summary, [role=alert]").count() >= 1
    before = search(world.engine, action="view_identity")[1]
    page.get_by_label("Doel van inzage").fill("controle van het netwerk")
    page.get_by_role("button", name="Identiteitsgegevens tonen").click()
    page.wait_for_load_state()
    _no_violations(page)
    assert page.url.endswith(f"/networks/{top}")  # POSTed: nothing in the address bar
    assert "controle van het netwerk" in page.content()
    entries, total = search(world.engine, action="view_identity")
    assert total == before + 1 and entries[0].actor == role
    page.close()
