"""The catalogues hold exactly the messages of the code and templates (as pybabel finds them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from zicht.i18n import LOCALE_DIR

ROOT = Path(__file__).parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "t": None, "N_": None}  # as `make catalogues` passes them

Key = tuple[str, str | None]


def extracted(source: Path) -> set[Key]:
    """(msgid, context) of every message pybabel extracts from `source` with babel.cfg."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for *_, message, _, context in extract_from_dir(
        source, method_map, options_map, keywords=KEYWORDS
    ):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


def catalogue(path: Path) -> set[Key]:
    with path.open("rb") as source:
        return {
            (m.id[0] if isinstance(m.id, tuple) else m.id, m.context)
            for m in read_po(source)
            if m.id
        }


@pytest.fixture(scope="module")
def in_code() -> set[Key]:
    return extracted(ROOT / "src" / "zicht")


@pytest.mark.parametrize(
    "name", ["zicht.pot", "nl/LC_MESSAGES/zicht.po", "en/LC_MESSAGES/zicht.po"]
)
def test_every_message_of_the_code_is_in_the_catalogue_and_no_other(
    in_code: set[Key], name: str
) -> None:
    held = catalogue(LOCALE_DIR / name)
    assert in_code - held == set(), "new messages: run make catalogues and translate them"
    assert held - in_code == set(), "messages no longer used: run make catalogues"


def test_extraction_sees_python_templates_and_contexts(in_code: set[Key], tmp_path: Path) -> None:
    # A hand-made source tree: each way of marking a message must be found, and only those.
    (tmp_path / "web" / "templates").mkdir(parents=True)
    (tmp_path / "web" / "page.py").write_text(
        'TITLE = N_("Marked only")\n'
        "def view(t):\n"
        '    return t("Shown %(n)s", n=1) + t.pgettext("rows", "Resolved") + str(len("plain"))\n'
    )
    (tmp_path / "web" / "templates" / "page.html").write_text(
        '{{ _("In a template") }} {{ ngettext("%(num)s row", "%(num)s rows", 2) }}'
        "{% trans %}A block{% endtrans %}"
    )
    assert extracted(tmp_path) == {
        ("Marked only", None),
        ("Shown %(n)s", None),
        ("Resolved", "rows"),
        ("In a template", None),
        ("%(num)s row", None),
        ("A block", None),
    }
    assert ("Resolved", "rows") in in_code and ("Log out", None) in in_code
