"""Every page of every role in Debian's chromium, at 1,280 pixels (issue 14, "Done when").

The pages come from the app's route table and the permission table: each GET page route
is visited by every role that holds its action (and the public pages logged out), with
its path filled from a world that has rows of every kind. Two checks over one tour:

- a Dutch page shows no English text of the catalogues (a sentence of the English
  catalogue whose Dutch differs, or a word only English uses) and no raw code (a
  snake_case identifier such as `age_band` or `victim_registration`). Text marked as
  not to be translated (`<code>`, `translate="no"`: identifiers, names) is left out;
- no page is wider than the window (document.documentElement.scrollWidth against
  clientWidth) and no table is wider than the space it is given.

The registrations and a person are also measured in their widest form, identities shown
beside the analytic columns, reached as a person does: the page's purpose form filled in
and submitted (a purpose in the URL decrypts nothing). A check fails if that shows no
identity columns or no known synthetic name.

A route the tour cannot fill is named in NOT_VISITED with the reason, so a new page is
visited by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.routing import APIRoute
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import select, text

from tests.network.world import fake_network_run
from tests.web.conftest import ORGANISATION_OF, WebWorld
from tests.web.e2e.test_browser import _login, browser, live
from tests.web.test_ads_pages import populate as populate_ads
from zicht.access import ROLES, Principal, authorize
from zicht.config import Settings
from zicht.i18n import LOCALE_DIR
from zicht.platforms.notices import run_notice_demo
from zicht.programme import fill_demo_programme
from zicht.reporting import ReportingPolicy, file_demo_reports
from zicht.shelter import fill_demo as fill_shelter_demo
from zicht.standard import RECORD_TYPES, VOCABULARIES
from zicht.store import IngestBatch, QuarantineRow
from zicht.store import network as network_store
from zicht.store.ad_views import ad_summaries
from zicht.store.web_jobs import finish_job, start_job
from zicht.web.app import all_routes, route_action
from zicht.web.queries import LIST_IDENTITY, field_label

__all__ = ["browser", "live"]  # the fixtures, shared with the main browser test

WIDTH = 1280
# Routes that are no page to look at (downloads) or that the tour does not visit, and why.
NOT_VISITED = {
    "/quarantine/export.csv": "a CSV download",
    "/operators/{cluster}/export.csv": "a CSV download",
    "/audit/export.csv": "a CSV download",
    "/registrations/export.csv": "a CSV download",
    "/reports/{name:path}": "a file download",
    "/health": "no page (a health check)",
    "/": "redirects to the dashboard or the login page",
    "/meld": "the anonymous channel: its own domain (meld) in six languages",
    "/meld/{lang}": "the anonymous channel: its own domain (meld)",
    "/meld/{lang}/back": "the anonymous channel: its own domain (meld)",
    "/meld/{lang}/report/{audience}": "the anonymous channel: its own domain (meld)",
}
# Words of the world's data that look English to the check: the demo's notices name
# their platform "Synthetic platform"; the programme's actions (Dutch texts) name the EU's
# Digital Services Act, the KMar, and say "(demo)".
DATA_WORDS = frozenset({"synthetic", "digital", "services", "kmar", "demo"})
# Elements whose text is no language: code, and what is marked translate="no" (names,
# identifiers) -- HTML's own way to say so, which the templates use for such values.
KEPT = "code,kbd,samp,[translate=no]"


@dataclass
class Visit:
    role: str
    path: str
    status: int
    text: str
    scroll_width: int
    client_width: int
    wide_tables: list[str]
    html: str = ""  # kept only for a page reached through its purpose form


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]{3,}", text)}


def _strings(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "zicht.po").open("rb") as handle:
        catalogue = read_po(handle)
    found: dict[str, str] = {}
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, translated in zip(ids, texts, strict=False):
            found[str(msgid)] = str(translated)
    return found


_FILE_OR_PATH = re.compile(
    r"\S+\.(?:csv|tsv|xlsx|jsonl|ndjson|json|yaml|html|pdf|docx|graphml|gexf)\b"
    r"|/[\w/.-]+|\S+@\S+"
)
_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@dataclass(frozen=True)
class English:
    """What English looks like to the check: sentences and words only English uses."""

    fragments: frozenset[str]
    words: frozenset[str]

    @classmethod
    def from_catalogues(cls) -> English:
        english, dutch = _strings("en"), _strings("nl")
        fragments: set[str] = set()
        english_words: set[str] = set()
        dutch_words: set[str] = set()
        for msgid, translated in english.items():
            if dutch.get(msgid, "") == translated:
                continue  # the same in both languages (a name, a code, "Dashboard")
            for part in re.split(r"%\(\w+\)s|%%|\n", translated):
                part = part.strip(" .,:;()")
                if len(part.split()) >= 3:
                    fragments.add(part)
            english_words |= _words(translated)
        for translated in dutch.values():
            dutch_words |= _words(translated)
        for vocabulary in VOCABULARIES.values():
            for code in vocabulary.codes:
                english_words |= _words(vocabulary.label(code, "en"))
                dutch_words |= _words(vocabulary.label(code, "nl"))
        for kind in RECORD_TYPES.values():
            english_words |= _words(kind.en)
            dutch_words |= _words(kind.nl)
        return cls(frozenset(fragments), frozenset(english_words - dutch_words - DATA_WORDS))

    def findings(self, shown: str) -> list[str]:
        found = [f"English text: {f!r}" for f in sorted(self.fragments) if f in shown]
        found += [
            f"English word: {w!r} in {_around(shown, w)!r}"
            for w in sorted(_words(shown) & self.words)
        ]
        found += [f"code: {c!r}" for c in sorted(set(_CODE.findall(shown)))]
        return found


def _around(shown: str, word: str) -> str:
    found = re.search(r"(?i)\b" + re.escape(word) + r"\b", shown)
    return shown[max(0, found.start() - 30) : found.end() + 30] if found else ""


def language_of_page(page_text: str, usernames: set[str]) -> str:
    """A page's text without file names, paths, e-mail addresses and user names."""
    shown = _FILE_OR_PATH.sub(" ", page_text)
    return re.sub(r"\b(" + "|".join(sorted(usernames)) + r")\b", " ", shown)


