"""CSV parsing and validation: property tests and every kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.estimate import CaptureTable, EstimationError, parse_capture_csv


@st.composite
def valid_tables(draw: st.DrawFn) -> tuple[int, list[tuple[tuple[int, ...], int]]]:
    t = draw(st.integers(2, 5))
    histories = st.tuples(*[st.integers(0, 1)] * t).filter(any)
    rows = draw(st.lists(st.tuples(histories, st.integers(0, 500)), min_size=1, max_size=12))
    for k in range(t):  # every list needs a case
        rows.append((tuple(int(i == k) for i in range(t)), draw(st.integers(1, 50))))
    return t, rows


def _csv(names: list[str], rows: list[tuple[tuple[int, ...], object]]) -> str:
    lines = [",".join([*names, "count"])]
    lines += [",".join([*map(str, h), str(c)]) for h, c in rows]
    return "\n".join(lines) + "\n"


@given(valid_tables())
@settings(max_examples=60, deadline=None)
def test_valid_tables_round_trip(table: tuple[int, list[tuple[tuple[int, ...], int]]]) -> None:
    t, rows = table
    names = [f"L{k}" for k in range(t)]
    parsed = parse_capture_csv(_csv(names, rows))
    assert parsed.lists == tuple(names)
    assert parsed.n_observed == sum(c for _, c in rows)
    expected = np.zeros(2**t - 1, dtype=np.int64)
    for h, c in rows:
        expected[sum(v << k for k, v in enumerate(h)) - 1] += c
    np.testing.assert_array_equal(parsed.counts, expected)
    assert sorted(parsed.rows()) == sorted(
        (tuple(int(v) for v in parsed.histories[i]), int(c))
        for i, c in enumerate(expected)
        if c > 0
    )


bad_counts = st.one_of(
    st.integers(max_value=-1).map(str),
    st.floats(allow_nan=True, allow_infinity=True)
    .filter(lambda f: not float(f).is_integer())
    .map(repr),
    st.text(alphabet="abcxyz-._ ", min_size=1, max_size=5),
    st.just(""),
)


@given(valid_tables(), bad_counts, st.data())
@settings(max_examples=60, deadline=None)
def test_bad_counts_are_rejected(
    table: tuple[int, list[tuple[tuple[int, ...], int]]], bad: str, data: st.DataObject
) -> None:
    t, rows = table
    at = data.draw(st.integers(0, len(rows) - 1))
    broken: list[tuple[tuple[int, ...], object]] = list(rows)
    broken[at] = (rows[at][0], bad)
    with pytest.raises(EstimationError, match=f"row {at + 1}: count must be a non-negative"):
        parse_capture_csv(_csv([f"L{k}" for k in range(t)], broken))


@given(valid_tables(), st.sampled_from(["2", "-1", "x", "0.5", "", "yes"]), st.data())
@settings(max_examples=60, deadline=None)
def test_history_values_must_be_binary(
    table: tuple[int, list[tuple[tuple[int, ...], int]]], bad: str, data: st.DataObject
) -> None:
    t, rows = table
    names = [f"L{k}" for k in range(t)]
    at = data.draw(st.integers(0, len(rows) - 1))
    col = data.draw(st.integers(0, t - 1))
    lines = _csv(names, list(rows)).splitlines()
    fields = lines[at + 1].split(",")
    fields[col] = bad
    lines[at + 1] = ",".join(fields)
    with pytest.raises(EstimationError, match=f"column 'L{col}' must be 0 or 1"):
        parse_capture_csv("\n".join(lines))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,count\n1,5\n", "at least two lists"),
        ("count\n5\n", "at least two lists"),
        ("A,B\n1,0\n", "no 'count' column"),
        ("A,B,count\n0,0,3\n1,0,2\n0,1,2\n", "all-zero history"),
        ("A,B,count\n1,0,4\n0,1,0\n", "list B has no cases"),
        ("A,B,count\n", "no rows"),
        ("", "empty"),
        ("A,B,count\n1,0\n", "expected 3 fields"),
        ("A,A,count\n1,0,1\n", "unique"),
    ],
)
def test_bad_tables_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(EstimationError, match=message):
        parse_capture_csv(text)


def test_too_many_lists_is_refused() -> None:
    with pytest.raises(EstimationError, match="at most 15"):
        CaptureTable(tuple(f"L{k}" for k in range(16)), np.ones(2**16 - 1, dtype=np.int64))


def test_repeated_histories_are_summed() -> None:
    table = parse_capture_csv("A,B,count\n1,0,2\n1,0,3\n0,1,1\n1,1,4\n")
    assert table.list_totals() == {"A": 9, "B": 5}
