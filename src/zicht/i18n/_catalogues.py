"""The gettext catalogues: one `zicht.po` per language under `zicht/locale/`.

A domain is one set of catalogues: `zicht` (the app, nl and en) and `meld` (the public
reporting pages, in more languages); each is complete on its own.

A language is a folder `locale/<code>/LC_MESSAGES/` holding `zicht.po` (the source, in
the repository) and `zicht.mo` (compiled by `make setup`, never committed). A missing
or stale `.mo` is compiled from the `.po` in memory at first use, so a fresh clone works
before `make setup` and a new language needs no code.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from functools import cached_property
from gettext import GNUTranslations
from pathlib import Path

from babel import Locale

__all__ = ["DOMAIN", "LOCALE_DIR", "Catalogue", "Catalogues"]

DOMAIN = "zicht"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@dataclass(frozen=True)
class Catalogue:
    """The messages of one language and the Babel locale its numbers and dates use."""

    code: str
    locale: Locale
    translations: GNUTranslations

    @cached_property
    def name(self) -> str:
        """The language's own name for itself (Nederlands, English, polski); looked up in
        Babel's locale data once (the language switch of every page shows it)."""
        return (self.locale.get_language_name(self.locale) or self.code).capitalize()


def _load(code: str, folder: Path, domain: str) -> Catalogue:
    po = folder / f"{domain}.po"
    mo = folder / f"{domain}.mo"
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            translations = GNUTranslations(compiled)
    else:
        # Babel's catalogue code is imported only here: server processes start faster.
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as source:
            catalog = read_po(source, locale=code, domain=domain)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        translations = GNUTranslations(buffer)
    # The header's Language (nl_NL, en_GB) sets how numbers and dates are written.
    language = translations.info().get("language") or code
    return Catalogue(code, Locale.parse(language), translations)


class Catalogues:
    """The languages of one domain found under one locale folder, each loaded once."""

    def __init__(self, root: Path = LOCALE_DIR, domain: str = DOMAIN) -> None:
        self.root = root
        self.domain = domain
        self._loaded: dict[str, Catalogue] = {}
        self._lock = threading.Lock()
        self._codes: tuple[str, ...] | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """Language codes with a catalogue, sorted."""
        if self._codes is None:
            found = self.root.glob(f"*/LC_MESSAGES/{self.domain}.po")
            self._codes = tuple(sorted(p.parent.parent.name for p in found))
        return self._codes

    def get(self, code: str) -> Catalogue:
        """The catalogue of `code`; KeyError when there is none."""
        catalogue = self._loaded.get(code)
        if catalogue is not None:
            return catalogue
        if code not in self.codes:
            raise KeyError(code)
        with self._lock:
            if code not in self._loaded:
                folder = self.root / code / "LC_MESSAGES"
                self._loaded[code] = _load(code, folder, self.domain)
            return self._loaded[code]