_MEASURE = (
    "() => { const KEPT = '"
    + KEPT
    + "';"
    + """
  const root = document.documentElement;
  const wide = [];
  for (const table of document.querySelectorAll('table')) {
    const room = table.parentElement.getBoundingClientRect();
    const box = table.getBoundingClientRect();
    if (box.right > Math.min(room.right, root.clientWidth) + 1) {
      wide.push((table.caption ? table.caption.innerText : table.id || 'table').slice(0, 80));
    }
  }
  const attributes = [];
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
    if (el.closest(KEPT)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (el.getAttribute(name)) attributes.push(el.getAttribute(name));
    }
  }
  const options = [...document.querySelectorAll('option')]
    .filter(o => !o.closest(KEPT)).map(o => o.textContent);
  const shown = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(KEPT + ',script,style,template,option')) continue;
    if (!parent.checkVisibility()) continue;
    shown.push(node.textContent);
  }
  return {
    text: [document.title, shown.join(' '), ...attributes, ...options].join('\\n'),
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    wide: wide,
  };
}"""
)


def _fillers(world: WebWorld) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """A value for each path parameter, from rows the world holds (and per route where
    one name means two things)."""
    engine = world.engine
    with engine.connect() as connection:
        batch = connection.execute(
            select(IngestBatch.id).where(IngestBatch.source == "police").order_by(IngestBatch.id)
        ).scalar()
        entry = connection.execute(
            select(QuarantineRow.id)
            .where(QuarantineRow.source == "police", QuarantineRow.status == "open")
            .order_by(QuarantineRow.id)
        ).scalar()
        first = {
            name: connection.execute(text(query)).scalar()
            for name, query in (
                ("request_id", "SELECT min(id) FROM shelter_request"),
                (
                    "report_id",
                    "SELECT min(id) FROM reporting_report WHERE organisation = 'comensha'",
                ),
                ("notice_id", "SELECT min(id) FROM notice WHERE platform = 'kinky-nl'"),
                (
                    "decision_id",
                    "SELECT min(id) FROM moderation_decision WHERE platform = 'kinky-nl'",
                ),
                ("shelter", "SELECT min(code) FROM shelter"),
                ("job_id", "SELECT min(id) FROM web_job"),
            )
        }
    assert all(value is not None for value in first.values()), first
    run = network_store.latest_network_run(engine)
    assert run is not None
    network = int(network_store.read_networks(engine, run.id, top=1).iloc[0]["network"])
    cluster = next(a.cluster_id for a in ad_summaries(engine, platform="kinky-nl")[0])
    common = {
        "batch_id": str(batch),
        "entry_id": str(entry),
        "record_type": "victim_registration",
        "record_id": "1",
        "person_id": str(world.linked_person),
        "network": str(network),
        "platform": "kinky-nl",
        "ad_id": "k1",
        "cluster": str(cluster),
        "code": "GM0363",
        "request_id": str(first["request_id"]),
        "report_id": str(first["report_id"]),
        "notice_id": str(first["notice_id"]),
        "decision_id": str(first["decision_id"]),
        "job_id": str(first["job_id"]),
    }
    return common, {"/shelter/places/{code}/address": {"code": str(first["shelter"])}}


