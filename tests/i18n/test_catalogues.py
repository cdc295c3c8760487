"""The catalogues: every message translated in every language, no fuzzy entry, and the
placeholders of each translation the same as its message's."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from zicht.i18n import LOCALE_DIR

LANGUAGES = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/zicht.po"))
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def _catalogue(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def problems(catalogue: Catalog) -> list[str]:
    """Every message that is empty, fuzzy, or has other placeholders than its msgid."""
    found = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        name = f"{message.context + ': ' if message.context else ''}{ids[0]!r}"
        if message.fuzzy:
            found.append(f"fuzzy {name}")
        if not all(texts):
            found.append(f"empty {name}")
            continue
        for text in texts:
            if _placeholders(text) != _placeholders(ids[-1]):
                found.append(f"placeholders {name}")
    return found


def test_dutch_and_english_exist() -> None:
    assert {"nl", "en"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_once_not_fuzzy_same_placeholders(lang: str) -> None:
    catalogue = _catalogue(LOCALE_DIR / lang / "LC_MESSAGES" / "zicht.po")
    assert len(catalogue) > 200
    assert problems(catalogue) == []


def test_the_check_finds_empty_fuzzy_and_mismatched_entries() -> None:
    # A hand-written catalogue with one fault of each kind: the check must name each.
    bad = b"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Fine %(n)s"
msgstr "Goed %(n)s"

msgid "Empty"
msgstr ""

#, fuzzy
msgid "Guessed"
msgstr "Geraden"

#, python-format
msgid "Page %(page)s of %(pages)s"
msgstr "Pagina %(page)s van %(total)s"

msgid "95%% interval"
msgstr "95-interval"
"""
    catalogue = read_po(io.BytesIO(bad))
    assert problems(catalogue) == [
        "empty 'Empty'",
        "fuzzy 'Guessed'",
        "placeholders 'Page %(page)s of %(pages)s'",
        "placeholders '95%% interval'",
    ]
