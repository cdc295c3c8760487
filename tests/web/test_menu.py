"""The main menu: each role sees exactly the pages its grants allow, in the page's
language, with the current page marked; the menu built once per role and language
(`zicht.web.rendering`) must never show one role's menu to another."""

from __future__ import annotations

import re
from html import unescape

from tests.web.conftest import ORGANISATION_OF, WebWorld
from zicht.access import ROLE_PERMISSIONS
from zicht.i18n import Translator
from zicht.web.rendering import NAVIGATION

_MENU = re.compile(r'<nav class="main-nav"[^>]*>(.*?)</nav>', re.S)
_ITEM = re.compile(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]*)</a></li>')


def _expected(role: str) -> list[str]:
    # From the permission table itself: "all", or "own" with an organisation.
    grants = ROLE_PERMISSIONS[role]
    has_organisation = ORGANISATION_OF[role] is not None
    return [
        path
        for path, _, action in NAVIGATION
        if grants.get(action) == "all" or (grants.get(action) == "own" and has_organisation)
    ]


def _menu(html: str) -> list[tuple[str, bool, str]]:
    found = _MENU.search(html)
    if found is None:
        return []
    items = _ITEM.findall(found[1])
    return [(href, bool(current), unescape(label)) for href, current, label in items]


def test_every_role_sees_its_own_menu_in_both_languages(sqlite_world: WebWorld) -> None:
    # Roles and languages interleaved in one process, so that a menu remembered under
    # too coarse a key (the language only, say) shows up in the wrong role's page.
    seen = 0
    for lang in ("nl", "en", "nl"):
        t = Translator(lang)
        for role in ROLE_PERMISSIONS:
            expected = _expected(role)
            if not expected:
                continue
            page = expected[-1]
            response = sqlite_world.client(role).get(f"{page}?lang={lang}")
            if response.status_code != 200:
                continue  # a page that needs more than the menu entry (none so far)
            menu = _menu(response.text)
            assert [href for href, _, _ in menu] == expected, (role, lang)
            labels = {path: label for path, label, _ in NAVIGATION}
            assert [label for _, _, label in menu] == [t(labels[p]) for p in expected], (
                role,
                lang,
            )
            assert [href for href, current, _ in menu if current] == [page], (role, lang)
            seen += 1
    assert seen >= 2 * len(ROLE_PERMISSIONS)


def test_the_current_page_is_the_longest_menu_path_it_is_under(sqlite_world: WebWorld) -> None:
    client = sqlite_world.client("coordinator")
    dashboard = _menu(client.get("/dashboard").text)
    assert [href for href, current, _ in dashboard if current] == ["/dashboard"]
    registrations = _menu(client.get("/registrations?record_type=report").text)
    assert [href for href, current, _ in registrations if current] == ["/registrations"]


def test_a_logged_out_page_has_no_menu(sqlite_world: WebWorld) -> None:
    assert _menu(sqlite_world.client().get("/login").text) == []


def test_a_user_with_grants_of_their_own_gets_a_menu_of_their_own() -> None:
    # Two analysts, one with one grant more: the menu is remembered per set of grants,
    # not per role, so the second must not get the first one's menu (or the reverse).
    from dataclasses import replace

    from zicht.access import Principal
    from zicht.web.rendering import _menu_paths

    plain = Principal.for_user(1, "a", "analyst", None)
    extra_action = next(
        action for _, _, action in NAVIGATION if plain.permissions.get(action) is None
    )
    wider = replace(plain, id=2, permissions={**plain.permissions, extra_action: "all"})
    path_of_extra = next(path for path, _, action in NAVIGATION if action == extra_action)
    assert path_of_extra not in _menu_paths(plain)
    assert path_of_extra in _menu_paths(wider)
    assert path_of_extra not in _menu_paths(plain)
