"""Screening flags on hand-built ads: each flag raised by its evidence and only by it."""

from __future__ import annotations

import datetime as dt

import pytest

from zicht.platforms._ads import Ad
from zicht.platforms._feed import licence_in_ad
from zicht.platforms._geo import distance_km, municipalities, municipality_by_name
from zicht.platforms._indicators import text_indicators
from zicht.platforms._screening import Flag, ScreeningPolicy, Usage, UsageIndex, screen_ad
from zicht.store.licences import LicenceState

POSTED = dt.datetime(2026, 3, 10, 12, 0)
ACTIVE = LicenceState(
    "GM0344", dt.date(2025, 1, 1), None, "active", "h1"
)  # Utrecht; GM0344-000001-70 checks (bc)
EMPTY = UsageIndex({})


def _ad(**fields: object) -> Ad:
    values: dict[str, object] = {"ad_id": "a", "platform": "p", "posted_at": POSTED, "text": "Hoi"}
    values.update(fields)
    return Ad(**values)  # type: ignore[arg-type]


def _screen(
    ad: Ad,
    state: LicenceState | None = ACTIVE,
    key: str | None = "L1",
    contact_keys: tuple[str, ...] = (),
    licences: UsageIndex = EMPTY,
    contacts: UsageIndex = EMPTY,
) -> tuple[dict[str, Flag], float]:
    parsed = licence_in_ad(ad)
    flags, score = screen_ad(
        ad,
        licence=parsed,
        licence_key=key if parsed[0] else None,
        state=state if parsed[0] else None,
        contact_keys=contact_keys,
        licences=licences,
        contacts=contacts,
        policy=ScreeningPolicy(),
    )
    return {f.name: f for f in flags}, score


def test_a_licensed_ad_in_its_own_city_has_no_flag() -> None:
    flags, score = _screen(_ad(licence_number="GM0344-000001-70", city="Utrecht"))
    assert (flags, score) == ({}, 0.0)


@pytest.mark.parametrize(
    ("fields", "state", "flag"),
    [
        ({}, ACTIVE, "licence_missing"),
        ({"licence_number": "GM0344-1-70"}, ACTIVE, "licence_malformed"),
        ({"licence_number": "GM0344-000001-71"}, ACTIVE, "licence_check_digit"),
        ({"licence_number": "GM0344-000001-70"}, None, "licence_unknown"),
        (
            {"licence_number": "GM0344-000001-70"},
            LicenceState("GM0344", dt.date(2025, 1, 1), None, "revoked", "h1"),
            "licence_not_active",
        ),
        (
            {"licence_number": "GM0344-000001-70"},
            LicenceState("GM0344", dt.date(2024, 1, 1), dt.date(2026, 3, 9), "active", "h1"),
            "licence_not_active",
        ),
    ],
)
def test_licence_flags(fields: dict[str, object], state: LicenceState | None, flag: str) -> None:
    flags, score = _screen(_ad(**fields), state)
    assert list(flags) == [flag]
    assert flags[flag].kind == "evidence" and score == ScreeningPolicy().weights[flag]


def test_a_number_printed_in_the_text_is_read() -> None:
    flags, _ = _screen(_ad(text="Vergunning gm0344 000001 70, tot ziens", city="Utrecht"))
    assert flags == {}


def test_far_from_the_issuing_municipality() -> None:
    # Utrecht to Maastricht is about 150 km (centroid to centroid, by hand on a map: 145-160).
    flags, _ = _screen(_ad(licence_number="GM0344-000001-70", city="Maastricht"))
    assert list(flags) == ["licence_far"]
    assert "Utrecht (GM0344)" in flags["licence_far"].evidence
    km = distance_km(municipalities()["GM0344"], municipalities()["GM0935"])
    assert 140 < km < 165
    flags, _ = _screen(_ad(licence_number="GM0344-000001-70", city="Amersfoort"))
    assert flags == {}
    assert municipality_by_name("Den Haag") == municipalities()["GM0518"]
    assert municipality_by_name("nowhere") is None


def _uses(key: str, rows: list[tuple[int, str, tuple[str, ...], str | None]]) -> UsageIndex:
    return UsageIndex(
        {key: [Usage(f"t{d}", POSTED + dt.timedelta(days=d), c, k, h, k) for d, c, k, h in rows]}
    )


def test_a_worker_with_two_phones_and_an_address_does_not_share_her_licence() -> None:
    ad = _ad(licence_number="GM0344-000001-70", city="Utrecht")
    uses = [Usage(f"t{d}", POSTED, "Utrecht", (f"p{d}", "mail"), "L1", (f"p{d}",)) for d in (0, 1)]
    assert _screen(ad, licences=UsageIndex({"L1": uses}))[0] == {}


def test_a_borrowed_licence() -> None:
    ad = _ad(licence_number="GM0344-000001-70", city="Utrecht")
    three_phones = _uses(
        "L1",
        [
            (0, "Utrecht", ("p1",), "L1"),
            (1, "Utrecht", ("p2",), "L1"),
            (2, "Utrecht", ("p3",), "L1"),
        ],
    )
    flags, _ = _screen(ad, licences=three_phones)
    assert list(flags) == ["licence_shared"]
    assert "3 ads within 14 days" in flags["licence_shared"].evidence
    two_phones = _uses("L1", [(0, "Utrecht", ("p1",), "L1"), (1, "Utrecht", ("p2",), "L1")])
    assert _screen(ad, licences=two_phones)[0] == {}
    outside_window = _uses(
        "L1",
        [
            (0, "Utrecht", ("p1",), "L1"),
            (1, "Utrecht", ("p2",), "L1"),
            (20, "Zeist", ("p3",), "L1"),
        ],
    )
    assert _screen(ad, licences=outside_window)[0] == {}


