"""National identification numbers: the BSN eleven-test and foreign numbers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from zicht.standard._people import is_bsn
from zicht.standard._records import VictimIdentity

# Eleven-test by hand: 9·d1 + 8·d2 + … + 2·d8 − d9 must be a multiple of 11.
# 123456782: 9+16+21+24+25+24+21+16 − 2 = 154 = 14·11 (valid)
# 123456789: 156 − 9 = 147 (147 mod 11 = 4, invalid)
# 111222333: 9+8+7+12+10+8+9+6 − 3 = 66 = 6·11 (valid)
# 111222334: 69 (invalid)
ELEVEN_TEST = [
    ("123456782", True),
    ("123456789", False),
    ("111222333", True),
    ("111222334", False),
    ("1234567", False),
]


@pytest.mark.parametrize(("number", "valid"), ELEVEN_TEST)
def test_eleven_test(number: str, valid: bool) -> None:
    assert is_bsn(number) is valid


def test_a_number_without_country_is_a_bsn_written_any_way() -> None:
    identity = VictimIdentity(national_id_number="1112.22.333")
    assert identity.national_id_number == "111222333"
    assert identity.national_id_country == "NL"


@pytest.mark.parametrize("country", [None, "NL"])
def test_a_dutch_number_failing_the_eleven_test_is_refused(country: str | None) -> None:
    with pytest.raises(ValidationError, match="BSN eleven-test") as raised:
        VictimIdentity(national_id_number="123456789", national_id_country=country)
    assert "123456789" not in str(raised.value)


def test_a_foreign_number_keeps_its_country_and_skips_the_eleven_test() -> None:
    identity = VictimIdentity(national_id_number="ro 1800101-221144", national_id_country="RO")
    assert (identity.national_id_number, identity.national_id_country) == ("RO1800101221144", "RO")


def test_a_country_without_a_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="without national_id_number"):
        VictimIdentity(national_id_country="RO")


def test_middle_names_are_an_identity_field_of_their_own() -> None:
    identity = VictimIdentity(given_names="Jan", middle_names="P. J.")
    assert identity.middle_names == "P. J."
    assert "middle_names" in VictimIdentity.model_fields
