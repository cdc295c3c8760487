"""`FastValidator` gives what pydantic's `model_validate` gives, on any input (issue 17).

The oracle is pydantic itself: for generated records -- codes and non-codes, text with
whitespace, control characters, lone surrogates, over-long text, ints, bools and floats,
dates and date-times in and out of range, tuples and lists, missing and extra fields --
the fast validator must return an equal instance (same field order, same fields set)
when pydantic accepts, and raise the same errors when it refuses.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from zicht.standard import COUNTRIES, FORMS, ORGANISATIONS, RECORD_TYPES, FastValidator

MODELS = [
    model
    for record_type in RECORD_TYPES.values()
    for model in (record_type.analytic, record_type.identity)
]
CODES = sorted({*FORMS.codes, *ORGANISATIONS.codes, *COUNTRIES.codes[:20], "possible", "female"})
CODES += ["male", "unknown", "actual", "employer", "other", "victim", "phone"]

_text = st.one_of(
    st.sampled_from(CODES),
    st.sampled_from([" police", "NL ", "", " ", "a\x00b", "a\tb", "a\ud800", "x" * 201, "\x1cA"]),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8),
)
_dates = st.one_of(
    st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2035, 1, 1)),
    st.datetimes(min_value=dt.datetime(1890, 1, 1), max_value=dt.datetime(2030, 1, 1)),
)
_values = st.one_of(
    st.none(),
    _text,
    st.integers(min_value=-5, max_value=130),
    st.sampled_from([1899, 1900, 1990, 2100, 2101, 10_001, True, False, 12.0, 2.5]),
    _dates,
    st.tuples(_text) | st.lists(_text, max_size=3).map(tuple) | st.lists(_text, max_size=2),
    st.sampled_from(["111222333", "123456782", "12345678", "X1"]),  # BSN-like numbers
)


@st.composite
def records(draw: st.DrawFn, model: type[BaseModel]) -> dict[str, Any]:
    names = list(model.model_fields)
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    record = {name: draw(_values) for name in chosen}
    if draw(st.booleans()):  # mostly complete, mostly valid-looking records
        record.setdefault("source", "police")
        record.setdefault("source_record_id", draw(st.sampled_from(["R1", " R2", "R\x003"])))
        record.setdefault("registration_date", dt.date(2020, 5, 1))
        record.setdefault("forms", ("labour",))
    if draw(st.integers(0, 9)) == 0:
        record["not_a_field"] = "x"
    return record


def _outcome(validate: Any, values: dict[str, Any]) -> tuple[str, Any]:
    try:
        instance = validate(dict(values))
    except ValidationError as exc:
        # An error's context holds the ValueError itself, equal only to itself: as text.
        return "refused", [
            {**error, "ctx": {key: str(value) for key, value in error.get("ctx", {}).items()}}
            for error in exc.errors(include_url=False)
        ]
    return "accepted", (list(instance.__dict__.items()), instance.model_fields_set)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_same_outcome_as_pydantic(model: type[BaseModel], data: st.DataObject) -> None:
    values = data.draw(records(model))
    fast = FastValidator(model)
    assert _outcome(fast.validate, values) == _outcome(model.model_validate, values)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_record_model_has_a_plain_check(model: type[BaseModel]) -> None:
    """No model silently falls back to pydantic for every row."""
    assert FastValidator(model)._checks is not None


def test_a_valid_row_does_not_reach_pydantic(monkeypatch: pytest.MonkeyPatch) -> None:
    model = RECORD_TYPES["victim_registration"].analytic
    fast = FastValidator(model)
    row = {
        "source": "police",
        "source_record_id": "R1",
        "registration_date": dt.date(2020, 5, 1),
        "forms": ("labour", "sexual_domestic", "labour"),
        "age": 16,
        "nationality": "RO",
    }
    expected = model.model_validate(row)

    def refuse(values: Any) -> Any:
        raise AssertionError("model_validate called")

    monkeypatch.setattr(model, "model_validate", refuse)
    got = fast.validate(row)
    assert got.__dict__ == expected.__dict__
    assert got.forms == ("sexual_domestic", "labour")  # the vocabulary's order, once each
    assert got.minor is True  # the model validator ran


def test_a_model_validator_error_is_pydantic_s() -> None:
    model = RECORD_TYPES["victim_registration"].identity
    fast = FastValidator(model)
    values = {"date_of_birth": dt.date(1990, 5, 1), "birth_year": 1991}
    with pytest.raises(ValidationError) as caught:
        fast.validate(values)
    assert "birth_year disagrees with date_of_birth" in str(caught.value)


def _same_as_pydantic(model: type[BaseModel], values: dict[str, Any]) -> None:
    try:
        expected: Any = model.model_validate(values)
    except ValidationError:
        expected = ValidationError
    try:
        got: Any = FastValidator(model).validate(values)
    except ValidationError:
        got = ValidationError
    assert got == expected


def test_a_configuration_the_plain_check_does_not_know_is_left_to_pydantic() -> None:
    from pydantic import ConfigDict

    class Shouting(BaseModel):
        model_config = ConfigDict(str_strip_whitespace=True, str_max_length=3, str_to_lower=True)
        s: str

    assert FastValidator(Shouting)._checks is None
    _same_as_pydantic(Shouting, {"s": "ABCDEF"})


def test_an_after_validator_taking_info_is_left_to_pydantic() -> None:
    from pydantic import ConfigDict, ValidationInfo, model_validator

    class Informed(BaseModel):
        model_config = ConfigDict(str_strip_whitespace=True)
        s: str

        @model_validator(mode="after")
        def _seen(self, info: ValidationInfo) -> Informed:
            return self

    assert FastValidator(Informed)._checks is None
    _same_as_pydantic(Informed, {"s": "a"})


@pytest.mark.parametrize("value", ["x", "-", "a"])
def test_a_class_with_set_operations_is_left_to_pydantic(value: str) -> None:
    from typing import Annotated

    from pydantic import ConfigDict, StringConstraints

    class Subtracted(BaseModel):
        model_config = ConfigDict(str_strip_whitespace=True)
        s: Annotated[str, StringConstraints(pattern=r"^[a-z--x]*$")]

    assert FastValidator(Subtracted)._checks is None
    _same_as_pydantic(Subtracted, {"s": value})


_BOUNDARY_NUMBERS = [-1, 0, 1, 119, 120, 121, 1899, 1900, 2100, 2101, 9999, 10_000, 10_001]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_whole_numbers_at_their_bounds_as_pydantic(model: type[BaseModel]) -> None:
    # Each number field at and beside every bound of the standard (ge/le), in an
    # otherwise valid record: random draws rarely land there.
    base: dict[str, Any] = {
        "source": "police",
        "source_record_id": "R1",
        "registration_date": dt.date(2020, 5, 1),
        "forms": ("labour",),
    }
    base = {name: value for name, value in base.items() if name in model.model_fields}
    numbers = [
        name
        for name, info in model.model_fields.items()
        if int in (info.annotation, *typing.get_args(info.annotation))
    ]
    for name in numbers:
        for number in [*_BOUNDARY_NUMBERS, None]:
            values = {**base, name: number}
            assert _outcome(FastValidator(model).validate, values) == _outcome(
                model.model_validate, values
            ), (name, number)
