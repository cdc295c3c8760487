"""A new language is a catalogue, not code: a Polish zicht.po dropped beside the others."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from zicht.i18n import LOCALE_DIR, Catalogues, Translator, languages, use

POLISH = """
msgid ""
msgstr ""
"Language: pl\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=3; "
"plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgid "Headline figures"
msgstr "Najważniejsze dane"

#, python-format
msgid "Page %(page)s of %(pages)s"
msgstr "Strona %(page)s z %(pages)s"

#, python-format
msgid "%(num)s row"
msgid_plural "%(num)s rows"
msgstr[0] "%(num)s wiersz"
msgstr[1] "%(num)s wiersze"
msgstr[2] "%(num)s wierszy"
"""


def add_polish(root: Path) -> Path:
    """A copy of the `zicht` catalogues with a Polish one added; returns its folder."""
    # The `meld` domain (public reporting pages) already speaks Polish: left out here.
    shutil.copytree(LOCALE_DIR, root, ignore=shutil.ignore_patterns("*.mo", "meld.*"))
    folder = root / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zicht.po").write_text(POLISH, encoding="utf-8")
    return root


@pytest.fixture
def with_polish(tmp_path: Path) -> Iterator[Path]:
    previous = use(Catalogues(add_polish(tmp_path / "locale")))
    try:
        yield tmp_path / "locale"
    finally:
        use(previous)


@pytest.mark.usefixtures("with_polish")
def test_a_polish_catalogue_is_picked_up_without_code() -> None:
    assert ("pl", "Polski") in languages()
    polish = Translator("pl")
    assert polish.lang == "pl"
    assert polish("Headline figures") == "Najważniejsze dane"
    assert polish("Page %(page)s of %(pages)s", page=1, pages=3) == "Strona 1 z 3"
    assert polish("Log out") == "Log out"  # not yet translated: the English source text
    # Plural forms and number format come from the catalogue's header and Babel's locale.
    assert polish.ngettext("%(num)s row", "%(num)s rows", 1) == "1 wiersz"
    assert polish.ngettext("%(num)s row", "%(num)s rows", 3) == "3 wiersze"
    assert polish.ngettext("%(num)s row", "%(num)s rows", 1375) == "1\xa0375 wierszy"


def test_without_the_catalogue_there_is_no_polish() -> None:
    assert "pl" not in dict(languages())
    assert Translator("pl").lang == "nl"


def _po(text: str) -> str:
    return (
        'msgid ""\nmsgstr ""\n"Language: fy\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        f'msgid "Log out"\nmsgstr "{text}"\n'
    )


def test_a_compiled_catalogue_is_used_while_it_is_newer_than_its_source(tmp_path: Path) -> None:
    folder = tmp_path / "fy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po, mo = folder / "zicht.po", folder / "zicht.mo"
    mo.write_text(_po("from the .mo"), encoding="utf-8")
    with mo.open("rb") as source:
        compiled = read_po(source)
    with mo.open("wb") as target:
        write_mo(target, compiled)
    po.write_text(_po("from the .po"), encoding="utf-8")
    os.utime(po, (1_000_000, 1_000_000))
    os.utime(mo, (2_000_000, 2_000_000))
    assert Catalogues(tmp_path).get("fy").translations.gettext("Log out") == "from the .mo"
    assert str(Catalogues(tmp_path).get("fy").locale) == "fy"  # from the .mo's header
    os.utime(po, (3_000_000, 3_000_000))  # the source changed after compiling: the .po wins
    assert Catalogues(tmp_path).get("fy").translations.gettext("Log out") == "from the .po"
