"""The licence number format: ISO 7064 MOD 97-10 check digits against independent oracles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zicht.standard._licence import (
    LicenceNumberError,
    format_licence_number,
    mod97_check_digits,
    parse_licence_number,
)

# IBAN uses the same check (ISO 13616 = ISO 7064 MOD 97-10): the published example IBANs
# GB82 WEST 1234 5698 7654 32 and NL91 ABNA 0417 1643 00, rearranged and with letters as
# numbers (A=10 ... Z=35), must give their printed check digits 82 and 91.
IBAN_ORACLES = [
    ("3214282912345698765432" + "1611", "82"),
    ("10112310" + "0417164300" + "2321", "91"),
]
# Computed by hand with bc: 98 - (code serial 00 mod 97).
LICENCE_ORACLES = [
    ("GM0363", 1, "GM0363-000001-83"),
    ("GM0014", 4217, "GM0014-004217-87"),
    ("GM0599", 0, "GM0599-000000-79"),
]


@pytest.mark.parametrize(("digits", "check"), IBAN_ORACLES)
def test_check_digits_are_the_iban_check(digits: str, check: str) -> None:
    assert mod97_check_digits(digits) == check


@pytest.mark.parametrize(("municipality", "serial", "number"), LICENCE_ORACLES)
def test_format_and_parse(municipality: str, serial: int, number: str) -> None:
    assert format_licence_number(municipality, serial) == number
    parsed = parse_licence_number(number)
    assert (parsed.municipality, int(parsed.serial), str(parsed)) == (municipality, serial, number)


@pytest.mark.parametrize(
    "typed",
    [
        "gm0014-004217-87",
        " GM0014 004217 87 ",
        "0014-004217-87",
        "GM0014.004217.87",
        "0014004217 87",
    ],
)
def test_typing_variants_are_forgiven(typed: str) -> None:
    assert str(parse_licence_number(typed)) == "GM0014-004217-87"


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("GM0014-004217-88", "check_digit"),  # last digit off by one
        ("GM0014-004271-87", "check_digit"),  # two serial digits swapped
        ("GM0041-004217-87", "check_digit"),  # two code digits swapped
        ("GM0014-04217-87", "malformed"),  # a digit missing
        ("GM0014-004217", "malformed"),  # no check digits
        ("", "malformed"),
        ("licence pending", "malformed"),
        ("GM００14-004217-87", "malformed"),  # full-width digits are not ASCII digits
    ],
)
def test_errors_name_the_rule(typed: str, rule: str) -> None:
    with pytest.raises(LicenceNumberError) as caught:
        parse_licence_number(typed)
    assert caught.value.rule == rule


@given(
    serial=st.integers(0, 999_999),
    position=st.integers(0, 11),
    shift=st.integers(1, 9),
)
def test_every_single_digit_typo_is_caught(serial: int, position: int, shift: int) -> None:
    number = format_licence_number("GM0363", serial).replace("GM", "").replace("-", "")
    typo = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    with pytest.raises(LicenceNumberError):
        parse_licence_number(typo)


@given(serial=st.integers(0, 999_999), position=st.integers(0, 10))
def test_every_adjacent_swap_of_different_digits_is_caught(serial: int, position: int) -> None:
    number = format_licence_number("GM0363", serial).replace("GM", "").replace("-", "")
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    with pytest.raises(LicenceNumberError):
        parse_licence_number(swapped)


@given(st.text(max_size=30))
def test_parser_only_ever_raises_its_own_error(text: str) -> None:
    rule = None
    try:
        parsed = parse_licence_number(text)
    except LicenceNumberError as exc:
        rule = exc.rule
    if rule is not None:
        assert rule in {"malformed", "check_digit"}
    else:
        digits = f"{parsed.municipality[2:]}{parsed.serial}{parsed.check}"
        assert int(digits) % 97 == 1
