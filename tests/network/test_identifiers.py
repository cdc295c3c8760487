"""Identifiers in their normal form: the same identifier written differently is one key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zicht.network import normal_identifier


@pytest.mark.parametrize(
    ("kind", "written", "normal"),
    [
        ("phone", "06-34159179", "phone/+31634159179"),
        ("phone", "0031634159179", "phone/+31634159179"),
        ("phone", "+31 6 3415 9179", "phone/+31634159179"),
        ("iban", "NL50 ASNB 7005 4861 50", "iban/NL50ASNB7005486150"),
        ("iban", "nl50asnb7005486150", "iban/NL50ASNB7005486150"),
        ("employer", "8836.6953", "employer/88366953"),
        ("email", "MAILTO:Kiki.B@Hotmail.com", "email/kiki.b@hotmail.com"),
        ("postcode", "9253 kk", "postcode/9253KK"),
    ],
)
def test_spellings_meet(kind: str, written: str, normal: str) -> None:
    assert normal_identifier(kind, written) == normal


def test_an_address_is_its_street_and_postcode_or_city() -> None:
    one = normal_identifier("address", "Sterrering  99A", "9253KK", "Gassel")
    assert one == normal_identifier("address", "sterrering 99a", "9253 kk", None)
    assert one == "address/sterrering 99a|9253KK"
    assert normal_identifier("address", "Sterrering 99A", None, "Gassel") == (
        "address/sterrering 99a|gassel"
    )
    assert normal_identifier("address", "Sterrering 99A", None, None) is None


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("phone", "12"),
        # placeholders typed when the number is unknown: of a possible length, but not
        # valid numbers; a phone is a hard identifier, they must not tie strangers
        ("phone", "0000000000"),
        ("phone", "0600000000"),
        ("phone", "06-00000000"),
        ("phone", "1234567890"),
        ("phone", "999999999"),
        ("phone", "+1 555 0100"),
        # outside the ranges the numbering plan gives out (06-0...): as in the ad screening
        ("phone", "06-09762691"),
        ("iban", "NL50"),
        ("employer", "1234567"),
        ("email", "no-at-sign"),
        ("postcode", "ABCD 12"),
        ("phone", None),
        ("iban", "   "),
    ],
)
def test_no_normal_form_is_no_identifier(kind: str, value: str | None) -> None:
    assert normal_identifier(kind, value) is None


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown identifier kind"):
        normal_identifier("shoe_size", "42")


@given(st.text(max_size=40), st.sampled_from(["phone", "email", "iban", "employer", "postcode"]))
def test_any_text_gives_a_prefixed_normal_form_or_none(text: str, kind: str) -> None:
    found = normal_identifier(kind, text)
    assert found is None or found.startswith(f"{kind}/")
    if found is not None:  # normal forms are fixed points: normalising again changes nothing
        assert normal_identifier(kind, found.split("/", 1)[1]) == found


@given(st.from_regex(r"[1-9][0-9]{7}", fullmatch=True), st.sampled_from(["", " ", ".", "-"]))
def test_kvk_numbers_with_separators(digits: str, separator: str) -> None:
    written = digits[:4] + separator + digits[4:]
    assert normal_identifier("employer", written) == f"employer/{digits}"
