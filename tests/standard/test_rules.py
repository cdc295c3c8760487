"""Every rule of the standard's record models at its edge, written after reading
mutmut's survivors (issue 23).

Expected values and messages are written by hand from the standard's docs
(docs/standard.md): each rule's message matters, because ingest reads it to name the
rule (``future_date``, ``range``, ``eleven_test``, ``inconsistent``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from zicht.standard import (
    ReportIdentity,
    SuspectIdentity,
    SuspectRegistration,
    VictimIdentity,
    VictimRegistration,
    age_band,
    majority,
)
from zicht.standard._people import is_bsn, normalise_national_id

TODAY = dt.date.today()
BASE: dict[str, Any] = {"source": "police", "source_record_id": "R1", "forms": ("labour",)}


def messages(raised: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [
        str(error["msg"]).removeprefix("Value error, ")
        for error in raised.value.errors(include_input=False, include_url=False)
    ]


# (model, date field, extra fields): every dated rule of the standard.
DATED = [
    (VictimRegistration, "registration_date", BASE),
    (SuspectRegistration, "registration_date", BASE),
    (VictimIdentity, "date_of_birth", {}),
    (SuspectIdentity, "date_of_birth", {}),
]


@pytest.mark.parametrize(("model", "name", "extra"), DATED)
def test_a_date_of_today_and_of_1900_is_accepted(
    model: type[Any], name: str, extra: dict[str, Any]
) -> None:
    for day in (TODAY, dt.date(1900, 1, 1)):
        assert getattr(model(**{**extra, name: day}), name) == day


@pytest.mark.parametrize(("model", "name", "extra"), DATED)
def test_tomorrow_and_the_last_day_of_1899_are_refused_by_name(
    model: type[Any], name: str, extra: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as future:
        model(**{**extra, name: TODAY + dt.timedelta(days=1)})
    assert messages(future) == [f"{name} lies in the future"]
    with pytest.raises(ValidationError) as early:
        model(**{**extra, name: dt.date(1899, 12, 31)})
    assert messages(early) == [f"{name} lies before 1900"]


def test_the_birth_year_is_derived_from_the_date_and_must_agree() -> None:
    assert VictimIdentity(date_of_birth=dt.date(1990, 12, 31)).birth_year == 1990
    assert VictimIdentity(date_of_birth=dt.date(1990, 1, 1), birth_year=1990).birth_year == 1990
    only_year = VictimIdentity(birth_year=1985)
    assert (only_year.birth_year, only_year.date_of_birth) == (1985, None)
    assert VictimIdentity().birth_year is None
    with pytest.raises(ValidationError) as raised:
        VictimIdentity(date_of_birth=dt.date(1990, 1, 1), birth_year=1989)
    assert messages(raised) == ["birth_year disagrees with date_of_birth"]


@pytest.mark.parametrize(
    ("age", "minor"), [(0, True), (17, True), (18, False), (19, False), (120, False)]
)
def test_minor_is_derived_from_the_age_at_18(age: int, minor: bool) -> None:
    assert VictimRegistration(**BASE, registration_date=TODAY, age=age).minor is minor
    # given and agreeing: kept
    given = VictimRegistration(**BASE, registration_date=TODAY, age=age, minor=minor)
    assert given.minor is minor
    with pytest.raises(ValidationError) as raised:
        VictimRegistration(**BASE, registration_date=TODAY, age=age, minor=not minor)
    assert messages(raised) == ["minor disagrees with age"]


def test_minor_without_an_age_is_kept_as_given() -> None:
    assert VictimRegistration(**BASE, registration_date=TODAY).minor is None
    assert VictimRegistration(**BASE, registration_date=TODAY, minor=True).minor is True
    assert VictimRegistration(**BASE, registration_date=TODAY, minor=False).minor is False


def test_a_prosecutor_date_implies_the_referral_and_may_not_precede_registration() -> None:
    day = dt.date(2022, 3, 10)
    same = SuspectRegistration(**BASE, registration_date=day, prosecutor_date=day)
    assert (same.referred_to_prosecutor, same.prosecutor_date) == (True, day)
    given = SuspectRegistration(
        **BASE, registration_date=day, prosecutor_date=day, referred_to_prosecutor=True
    )
    assert given.referred_to_prosecutor is True
    plain = SuspectRegistration(**BASE, registration_date=day)
    assert (plain.referred_to_prosecutor, plain.prosecutor_date) == (False, None)
    referred = SuspectRegistration(**BASE, registration_date=day, referred_to_prosecutor=True)
    assert (referred.referred_to_prosecutor, referred.prosecutor_date) == (True, None)
    with pytest.raises(ValidationError) as raised:
        SuspectRegistration(
            **BASE, registration_date=day, prosecutor_date=day - dt.timedelta(days=1)
        )
    assert messages(raised) == ["prosecutor_date lies before registration_date"]


def test_a_national_id_is_normalised_and_its_rules_named() -> None:
    # 111222333 passes the eleven-test by hand (tests/standard/test_national_id.py).
    dutch = VictimIdentity(national_id_number=" 111-222.333 ", national_id_country="NL")
    assert (dutch.national_id_number, dutch.national_id_country) == ("111222333", "NL")
    foreign = SuspectIdentity(national_id_number="ab-12 3", national_id_country="DE")
    assert (foreign.national_id_number, foreign.national_id_country) == ("AB123", "DE")
    with pytest.raises(ValidationError) as empty:
        VictimIdentity(national_id_number="-.-")
    assert messages(empty) == ["national_id_number has no letters or digits"]
    for country in (None, "NL"):
        with pytest.raises(ValidationError) as eleven:
            VictimIdentity(national_id_number="111222334", national_id_country=country)
        assert messages(eleven) == ["national_id_number fails the BSN eleven-test"]
    # a foreign number is not a BSN: the same digits pass for Germany
    assert (
        VictimIdentity(national_id_number="111222334", national_id_country="DE").national_id_country
        == "DE"
    )
    with pytest.raises(ValidationError) as lone:
        VictimIdentity(national_id_country="NL")
    assert messages(lone) == ["national_id_country given without national_id_number"]
    assert VictimIdentity().national_id_country is None


def test_normalising_keeps_letters_and_digits_upper_case() -> None:
    assert normalise_national_id(" ab.1-2 c/3 ") == "AB12C3"
    assert normalise_national_id("---") == ""


@pytest.mark.parametrize(
    ("number", "valid"),
    [("111222333", True), ("111222334", False), ("", False), ("11122233", False)],
)
def test_is_bsn_is_a_plain_boolean(number: str, valid: bool) -> None:
    assert is_bsn(number) is valid


def test_is_empty_sees_any_filled_field() -> None:
    assert VictimIdentity().is_empty() is True
    assert VictimIdentity(city="Utrecht").is_empty() is False
    assert SuspectIdentity(company_registration_number="12345678").is_empty() is False
    assert ReportIdentity().is_empty() is True
    assert ReportIdentity(description="x").is_empty() is False


# (age, band, majority): written by hand from the CTDC ageBroad bands.
BANDS = [
    (0, "0--8", "minor"),
    (8, "0--8", "minor"),
    (9, "9--17", "minor"),
    (17, "9--17", "minor"),
    (18, "18--20", "adult"),
    (20, "18--20", "adult"),
    (21, "21--23", "adult"),
    (29, "27--29", "adult"),
    (30, "30--38", "adult"),
    (48, "48+", "adult"),
    (120, "48+", "adult"),
]


@pytest.mark.parametrize(("age", "band", "adult"), BANDS)
def test_age_band_and_majority_by_hand(age: int, band: str, adult: str) -> None:
    assert age_band(age) == band
    assert majority(age) == adult


def test_a_negative_age_has_no_band() -> None:
    with pytest.raises(ValueError) as raised:
        age_band(-1)
    assert str(raised.value) == "age must not be negative"
