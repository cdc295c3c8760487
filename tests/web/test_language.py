"""Dutch pages speak Dutch: no English text of the catalogues shows untranslated."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from tests.web.conftest import WebWorld
from tests.web.test_pages import BAD_FILE
from zicht.i18n import LOCALE_DIR

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _translations(lang: str) -> dict[tuple[str, str | None], str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "zicht.po").open("rb") as source:
        catalogue = read_po(source)
    return {(str(m.id), m.context): str(m.string) for m in catalogue if m.id}


def english_texts() -> tuple[set[str], set[str]]:
    """English texts that differ from their Dutch: (whole texts, long fragments)."""
    dutch, english = _translations("nl"), _translations("en")
    whole, fragments = set(), set()
    for key, text in english.items():
        text = text.replace("%%", "%")
        if dutch[key].replace("%%", "%") == text:
            continue  # the same in both languages (Model, Status, Dashboard)
        if not _PLACEHOLDER.search(text):
            whole.add(text)
        fragments |= {f.strip() for f in _PLACEHOLDER.split(text) if len(f.split()) >= 3}
    return whole, fragments


class _Texts(HTMLParser):
    """The visible texts of a page and its labels for assistive technology."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.texts += [v for k, v in attrs if k in ("aria-label", "title", "alt") and v]

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(" ".join(data.split()))


def untranslated(html: str) -> list[str]:
    """English texts of the catalogues found on a page."""
    whole, fragments = english_texts()
    parser = _Texts()
    parser.feed(html)
    page = " ".join(parser.texts)
    found = {text for text in parser.texts if text.rstrip(":") in whole}
    found |= {fragment for fragment in fragments if fragment in page}
    return sorted(found)


def _pages(world: WebWorld) -> list[tuple[str | None, str]]:
    steward = world.client("data_steward")
    upload = steward.post(
        "/upload",
        data={"csrf_token": world.csrf(steward), "record_type": "victim_registration"},
        files={"file": ("web.csv", BAD_FILE, "text/csv")},
        follow_redirects=False,
    )
    result = str(upload.headers["location"])
    entry = re.search(r'href="/quarantine/(\d+)"', steward.get(result).text)
    assert entry is not None
    listing = world.client("coordinator").get("/registrations").text
    record = re.search(r'href="(/registrations/victim_registration/\d+)"', listing)
    assert record is not None
    return [
        (None, "/login"),
        ("data_steward", "/dashboard"),
        ("data_steward", "/upload"),
        ("data_steward", result),
        ("data_steward", "/quarantine"),
        ("data_steward", f"/quarantine/{entry.group(1)}"),
        ("coordinator", "/registrations"),
        ("coordinator", record.group(1)),
        ("coordinator", f"{record.group(1)}?identities=1&purpose="),
        ("coordinator", "/persons"),
        ("coordinator", f"/persons/{world.linked_person}"),
        ("coordinator", "/estimates"),
        ("coordinator", "/reports"),
        ("auditor", "/audit"),
        ("administrator", "/admin/users"),
        ("administrator", "/admin/tokens"),
        ("administrator", "/admin/organisations"),
        ("administrator", "/no-such-page"),
        ("auditor", "/dashboard"),
    ]


def test_key_pages_in_dutch_show_no_english_text(sqlite_world: WebWorld) -> None:
    seen = {}
    for role, path in _pages(sqlite_world):
        response = sqlite_world.client(role).get(path)
        assert response.status_code in (200, 400, 403, 404), path
        assert '<html lang="nl">' in response.text
        seen[path] = untranslated(response.text)
    assert {path: found for path, found in seen.items() if found} == {}


def test_the_check_finds_english_on_an_english_page(sqlite_world: WebWorld) -> None:
    english = sqlite_world.client("data_steward").get("/dashboard?lang=en").text
    assert {"Headline figures", "Log out", "Skip to content"} <= set(untranslated(english))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Uitloggen</p>", []),
        ("<p>Log out</p>", ["Log out"]),
        ('<nav aria-label="Main menu"></nav>', ["Main menu"]),
        ("<p>Gebruiker 12 entries, newest first</p>", ["entries, newest first"]),
        ("<p>Model</p><p>Dashboard</p>", []),  # the same word in Dutch
    ],
)
def test_the_check_on_hand_written_pages(html: str, expected: list[str]) -> None:
    assert untranslated(html) == expected
