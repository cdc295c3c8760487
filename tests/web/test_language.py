"""Dutch pages speak Dutch: no English text of the catalogues shows untranslated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.i18n.english import untranslated
from tests.i18n.test_new_language import add_polish
from tests.web.conftest import WebWorld
from tests.web.test_pages import BAD_FILE
from zicht.i18n import Catalogues, Translator, use
from zicht.web.rendering import environment


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
    pages = _pages(sqlite_world)
    for role, path in pages:
        response = sqlite_world.client(role).get(path)
        assert response.status_code in (200, 400, 403, 404), path
        assert '<html lang="nl">' in response.text
        seen[path] = untranslated(response.text)
    # A registration's identity part, reached as a person does: the purpose form POSTed
    # (a purpose in the URL decrypts nothing), empty (the error at the field) and filled
    # (the identity data shown). Each must be the state it is here for.
    record = next(p for _, p in pages if p.startswith("/registrations/victim_registration/"))
    client = sqlite_world.client("coordinator")
    dutch = Translator("nl")
    expected = {
        "": dutch("State the purpose of access"),
        "controle van de registratie": f"<caption>{dutch('Identity data')}</caption>",
    }
    for purpose, shown in expected.items():
        response = client.post(
            record, data={"purpose": purpose, "csrf_token": sqlite_world.csrf(client)}
        )
        assert response.status_code == 200 and shown in response.text, (purpose, shown)
        assert '<html lang="nl">' in response.text
        seen[f"POST {record} purpose={purpose!r}"] = untranslated(response.text)
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


def test_a_new_language_is_offered_and_spoken_without_code(
    sqlite_world: WebWorld, tmp_path: Path
) -> None:
    previous = use(Catalogues(add_polish(tmp_path / "locale")))
    try:
        client = sqlite_world.client("analyst")
        polish = client.get("/dashboard?lang=pl").text
        assert '<html lang="pl">' in polish
        assert "Najważniejsze dane" in polish  # translated in the Polish catalogue
        assert "Log out" in polish  # not yet translated: the English source text
        dutch = client.get("/dashboard?lang=nl").text
        assert 'hreflang="pl">Polski</a>' in dutch
    finally:
        use(previous)
    assert 'hreflang="pl"' not in sqlite_world.client("analyst").get("/dashboard").text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "Uitloggen · 3 open regels · Uit quarantaine"),
        ("en", "Log out · 3 open rows · Resolved"),
    ],
)
def test_templates_translate_trans_blocks_plurals_and_contexts(lang: str, expected: str) -> None:
    template = environment.from_string(
        "{% trans %}\n  Log out\n{% endtrans %} · "
        '{{ ngettext("%(num)s open row", "%(num)s open rows", 3) }} · '
        '{{ pgettext("rows", "Resolved") }}'
    )
    assert template.render(t=Translator(lang)) == expected