def _pages(world: WebWorld) -> list[tuple[str | None, str]]:
    """(role, or None for logged out; path) of every page to visit."""
    common, per_route = _fillers(world)
    pages: list[tuple[str | None, str]] = []
    for route in all_routes(world.app.routes):  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute) or "GET" not in route.methods:
            continue
        if route.path.startswith("/api/") or route.path in NOT_VISITED:
            continue
        fillers = {**common, **per_route.get(route.path, {})}
        names = re.findall(r"\{(\w+)(?::path)?\}", route.path)
        missing = [n for n in names if n not in fillers]
        assert not missing, f"{route.path}: no value for {missing}; fill it or say why not"
        path = route.path
        for name in names:
            path = path.replace("{" + name + "}", fillers[name])
        action = route_action(route)
        if action == "public":
            pages.append((None, path))
            continue
        for role in ROLES:
            principal = Principal.for_user(1, role, role, ORGANISATION_OF[role])
            if action is not None and authorize(principal, action):
                pages.append((role, path))
    return pages


# Pages whose widest form, identities shown beside the analytic columns, is reached by
# submitting the page's own purpose form (POSTed with its CSRF token; a purpose in the
# URL decrypts nothing): (role, path, purpose). The quarantine row's purpose form
# (its identity cells as form fields) is driven by tests/web/e2e/test_quarantine_browser.py.
WITH_FORM = [
    ("coordinator", "/registrations", "controle op dubbele registraties"),
    ("data_steward", "/registrations", "controle op dubbele registraties"),
    ("coordinator", "/persons/{person_id}", "controle van de koppeling"),
]
# A synthetic identity of the world (police_victims.csv) that each of those pages shows
# only once the form has been submitted.
KNOWN_NAME = "Popescu"


def _populate(world: WebWorld, folder: Path) -> None:
    """Rows of every kind beside the web world's registrations (the demo's own steps)."""
    fake_network_run(world.engine)
    populate_ads(world, folder)
    fill_shelter_demo(world.engine, world.cipher, seed=1)
    file_demo_reports(world.engine, ReportingPolicy.of(Settings(), world.cipher))
    fill_demo_programme(world.engine, 1)
    run_notice_demo(world.engine, world.cipher, "kinky-nl")
    # a report job that failed with the report service's own message (shown translated)
    job = start_job(world.engine, "report", "coordinator", {"year": 2030, "lang": "nl"})
    assert job is not None
    finish_job(world.engine, job, error="the database holds no registrations: ingest data first")


def _visit(page: Page, base: str, role: str | None, path: str) -> Visit:
    response = page.goto(base + path)
    page.wait_for_load_state()
    return _measured(page, role, path, response.status if response is not None else 0)


