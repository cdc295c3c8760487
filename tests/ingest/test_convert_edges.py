"""Edges of row conversion, written after reading mutmut's survivors (issue 23).

Yes/no cells and flag columns, whole numbers from spreadsheet cells, ISO dates as the
fallback of a source's formats, the kept originals of spreadsheet date-times, rules
that name two fields, and the stored form of a record's flags. Expected values are
written by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ValidationError, model_validator

from zicht.ingest._convert import Converter, ValidRecord, _kind_of
from zicht.ingest._dates import date_parser
from zicht.ingest._identity import _named_fields, flag_labels, validate_identity
from zicht.ingest._mapping import Mapping
from zicht.ingest._problems import RowProblem
from zicht.ingest._readers import RawRow
from zicht.standard import VictimIdentity, VictimRegistration

MAPPING = Mapping(
    source="police",
    columns={
        "id": "source_record_id",
        "datum": "registration_date",
        "vorm": "forms",
        "leeftijd": "age",
        "minderjarig": "minor",
        "geboren": "date_of_birth",
        "jaar": "birth_year",
    },
    flags={"forms": {"IsSeks": "sexual_domestic", "IsArbeid": "labour"}},
    values={"forms": {"AU": "labour"}, "minor": {"M": "ja", "V": "nee"}},
    date_formats={"registration_date": ["%d-%m-%Y"], "date_of_birth": ["%d-%m-%Y"]},
    null_values=["", "NB"],
)
BASE = {"id": "A1", "datum": "01-02-2021", "vorm": "AU"}


def convert(**cells: Any) -> ValidRecord | list[RowProblem]:
    return Converter(MAPPING, "police").convert(RawRow(1, {**BASE, **cells}))


def record(**cells: Any) -> dict[str, Any]:
    result = convert(**cells)
    assert isinstance(result, ValidRecord), result
    return result.analytic.model_dump()


def rules(**cells: Any) -> list[tuple[str, str, str | None]]:
    result = convert(**cells)
    assert isinstance(result, list), result
    return [(p.field, p.rule, p.column) for p in result]


@pytest.mark.parametrize(
    ("cell", "minor"),
    [("ja", True), ("J", True), (" nee ", False), ("M", True), ("V", False), (True, True)],
)
def test_a_yes_no_cell_through_the_value_map_and_the_true_and_false_words(
    cell: object, minor: bool
) -> None:
    # "M" and "V" are mapped to "ja" and "nee" first (values), then read as yes or no.
    assert record(minderjarig=cell)["minor"] is minor


def test_a_yes_no_cell_that_is_neither_is_named() -> None:
    assert rules(minderjarig="misschien") == [("minor", "boolean", "minderjarig")]


@pytest.mark.parametrize(
    ("flags", "forms"),
    [
        ({"IsSeks": "1", "IsArbeid": "0"}, ("sexual_domestic", "labour")),  # labour from vorm
        ({"IsSeks": " ja ", "IsArbeid": "ja"}, ("sexual_domestic", "labour")),
        ({"IsSeks": "NB", "IsArbeid": ""}, ("labour",)),  # null cells add nothing
        ({"IsSeks": 1.0}, ("sexual_domestic", "labour")),  # a spreadsheet's 1.0
        ({"IsSeks": 0.0}, ("labour",)),
        ({"IsSeks": True}, ("sexual_domestic", "labour")),
    ],
)
def test_flag_columns_add_their_code_once(flags: dict[str, object], forms: tuple[str]) -> None:
    assert record(**flags)["forms"] == forms


def test_flag_columns_alone_give_the_forms() -> None:
    assert record(vorm="", IsArbeid="1")["forms"] == ("labour",)
    assert record(vorm="NB", IsSeks="j", IsArbeid="n")["forms"] == ("sexual_domestic",)


@pytest.mark.parametrize("cell", ["misschien", 2.5, "2"])
def test_a_flag_cell_that_is_not_yes_or_no_is_named(cell: object) -> None:
    assert rules(IsSeks=cell) == [("forms", "boolean", "IsSeks")]


@pytest.mark.parametrize(("cell", "age"), [(30, 30), (30.0, 30), ("30", 30), ("+7", 7)])
def test_a_whole_number_from_text_or_a_spreadsheet_cell(cell: object, age: int) -> None:
    assert record(leeftijd=cell)["age"] == age


@pytest.mark.parametrize("cell", [True, 30.5, "1_0", "٣٠", "3 0"])
def test_a_cell_that_is_not_a_whole_number_is_named(cell: object) -> None:
    assert rules(leeftijd=cell) == [("age", "integer", "leeftijd")]


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("2021-02-01", dt.date(2021, 2, 1)),  # exactly ten characters
        ("2021-02-01T10:30:00", dt.date(2021, 2, 1)),
        ("2021-02-01 10:30", dt.date(2021, 2, 1)),
        (dt.datetime(2021, 2, 1, 23, 59), dt.date(2021, 2, 1)),  # a spreadsheet date-time
        (dt.date(2021, 2, 1), dt.date(2021, 2, 1)),
    ],
)
def test_an_iso_date_is_read_when_the_source_s_formats_fail(cell: object, date: dt.date) -> None:
    assert record(datum=cell)["registration_date"] == date


@pytest.mark.parametrize("cell", ["2021/02/01", "20210201", "2021-0201", "2021-02-1", "21-02-01"])
def test_a_date_in_neither_the_format_nor_iso_is_named(cell: str) -> None:
    assert rules(datum=cell) == [("registration_date", "date", "datum")]


def test_the_original_of_a_flagged_spreadsheet_date_time_is_kept_in_iso_form() -> None:
    result = convert(geboren=dt.datetime(1850, 4, 3, 12, 0))
    assert isinstance(result, ValidRecord)
    assert [(f.field, f.rule) for f in result.flags] == [("date_of_birth", "range")]
    assert result.originals == {"geboren": "1850-04-03T12:00:00"}
    text = convert(geboren="03-04-1850")
    assert isinstance(text, ValidRecord) and text.originals == {"geboren": "03-04-1850"}


def test_a_rule_naming_two_fields_leaves_both_out() -> None:
    # birth year 1990 against a date of birth in 2004: both are flagged, the row is kept.
    result = convert(geboren="03-04-2004", jaar="1990")
    assert isinstance(result, ValidRecord)
    assert sorted((f.field, f.rule, f.column) for f in result.flags) == [
        ("birth_year", "inconsistent", "jaar"),
        ("date_of_birth", "inconsistent", "geboren"),
    ]
    identity = result.identity.model_dump()
    assert (identity["date_of_birth"], identity["birth_year"]) == (None, None)
    assert result.originals == {"geboren": "03-04-2004", "jaar": "1990"}


def test_the_fields_a_problem_names() -> None:
    values = {"birth_year": 1990, "date_of_birth": dt.date(2004, 4, 3), "city": "Ede"}
    own = RowProblem("city", "too_long")
    assert _named_fields(own, values) == ["city"]
    cross = RowProblem("(record)", "inconsistent", None, "birth_year,date_of_birth disagree")
    assert _named_fields(cross, values) == ["birth_year", "date_of_birth"]
    assert _named_fields(RowProblem("(record)", "invalid"), values) == []


def test_the_stored_form_of_flags() -> None:
    flags = [RowProblem("b", "x", "col"), RowProblem("a", "y"), RowProblem("a", "y", "other")]
    assert flag_labels(flags) == "a:y;b:x"
    assert flag_labels(()) is None


def test_the_date_parser_s_messages() -> None:
    with pytest.raises(ValueError) as not_ascii:
        date_parser("%d %B %Y")("٠١ January 2020")
    assert str(not_ascii.value) == "date holds digits that are not ASCII"
    with pytest.raises(ValueError) as early:
        date_parser("%d %B %Y")("01 January 0999")
    assert str(early.value) == "a four-digit year starts with 1-9"
    with pytest.raises(ValueError) as unfit:
        date_parser("%d-%m-%Y")("1-13-2020")
    assert str(unfit.value) == "date does not match format"


def test_a_spreadsheet_s_true_is_true_whatever_the_source_s_yes_words() -> None:
    mapping = MAPPING.model_copy(
        update={
            "true_values": ["ja"],
            "false_values": ["nee"],
            "values": {"forms": {"AU": "labour"}},  # no value map for minor
        }
    )
    cells = {**BASE, "minderjarig": True}
    result = Converter(mapping, "police").convert(RawRow(1, cells))
    assert isinstance(result, ValidRecord) and result.analytic.model_dump()["minor"] is True
    refused = Converter(mapping, "police").convert(RawRow(1, {**cells, "minderjarig": "true"}))
    assert refused == [RowProblem("minor", "boolean", "minderjarig")]


def test_a_plain_rule_has_no_detail() -> None:
    assert convert(vorm="XX") == [RowProblem("forms", "code", "vorm")]
    assert convert(leeftijd="250") == [RowProblem("age", "range", "leeftijd")]


def test_a_rule_the_converter_does_not_know_is_invalid() -> None:
    with pytest.raises(ValidationError) as raised:
        VictimRegistration(
            source="police",
            source_record_id="A1",
            registration_date=dt.date(2021, 2, 1),
            forms=("labour",),
            bogus=1,  # type: ignore[call-arg]
        )
    problems = Converter(MAPPING, "police")._problems(raised.value)
    assert problems == [RowProblem("bogus", "invalid", None, None)]


def test_an_iso_week_date_is_not_taken_for_an_iso_date() -> None:
    # "2021W05-10:00" is 1 February 2021 10:00 to fromisoformat, but not YYYY-MM-DD.
    assert rules(datum="2021W05-10:00") == [("registration_date", "date", "datum")]


@pytest.mark.parametrize(
    ("cells", "age"),
    [
        ({"jaar": "2003"}, 18),  # only the year: 2021 - 2003
        ({"jaar": "1901"}, 120),  # the oldest age kept
        ({"jaar": "1900"}, None),  # 121: no age
        ({"geboren": "01-02-1901"}, 120),
        ({"geboren": "31-01-1900", "datum": "01-02-2021"}, None),  # 121
        ({"leeftijd": "40", "jaar": "2003"}, 40),  # a given age is kept
    ],
)
def test_the_age_from_the_year_of_birth_and_its_limit(
    cells: dict[str, str], age: int | None
) -> None:
    assert record(**cells)["age"] == age


def test_a_report_has_no_birth_and_no_age() -> None:
    mapping = Mapping(
        source="police",
        record_type="report",
        columns={"id": "source_record_id", "datum": "registration_date", "vorm": "forms"},
        values={"forms": {"AU": "labour"}},
        date_formats={"registration_date": ["%d-%m-%Y"]},
    )
    result = Converter(mapping, "police").convert(RawRow(3, BASE))
    assert isinstance(result, ValidRecord)
    assert result.analytic.model_dump()["forms"] == ("labour",)
    assert "age" not in result.analytic.model_dump()


def test_a_record_keeps_its_row_number_and_a_flag_its_detail() -> None:
    result = Converter(MAPPING, "police").convert(
        RawRow(7, {**BASE, "geboren": "03-04-2004", "jaar": "1990"})
    )
    assert isinstance(result, ValidRecord) and result.number == 7
    assert {f.detail for f in result.flags} == {"birth_year disagrees with date_of_birth"}


def test_the_original_of_a_flag_is_kept_only_when_its_cell_has_one() -> None:
    # The country is the mapping's constant; its column is empty (a spreadsheet's None).
    mapping = MAPPING.model_copy(
        update={
            "columns": {
                **MAPPING.columns,
                "bsn": "national_id_number",
                "uitgifte": "national_id_country",
            },
            "constants": {"national_id_country": "NL"},
        }
    )
    cells = {**BASE, "bsn": "111222334", "uitgifte": None}  # fails the eleven-test
    result = Converter(mapping, "police").convert(RawRow(1, cells))
    assert isinstance(result, ValidRecord)
    assert sorted((f.field, f.column) for f in result.flags) == [
        ("national_id_country", "uitgifte"),
        ("national_id_number", "bsn"),
    ]
    assert result.originals == {"bsn": "111222334"}


class _Pair(BaseModel):
    """An identity whose one rule names no field of its own."""

    first: int | None = None
    second: int | None = None

    @model_validator(mode="after")
    def _ordered(self) -> _Pair:
        if self.first is not None and self.second is not None and self.first > self.second:
            raise ValueError("the one exceeds the other")
        return self


def _one_problem(problem: RowProblem) -> Callable[[ValidationError], list[RowProblem]]:
    return lambda exc: [problem]


def test_a_rule_that_names_no_field_keeps_no_identity() -> None:
    flags: list[RowProblem] = []
    problem = RowProblem("(record)", "inconsistent", None, "the one exceeds the other")
    values: dict[str, Any] = {"first": 2, "second": 1}
    identity = validate_identity(_Pair, values, None, _one_problem(problem), flags)
    assert identity == _Pair()
    assert flags == [RowProblem("(identity)", "invalid")]
    assert values == {}


def test_a_left_out_value_is_flagged_with_its_column_and_detail() -> None:
    flags: list[RowProblem] = []
    problem = RowProblem("first", "range", "kolom", "first is too large")
    values: dict[str, Any] = {"first": 2, "second": 1}
    identity = validate_identity(_Pair, values, None, _one_problem(problem), flags)
    assert identity == _Pair(second=1)
    assert flags == [RowProblem("first", "range", "kolom", "first is too large")]


def test_a_left_out_number_takes_its_country_with_it() -> None:
    flags: list[RowProblem] = []
    problem = RowProblem("national_id_number", "eleven_test", "bsn", "fails the test")
    values: dict[str, Any] = {"national_id_number": "111222334", "national_id_country": "NL"}
    identity = validate_identity(VictimIdentity, values, None, _one_problem(problem), flags)
    assert identity == VictimIdentity()
    assert flags == [
        RowProblem("national_id_number", "eleven_test", "bsn", "fails the test"),
        RowProblem("national_id_country", "eleven_test", None, "fails the test"),
    ]


@pytest.mark.parametrize(
    ("cell", "forms"),
    [
        ("AU;criminal", ("labour", "criminal")),  # ";" when the mapping names no separator
        ("AU;;criminal ;", ("labour", "criminal")),  # empty parts are left out
        (["AU", " ", "criminal"], ("labour", "criminal")),  # a list cell (JSON) as it is
    ],
)
def test_a_multi_valued_cell(cell: object, forms: tuple[str, ...]) -> None:
    assert record(vorm=cell)["forms"] == forms


def test_an_exact_value_wins_over_one_that_differs_in_case() -> None:
    mapping = MAPPING.model_copy(update={"values": {"forms": {"AU": "labour", "au": "criminal"}}})
    for cell, forms in (("AU", ("labour",)), ("au", ("criminal",)), ("Au", ("criminal",))):
        result = Converter(mapping, "police").convert(RawRow(1, {**BASE, "vorm": cell}))
        assert isinstance(result, ValidRecord)
        assert result.analytic.model_dump()["forms"] == forms


def test_a_value_is_found_whatever_its_case() -> None:
    assert record(vorm="au")["forms"] == ("labour",)
    assert record(vorm="Au;AU")["forms"] == ("labour",)


def test_an_unreadable_row_is_named_by_its_field_or_as_the_row() -> None:
    converter = Converter(MAPPING, "police")
    long_cell = RawRow(5, {}, unreadable="too_long", column="datum")
    assert converter.convert(long_cell) == [RowProblem("registration_date", "too_long", "datum")]
    unmapped = RawRow(6, {}, unreadable="too_long", column="opmerking")
    assert converter.convert(unmapped) == [RowProblem("(row)", "too_long", "opmerking")]
    count = RawRow(7, {}, unreadable="cell_count")
    assert converter.convert(count) == [RowProblem("(row)", "cell_count", None)]


def test_the_kind_of_an_annotated_field() -> None:
    assert _kind_of(Annotated[int, "a note"]) == "int"
    assert _kind_of(Annotated[tuple[str, ...], "a note"] | None) == "multi"
    assert _kind_of(dt.date | None) == "date"


def test_a_converter_names_its_mapping_and_source() -> None:
    converter = Converter(MAPPING, "kmar")
    assert (converter.mapping, converter.source) == (MAPPING, "kmar")
    result = converter.convert(RawRow(1, BASE))
    assert isinstance(result, ValidRecord) and result.analytic.model_dump()["source"] == "kmar"


def test_each_format_is_tried_in_turn_and_literal_characters_may_be_unicode() -> None:
    mapping = MAPPING.model_copy(
        update={"date_formats": {"registration_date": ["%d-%m-%Y", "%Y%m%d", "%d·%m·%Y"]}}
    )
    converter = Converter(mapping, "police")
    for cell in ("01-02-2021", "20210201", "01·02·2021"):
        result = converter.convert(RawRow(1, {**BASE, "datum": cell}))
        assert isinstance(result, ValidRecord), cell
        assert result.analytic.model_dump()["registration_date"] == dt.date(2021, 2, 1)
    refused = converter.convert(RawRow(1, {**BASE, "datum": "٠١·٠٢·٢٠٢١"}))
    assert refused == [RowProblem("registration_date", "date", "datum")]


def test_a_birth_after_registration_takes_its_year_with_it() -> None:
    result = convert(geboren="02-02-2021", jaar="2021")  # registered 01-02-2021
    assert isinstance(result, ValidRecord)
    assert [(f.field, f.rule) for f in result.flags] == [
        ("date_of_birth", "birth_after_registration")
    ]
    identity = result.identity.model_dump()
    assert (identity["date_of_birth"], identity["birth_year"]) == (None, None)
    assert result.analytic.model_dump()["age"] is None


def test_a_number_in_a_text_field_is_its_text() -> None:
    assert record(id=12345)["source_record_id"] == "12345"
    assert record(id=12345.0)["source_record_id"] == "12345"  # a spreadsheet's whole number
