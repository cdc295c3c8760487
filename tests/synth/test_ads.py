"""The synthetic ad world: its truth agrees with what the ads and the register hold."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from zicht.standard._licence import LicenceNumberError, parse_licence_number
from zicht.synth._ads import simulate_ads

_LICENCE_IN_TEXT = re.compile(r"Vergunning (GM\d{4}-\d{6}-\d{2})")


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return simulate_ads(3, independents=80, networks=10, days=10)


def test_same_seed_same_ads() -> None:
    a = simulate_ads(5, independents=10, networks=2, days=3)
    b = simulate_ads(5, independents=10, networks=2, days=3)
    assert a.ads == b.ads and a.truth == b.truth


def test_licence_cases_match_the_numbers_and_the_register(world) -> None:  # type: ignore[no-untyped-def]
    register = {row["licence_number"]: row for rows in world.licences.values() for row in rows}
    cases = Counter()
    for ad, truth in zip(world.ads, world.truth, strict=True):
        case = truth["licence_case"]
        cases[case] += 1
        printed = ad["licence_number"] or next(iter(_LICENCE_IN_TEXT.findall(ad["text"])), None)
        if case == "none":
            assert printed is None
            continue
        if case == "check_digit":
            with pytest.raises(LicenceNumberError):
                parse_licence_number(printed)
            continue
        number = str(parse_licence_number(printed))
        if case == "invented":
            assert number not in register
        elif case == "expired":
            assert register[number]["status"] == "expired"
        elif case == "not_active":
            assert register[number]["status"] in ("suspended", "revoked")
        else:  # own, own_lent, borrowed
            assert register[number]["status"] == "active"
    assert set(cases) >= {"own", "borrowed", "expired", "invented", "check_digit", "none"}


def test_networks_exploit_and_post_for_several_workers(world) -> None:  # type: ignore[no-untyped-def]
    by_operator: dict[str, set[str]] = {}
    for ad, truth in zip(world.ads, world.truth, strict=True):
        assert truth["exploited"] == truth["operator"].startswith("N")
        by_operator.setdefault(truth["operator"], set()).add(ad["title"].split(" (")[0])
        if truth["minor"]:
            assert truth["exploited"]
    assert any(len(names) > 1 for op, names in by_operator.items() if op.startswith("N"))
    assert all(len(names) == 1 for op, names in by_operator.items() if op.startswith("I"))
    assert any(t["minor"] for t in world.truth)


def test_without_contacts_no_phone_or_address_anywhere() -> None:
    bare = simulate_ads(3, independents=30, networks=5, days=5, contacts=False)
    for ad in bare.ads:
        assert not ad["phones"] and not ad["emails"]
        assert not re.search(r"06-\d{8}|@", ad["text"])
