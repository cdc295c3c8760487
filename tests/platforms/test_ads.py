"""The ad feed: contacts normalised, every rule named, the JSON Schema true to the parser."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zicht.platforms._ads import AD_FIELDS, REQUIRED_AD_FIELDS, ad_from_cells
from zicht.platforms._contacts import normalise_email, normalise_phone
from zicht.platforms._problems import RowRefused

SCHEMA = Path(__file__).parents[2] / "src" / "zicht" / "platforms" / "ad.schema.json"
PDQ = "f" * 64


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("06-12345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("(020) 123 4567", "+31201234567"),
        ("+32 470 12 34 56", "+32470123456"),
        ("12345", None),
        ("bel mij", None),
        ("", None),
    ],
)
def test_phones(typed: str, normal: str | None) -> None:
    assert normalise_phone(typed) == normal


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        (" Anna.B@Example.NL ", "anna.b@example.nl"),
        ("mailto:x@voorbeeld.nl", "x@voorbeeld.nl"),
        ("x@bücher.de", "x@xn--bcher-kva.de"),
        ("no-at-sign.nl", None),
        ("a@b", None),
        ("a b@c.nl", None),
    ],
)
def test_emails(typed: str, normal: str | None) -> None:
    assert normalise_email(typed) == normal


@given(st.text(max_size=25))
def test_phone_normal_form_is_e164_and_stable(text: str) -> None:
    normal = normalise_phone(text)
    if normal is not None:
        assert re.fullmatch(r"\+[1-9]\d{6,14}", normal)
        assert normalise_phone(normal) == normal


GOOD = {
    "ad_id": "x1",
    "posted_at": "2026-03-01T10:00:00+01:00",
    "text": "Hallo",
    "city": "Utrecht",
    "stated_age": "27",
    "phones": "06-12345678; +31 6 1234 5678; 0612",
    "emails": ["A@B.nl"],
    "image_hashes": [PDQ.upper()],
}


def test_a_good_ad_is_normalised() -> None:
    ad = ad_from_cells(GOOD, "p")
    assert ad.posted_at == dt.datetime(2026, 3, 1, 9, 0)  # UTC
    assert ad.phones == ("+31612345678",)  # two forms of one number, once
    assert ad.unreadable_contacts == 1  # "0612"
    assert (ad.emails, ad.image_hashes, ad.stated_age) == (("a@b.nl",), (PDQ,), 27)
    local = ad_from_cells({**GOOD, "posted_at": "2026-07-01T12:00:00"}, "p")
    assert local.posted_at == dt.datetime(2026, 7, 1, 10, 0)  # Dutch summer time


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"ad_id": ""}, {("ad_id", "required")}),
        ({"text": None}, {("text", "required")}),
        ({"posted_at": "1 maart"}, {("posted_at", "datetime")}),
        ({"stated_age": "twintig"}, {("stated_age", "integer")}),
        ({"stated_age": 130}, {("stated_age", "range")}),
        ({"stated_age": True}, {("stated_age", "integer")}),
        ({"phones": [6, 1]}, {("phones", "list")}),
        ({"image_hashes": ["abc"]}, {("image_hashes", "image_hash")}),
        ({"platform": "other"}, {("platform", "platform")}),
        ({"text": "x" * 20001}, {("text", "too_long")}),
        ({"city": {"name": "Utrecht"}}, {("city", "type")}),
    ],
)
def test_rules(change: dict[str, object], expected: set[tuple[str, str]]) -> None:
    with pytest.raises(RowRefused) as caught:
        ad_from_cells({**GOOD, **change}, "p")
    assert {(p.field, p.rule) for p in caught.value.problems} == expected


def test_schema_names_the_parsers_fields() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert tuple(schema["properties"]) == AD_FIELDS
    assert tuple(schema["required"]) == REQUIRED_AD_FIELDS


def test_schema_accepts_and_refuses_as_the_parser_does() -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")))
    good = {**GOOD, "stated_age": 27, "phones": ["06-12345678"]}
    assert validator.is_valid(good)
    for bad in ({"image_hashes": ["abc"]}, {"stated_age": 130}, {"phones": [6]}):
        assert not validator.is_valid({**good, **bad})
    assert not validator.is_valid({k: v for k, v in good.items() if k != "text"})


@given(
    st.dictionaries(
        st.sampled_from(AD_FIELDS),
        st.one_of(st.none(), st.text(max_size=30), st.integers(), st.lists(st.text(max_size=5))),
    )
)
def test_parser_only_ever_refuses_with_known_rules(cells: dict[str, object]) -> None:
    problems = []
    try:
        ad_from_cells(cells, "p")
    except RowRefused as refusal:
        problems = refusal.problems or [None]
    assert all(p is not None and p.field in AD_FIELDS for p in problems)