def _operator_uses(rows: list[tuple[int, str | None, str, int | None]]) -> UsageIndex:
    """Uses of licence L1: (day, city, phone, operator cluster)."""
    return UsageIndex(
        {
            "L1": [
                Usage(f"t{d}", POSTED + dt.timedelta(days=d), c, (p,), "L1", (p,), o)
                for d, c, p, o in rows
            ]
        }
    )


def test_a_licence_used_by_two_operators_in_different_cities_is_shared() -> None:
    # Two phones and two cities: below the count rule (more than two of either), but the
    # ads are of two operators (nothing in common) that share no city: two hands.
    ad = _ad(licence_number="GM0344-000001-70", city="Utrecht")
    two_hands = _operator_uses([(0, "Utrecht", "p1", 1), (3, "Zandvoort", "p2", 7)])
    flags, score = _screen(ad, licences=two_hands)
    assert list(flags) == ["licence_shared"]
    assert score == ScreeningPolicy().weights["licence_shared"]
    assert flags["licence_shared"].params == {"operators": 2, "days": 14}
    assert "ads of 2 operators within 14 days" in flags["licence_shared"].evidence


@pytest.mark.parametrize(
    "rows",
    [
        # One operator (her two phones joined by her text or photo), two cities: travel.
        [(0, "Utrecht", "p1", 1), (3, "Zandvoort", "p2", 1)],
        # Two operators in one city (e.g. her ads split by a new phone, text and photo).
        [(0, "Utrecht", "p1", 1), (3, " utrecht ", "p2", 7)],
        # Two operators, one of them in Utrecht and Zandvoort: a city in common.
        [(0, "Utrecht", "p1", 1), (1, "Zandvoort", "p1", 1), (3, "Zandvoort", "p2", 7)],
        # The other operator's ad has no city: nothing says where it was.
        [(0, "Utrecht", "p1", 1), (3, None, "p2", 7)],
        # The other operator's ad is outside the window.
        [(0, "Utrecht", "p1", 1), (20, "Zandvoort", "p2", 7)],
    ],
)
def test_a_licence_is_not_shared_without_two_operators_apart(
    rows: list[tuple[int, str | None, str, int | None]],
) -> None:
    ad = _ad(licence_number="GM0344-000001-70", city="Utrecht")
    assert _screen(ad, licences=_operator_uses(rows))[0] == {}


def test_one_phone_across_cities() -> None:
    ad = _ad(licence_number="GM0344-000001-70", city="Utrecht")
    cities = ["Utrecht", "Zeist", "Breda", "Ede"]
    flags, _ = _screen(
        ad,
        contact_keys=("p1",),
        contacts=_uses("p1", [(i, c, ("p1",), None) for i, c in enumerate(cities)]),
    )
    assert list(flags) == ["contact_shared"]
    assert "across 4 cities" in flags["contact_shared"].evidence


@pytest.mark.parametrize(
    ("age", "licence", "expected"),
    [
        (17, None, ["licence_missing", "stated_minor"]),
        (19, "GM0344-000001-70", ["under_licence_age"]),
        (21, "GM0344-000001-70", []),
    ],
)
def test_stated_age(age: int, licence: str | None, expected: list[str]) -> None:
    flags, _ = _screen(_ad(stated_age=age, licence_number=licence, city="Utrecht"))
    assert list(flags) == expected
    if age == 19:
        assert "carries a licence number" in flags["under_licence_age"].evidence


@pytest.mark.parametrize(
    ("text", "validated", "context"),
    [
        ("Hoi, ik ben Anna, 28, in Utrecht", [], []),
        (
            "Jonge Thaise dame, zij is 24/7 beschikbaar",
            ["youth_language", "third_person", "stated_ethnicity"],
            ["always_available"],
        ),
        ("New in town! Real pics 🌹", ["trust_language"], ["movement_language", "emoji_codes"]),
        ("bel nul zes een twee drie vier", ["obscured_phone"], []),
        ("call O6-l2345678", ["obscured_phone"], []),
        ("call 0612345678", [], []),
        ("Youngstown sheriff", [], []),
    ],
)  # fmt: skip
def test_text_indicators(text: str, validated: list[str], context: list[str]) -> None:
    found, shown = text_indicators(text)
    assert ([i.name for i in found], [i.name for i in shown]) == (validated, context)


def test_context_is_never_scored() -> None:
    flags, score = _screen(
        _ad(licence_number="GM0344-000001-70", city="Utrecht", text="New in town 24/7 🌹")
    )
    assert {f.kind for f in flags.values()} == {"context"} and score == 0.0


def test_an_invalid_phone_counts_as_obscured() -> None:
    flags, _ = _screen(
        _ad(licence_number="GM0344-000001-70", city="Utrecht", unreadable_contacts=1)
    )
    assert list(flags) == ["obscured_phone"]
