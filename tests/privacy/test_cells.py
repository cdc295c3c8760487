"""Spreadsheet cells that cannot start a formula, and the exact way back (issue 11.4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zicht.privacy._cells import neutralise, neutralise_row, restore

# OWASP's CSV injection payloads and near misses, with what must be written (by hand).
TABLE = [
    ('=HYPERLINK("http://evil","klik")', '\'=HYPERLINK("http://evil","klik")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+SUM(1,2)", "'+SUM(1,2)"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("'=1+1", "''=1+1"),  # already quoted by someone: one more, so the way back is exact
    ("''@x", "'''@x"),
    ("-", "'-"),
    ("-3", "-3"),  # a negative number is no formula
    ("+31.5", "+31.5"),
    ("-1e5", "-1e5"),
    ("-3,5", "-3,5"),
    ("-inf", "'-inf"),
    ("Anna", "Anna"),
    ("a=b", "a=b"),
    ("'quoted'", "'quoted'"),
    ("", ""),
]
# Characters a spreadsheet reads as the start of a formula (OWASP).
TRIGGERS = "=+-@\t\r"


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("given_text", "written"), TABLE)
def test_payloads_are_neutralised_as_owasp_recommends(given_text: str, written: str) -> None:
    assert neutralise(given_text) == written
    assert restore(written) == given_text


@given(st.text())
def test_no_written_text_can_start_a_formula(text: str) -> None:
    written = neutralise(text)
    assert written[:1] not in TRIGGERS or written == "" or _is_number(written)


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r1.e,aZ ")))
def test_the_way_back_is_exact(text: str) -> None:
    assert restore(neutralise(text)) == text


@given(st.text())
def test_the_way_back_is_exact_for_any_text(text: str) -> None:
    assert restore(neutralise(text)) == text


def test_rows_change_only_their_text_cells() -> None:
    assert neutralise_row(["=1", -3, 2.5, None, "x"]) == ["'=1", -3, 2.5, None, "x"]
