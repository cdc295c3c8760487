"""Finds English texts of the catalogues on a page or in a file meant to be Dutch."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from zicht.i18n import LOCALE_DIR

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _translations(lang: str) -> dict[tuple[str, str | None], str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "zicht.po").open("rb") as source:
        catalogue = read_po(source)
    return {(str(m.id), m.context): str(m.string) for m in catalogue if m.id}


@cache
def english_texts() -> tuple[frozenset[str], frozenset[str]]:
    """English texts that differ from their Dutch: (whole texts, fragments of 3+ words)."""
    dutch, english = _translations("nl"), _translations("en")
    whole, fragments = set(), set()
    for key, text in english.items():
        text = text.replace("%%", "%")
        if dutch[key].replace("%%", "%") == text:
            continue  # the same in both languages (Model, Status, Dashboard)
        if not _PLACEHOLDER.search(text):
            whole.add(text)
        fragments |= {f.strip() for f in _PLACEHOLDER.split(text) if len(f.split()) >= 3}
    return frozenset(whole), frozenset(fragments)


class _Texts(HTMLParser):
    """The visible texts of a page and its labels for assistive technology."""

    # Text inside <code> and <pre> is code (names of fields, parameters and schemas,
    # example requests): the same in every language.
    _CODE = frozenset({"code", "pre"})

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.texts += [v for k, v in attrs if k in ("aria-label", "title", "alt") and v]
        self._in_code += tag in self._CODE

    def handle_endtag(self, tag: str) -> None:
        self._in_code -= tag in self._CODE and self._in_code > 0

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._in_code:
            self.texts.append(" ".join(data.split()))


def untranslated_texts(texts: list[str]) -> list[str]:
    """English texts of the catalogues among `texts` (whole, or a fragment inside one)."""
    whole, fragments = english_texts()
    joined = " ".join(texts)
    found = {text for text in texts if text.rstrip(":") in whole}
    found |= {fragment for fragment in fragments if fragment in joined}
    return sorted(found)


def untranslated(html: str) -> list[str]:
    """English texts of the catalogues on an HTML page."""
    parser = _Texts()
    parser.feed(html)
    return untranslated_texts(parser.texts)
