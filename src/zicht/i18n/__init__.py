"""One language layer: gettext catalogues through Babel, numbers and dates per language.

Messages are English source texts marked in code (`t("...")`, `N_("...")`) and in
templates (`_("...")`, `ngettext`, `{% trans %}`); `pybabel extract` gathers them into
`zicht/locale/zicht.pot` and each language's `zicht.po` translates them (`make
catalogues`). Dutch is the default; a new language is a new `.po` file, no code.
"""

from zicht.i18n._catalogues import DOMAIN, LOCALE_DIR, Catalogue, Catalogues
from zicht.i18n._translator import (
    DEFAULT_LANGUAGE,
    Translator,
    catalogues,
    languages,
    resolve,
    translator,
    use,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LOCALE_DIR",
    "N_",
    "Catalogue",
    "Catalogues",
    "Translator",
    "catalogues",
    "languages",
    "resolve",
    "translator",
    "use",
]


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it (translated where shown)."""
    return message
