"""Row conversion: every rule is named with field and column, never with the value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from zicht.ingest._convert import Converter, ValidRecord
from zicht.ingest._mapping import Mapping
from zicht.ingest._problems import RULES, RowProblem, rule_message
from zicht.ingest._readers import RawRow

MAPPING = Mapping(
    source="police",
    columns={
        "id": "source_record_id",
        "datum": "registration_date",
        "vorm": "forms",
        "sekse": "gender",
        "leeftijd": "age",
        "minderjarig": "minor",
        "land": "nationality",
        "naam": "family_name",
        "geboren": "date_of_birth",
    },
    values={"forms": {"AU": "labour", "SU": "sexual_domestic"}, "gender": {"V": "female"}},
    separators={"forms": "|"},
    date_formats={"registration_date": ["%d-%m-%Y"], "date_of_birth": ["%d-%m-%Y"]},
    null_values=["", "NB"],
)
GOOD = {
    "id": "A1",
    "datum": "01-02-2021",
    "vorm": "AU|SU",
    "sekse": "V",
    "leeftijd": "",
    "minderjarig": "",
    "land": "pol",
    "naam": "Kowalska",
    "geboren": "03-04-2004",
}


def convert(**changes: Any) -> ValidRecord | list[RowProblem]:
    return Converter(MAPPING, "police").convert(RawRow(1, {**GOOD, **changes}))


def test_a_good_row_becomes_a_record_with_derived_age() -> None:
    result = convert()
    assert isinstance(result, ValidRecord)
    record = result.analytic.model_dump()
    assert record["forms"] == ("sexual_domestic", "labour")
    assert record["nationality"] == "PL"
    assert record["age"] == 16 and record["minor"] is True
    assert result.identity.model_dump()["date_of_birth"] == dt.date(2004, 4, 3)


@pytest.mark.parametrize(
    ("changes", "field", "column", "rule"),
    [
        ({"id": ""}, "source_record_id", "id", "required"),
        ({"id": "NB"}, "source_record_id", "id", "required"),
        ({"datum": "2021-13-45"}, "registration_date", "datum", "date"),
        ({"datum": "31-02-2021"}, "registration_date", "datum", "date"),
        ({"datum": "01-01-2999"}, "registration_date", "datum", "future_date"),
        ({"vorm": "XX"}, "forms", "vorm", "code"),
        ({"vorm": ""}, "forms", "vorm", "required"),
        ({"sekse": "Q"}, "gender", "sekse", "code"),
        ({"leeftijd": "twintig"}, "age", "leeftijd", "integer"),
        ({"leeftijd": "250"}, "age", "leeftijd", "range"),
        ({"minderjarig": "misschien"}, "minor", "minderjarig", "boolean"),
        ({"minderjarig": "nee"}, "(record)", None, "inconsistent"),
        ({"land": "Atlantis"}, "nationality", "land", "code"),
    ],
)
def test_each_rule(changes: dict[str, str], field: str, column: str | None, rule: str) -> None:
    problems = convert(**changes)
    assert isinstance(problems, list)
    assert RowProblem(field, rule, column) in [
        RowProblem(p.field, p.rule, p.column) for p in problems
    ]
    assert rule in RULES


@pytest.mark.parametrize(
    ("changes", "flag", "column", "kept_age"),
    [
        ({"naam": "x" * 201}, "family_name:too_long", "naam", 16),
        ({"geboren": "31-02-2004"}, "date_of_birth:date", "geboren", None),
        ({"geboren": "03-04-1850"}, "date_of_birth:range", "geboren", None),
        ({"geboren": "02-02-2021"}, "date_of_birth:birth_after_registration", "geboren", None),
        ({"geboren": "03-04-2099"}, "date_of_birth:future_date", "geboren", None),
        ({"naam": "Kowal\x00ska"}, "family_name:control_character", "naam", 16),
    ],
)
def test_a_bad_identity_value_is_flagged_and_the_record_kept(
    changes: dict[str, str], flag: str, column: str, kept_age: int | None
) -> None:
    result = convert(**changes)
    assert isinstance(result, ValidRecord)
    assert [f"{f.field}:{f.rule}" for f in result.flags] == [flag]
    assert [f.column for f in result.flags] == [column]
    assert result.originals == {column: changes[column]}
    field = flag.split(":")[0]
    identity = result.identity.model_dump()
    assert identity[field] is None
    assert (identity["family_name"] is None) == (field == "family_name")
    assert result.analytic.model_dump()["age"] == kept_age  # never derived from a bad birth


@given(st.dictionaries(st.sampled_from(sorted(GOOD)), st.text(max_size=30)))
@example({"datum": "29-02-2023"})  # no such day
@example({"datum": "29-02-2024", "geboren": "29-02-2024"})  # born on the day registered
@example({"geboren": "01-02-2021"})  # born on the registration day
@example({"geboren": "02-02-2021"})  # born the day after: flagged
@example({"vorm": "|"})  # only separators: no form
@example({"leeftijd": "-1"})
@example({"leeftijd": "17", "minderjarig": "nee"})
@example({"land": "NB", "sekse": "NB"})  # null values
def test_any_cells_give_a_record_or_named_problems(cells: dict[str, str]) -> None:
    result = convert(**cells)
    if isinstance(result, ValidRecord):
        assert result.analytic.model_dump()["source"] == "police"
        return
    assert result
    for problem in result:
        assert problem.rule in RULES
        assert problem.field


@given(
    st.text(min_size=4, max_size=30).filter(
        lambda v: (
            v.strip()
            and v.strip()
            not in " ".join(f"{k} {rule_message(k, 'nl')} {rule_message(k)}" for k in RULES)
        )
    )
)
@example("31-02-2021")
@example("Atlantis")
@example("250")
@example("misschien")
def test_problem_messages_do_not_contain_the_cell_value(value: str) -> None:
    for column in ("datum", "vorm", "sekse", "leeftijd", "land", "minderjarig"):
        result = convert(**{column: value})
        if isinstance(result, ValidRecord):
            continue
        for problem in result:
            assert value.strip() not in problem.describe("en")
            assert value.strip() not in problem.describe("nl")
            assert value.strip() not in (problem.detail or "")


ID_MAPPING = MAPPING.model_copy(
    update={
        "columns": {
            **MAPPING.columns,
            "bsn": "national_id_number",
            "uitgifte": "national_id_country",
        }
    }
)


# Eleven-test by hand (9·d1 + 8·d2 + … + 2·d8 − d9 a multiple of 11):
# 111222333: 9+8+7+12+10+8+9+6−3 = 66 = 6·11, passes; 123456789: 9+16+21+24+25+24+21+16−9
# = 147, fails. (number, country, flags expected, number and country stored)
NATIONAL_IDS = [
    ("111222333", "", [], ("111222333", "NL")),
    ("1112.22.333", "NL", [], ("111222333", "NL")),
    ("123456789", "", ["national_id_number:eleven_test"], (None, None)),
    (
        "123456789",
        "NL",
        ["national_id_number:eleven_test", "national_id_country:eleven_test"],
        (None, None),
    ),
    ("123456789", "RO", [], ("123456789", "RO")),  # a foreign number: no eleven-test
]


@pytest.mark.parametrize(("number", "country", "flags", "stored"), NATIONAL_IDS)
def test_a_bsn_failing_the_eleven_test_is_flagged_not_quarantined(
    number: str, country: str, flags: list[str], stored: tuple[str | None, str | None]
) -> None:
    cells = {**GOOD, "bsn": number, "uitgifte": country}
    result = Converter(ID_MAPPING, "police").convert(RawRow(1, cells))
    assert isinstance(result, ValidRecord)  # the registration is kept in every case
    assert [f"{f.field}:{f.rule}" for f in result.flags] == flags
    identity = result.identity.model_dump()
    assert (identity["national_id_number"], identity["national_id_country"]) == stored
    assert identity["family_name"] == "Kowalska"  # linked on its other fields
    assert identity["date_of_birth"] == dt.date(2004, 4, 3)
    assert result.analytic.model_dump()["age"] == 16
    kept = {"bsn": number, "uitgifte": country}
    assert result.originals == {f.column: kept[f.column or ""] for f in result.flags}
    assert all(number not in f.describe() for f in result.flags)  # never the value
