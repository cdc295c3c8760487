"""The `meld` domain (public reporting pages): the six languages each hold every message
of its code and templates, translated, not fuzzy, with the same placeholders; the
`zicht` domain holds none of them; a right-to-left language turns the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.i18n.test_catalogues import problems
from tests.i18n.test_extraction import catalogue
from zicht.i18n import LOCALE_DIR, Catalogues, translator, use
from zicht.reporting import LANGUAGES

ROOT = Path(__file__).parents[2]
# As the Makefile's `catalogues` target passes them for the meld domain.
KEYWORDS = {"M_": None, "_": None, "ngettext": (1, 2)}


def _extracted() -> set[tuple[str, str | None]]:
    with (ROOT / "babel-meld.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {
        (message[0] if isinstance(message, tuple) else message, context)
        for *_, message, _, context in extract_from_dir(
            ROOT / "src" / "zicht", method_map, options_map, keywords=KEYWORDS
        )
    }


def test_the_six_languages_have_a_meld_catalogue() -> None:
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/meld.po"))
    assert found == sorted(LANGUAGES) == ["bg", "en", "nl", "pl", "ro", "uk"]


@pytest.mark.parametrize("name", ["meld.pot", *[f"{c}/LC_MESSAGES/meld.po" for c in LANGUAGES]])
def test_every_public_message_is_in_each_catalogue_and_no_other(name: str) -> None:
    in_code = _extracted()
    assert len(in_code) > 40
    held = catalogue(LOCALE_DIR / name)
    assert in_code - held == set(), "new messages: run the meld steps of make catalogues"
    assert held - in_code == set(), "messages no longer used: run make catalogues"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_message_is_translated(lang: str) -> None:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "meld.po").open("rb") as source:
        assert problems(read_po(source)) == []


def test_the_public_pages_are_not_in_the_zicht_domain() -> None:
    zicht = catalogue(LOCALE_DIR / "zicht.pot")
    assert ("Leave this site quickly", None) not in zicht
    assert ("I saw something", None) not in zicht


def test_each_language_really_translates() -> None:
    texts = {lang: translator(lang, "meld")("In danger now? Call 112.") for lang in LANGUAGES}
    assert len(set(texts.values())) == len(LANGUAGES)
    assert all("112" in text for text in texts.values())


def test_a_right_to_left_catalogue_turns_the_page(tmp_path: Path) -> None:
    folder = tmp_path / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "meld.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Leave this site quickly"\nmsgstr "غادر هذا الموقع بسرعة"\n',
        encoding="utf-8",
    )
    previous = use(Catalogues(tmp_path, domain="meld"))
    try:
        from zicht.web.meld_pages import render_meld

        html = render_meld("meld/back.html", "ar", error=None).body.decode()
    finally:
        use(previous)
    assert 'dir="rtl"' in html and "غادر هذا الموقع بسرعة" in html
