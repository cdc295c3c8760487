"""Translator: messages, placeholders, numbers and dates per language (hand-written table)."""

from __future__ import annotations

import datetime as dt

import pytest

from zicht.i18n import DEFAULT_LANGUAGE, Translator, languages, resolve, translator

MESSAGES = [
    ("nl", "Page %(page)s of %(pages)s", {"page": 2, "pages": 5}, "Pagina 2 van 5"),
    ("en", "Page %(page)s of %(pages)s", {"page": 2, "pages": 5}, "Page 2 of 5"),
    ("nl", "95%% interval", {}, "95%-interval"),
    ("en", "95%% interval", {}, "95% interval"),
    ("nl", "Log out", {}, "Uitloggen"),
    ("en", "Log out", {}, "Log out"),
    ("nl", "A message no catalogue has", {}, "A message no catalogue has"),
]


@pytest.mark.parametrize(("lang", "message", "values", "expected"), MESSAGES)
def test_messages(lang: str, message: str, values: dict[str, object], expected: str) -> None:
    assert Translator(lang)(message, **values) == expected


def test_a_word_with_two_meanings_is_told_apart_by_context() -> None:
    assert Translator("nl")("Resolved") == "Opgelost"
    assert Translator("nl").pgettext("rows", "Resolved") == "Uit quarantaine"
    assert Translator("en").pgettext("rows", "Resolved") == "Resolved"


NUMBERS = [
    ("nl", 1372, 0, "1.372"),
    ("en", 1372, 0, "1,372"),
    ("nl", 3.456, 1, "3,5"),
    ("en", 3.456, 1, "3.5"),
    ("nl", 1234567.891, 2, "1.234.567,89"),
    ("en", None, 0, ""),
]


@pytest.mark.parametrize(("lang", "value", "digits", "expected"), NUMBERS)
def test_numbers(lang: str, value: float | None, digits: int, expected: str) -> None:
    assert Translator(lang).number(value, digits) == expected


DATES = [
    ("nl", dt.date(2021, 11, 17), "long", "17 november 2021"),
    ("en", dt.date(2021, 11, 17), "long", "17 November 2021"),
    ("nl", dt.date(2021, 3, 5), "medium", "5 mrt 2021"),
    ("en", dt.date(2021, 3, 5), "medium", "5 Mar 2021"),
    ("nl", dt.datetime(2024, 1, 2, 13, 4), "medium", "2024-01-02 13:04"),
]


@pytest.mark.parametrize(("lang", "value", "width", "expected"), DATES)
def test_dates(lang: str, value: dt.date, width: str, expected: str) -> None:
    assert Translator(lang).date(value, width) == expected


def test_dutch_is_the_default_and_unknown_languages_fall_back_to_it() -> None:
    assert DEFAULT_LANGUAGE == "nl"
    assert resolve(None) == resolve("xx") == resolve("") == "nl"
    assert Translator(None).lang == Translator("klingon").lang == "nl"
    assert translator("en") is translator("en")
    assert languages()[:1] == [("nl", "Nederlands")]
    assert ("en", "English") in languages()


def test_labels_of_the_standard_follow_the_language() -> None:
    assert Translator("nl").label("form", "labour") == "Arbeidsuitbuiting"
    assert Translator("en").label("form", "labour") == "Labour exploitation"
    assert Translator("en").label("form", "no-such-code") == "no-such-code"