def _measured(page: Page, role: str | None, path: str, status: int, html: str = "") -> Visit:
    measured = page.evaluate(_MEASURE)
    return Visit(
        role or "public",
        path,
        status,
        str(measured["text"]),
        int(measured["scrollWidth"]),
        int(measured["clientWidth"]),
        list(measured["wide"]),
        html,
    )


def _visit_with_identities(page: Page, base: str, role: str, path: str, purpose: str) -> Visit:
    """The page as its purpose form shows it: the purpose filled in and submitted in the
    browser, as a person does."""
    page.goto(base + path)
    page.wait_for_load_state()
    form = page.locator("form", has=page.locator("input[name=purpose]"))
    form.get_by_label("Doel van inzage").fill(purpose)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.get_by_role("button", name="Identiteitsgegevens tonen").click()
    page.wait_for_load_state()
    assert "purpose" not in page.url, f"{role} {path}: the purpose went into the URL"
    return _measured(page, role, f"{path} (POST purpose)", posted.value.status, page.content())


@pytest.fixture(scope="module")
def tour(
    live: tuple[str, WebWorld],
    browser: BrowserContext,
    tmp_path_factory: pytest.TempPathFactory,
) -> list[Visit]:
    """Every page of every role, visited once in Dutch at 1,280 pixels."""
    base, world = live
    _populate(world, tmp_path_factory.mktemp("tour"))
    page = browser.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.set_default_timeout(60_000)
    visits: list[Visit] = []
    pages = _pages(world)
    common, _ = _fillers(world)
    for role in [None, *ROLES]:
        wanted = [path for who, path in pages if who == role]
        if role is None:
            page.context.clear_cookies()
        else:
            _login(page, base, role)
        page.goto(f"{base}/login?lang=nl")  # Dutch, remembered in the cookie
        visits += [_visit(page, base, role, path) for path in wanted]
        visits += [
            _visit_with_identities(page, base, role, path.format(**common), purpose)
            for who, path, purpose in WITH_FORM
            if who == role
        ]
    page.close()
    return visits


def test_the_tour_visits_every_role_and_page(tour: list[Visit]) -> None:
    assert {v.role for v in tour} == {"public", *ROLES}
    visited = {v.path for v in tour}
    assert {"/login", "/quarantine", "/audit", "/persons", "/notices", "/triage"} <= visited
    assert all(v.status < 500 for v in tour), [(v.role, v.path) for v in tour if v.status >= 500]


def test_the_purpose_forms_show_identities(tour: list[Visit]) -> None:
    """The widest forms are measured with identities shown: the purpose form worked, the
    purpose stayed out of the URL, and the identity columns and a known name are there."""
    identity_headers = [
        field_label("victim_registration", name, "nl")
        for name in LIST_IDENTITY["victim_registration"]
    ]
    posted = {(v.role, v.path): v for v in tour if v.path.endswith("(POST purpose)")}
    assert len(posted) == len(WITH_FORM), sorted(posted)
    for (role, path), visit in posted.items():
        assert visit.status == 200, (role, path, visit.status)
        headers = [h.strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", visit.html, re.S)]
        missing = [h for h in identity_headers if h not in headers]
        assert not missing, f"{role} {path}: no identity columns {missing}"
        assert KNOWN_NAME in visit.html, f"{role} {path}: no identity shown"


def test_dutch_pages_show_no_english_and_no_code(tour: list[Visit]) -> None:
    english = English.from_catalogues()
    problems = []
    for visit in tour:
        found = english.findings(language_of_page(visit.text, set(ROLES)))
        if found:
            problems.append(f"{visit.role} {visit.path}: {'; '.join(found)}")
    assert not problems, "\n".join(problems)


def test_no_page_is_wider_than_1280_pixels(tour: list[Visit]) -> None:
    problems = [
        f"{v.role} {v.path}: page {v.scroll_width} > {v.client_width} px; tables {v.wide_tables}"
        for v in tour
        if v.scroll_width > v.client_width or v.wide_tables
    ]
    assert not problems, "\n".join(problems)
