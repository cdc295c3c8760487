"""Capacity files: every row stored or refused with file, row, field and rule; one
transaction; nothing stored when the file as a whole is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.shelter.conftest import COORDINATOR, STAFF_A
from zicht.ingest import RULES, IngestFileError
from zicht.shelter import availability, import_capacity
from zicht.shelter._capacity import CAPACITY_RULES


def _free(engine: Engine) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (p.shelter.code, b.kind): (b.total, b.free)
        for p in availability(engine, COORDINATOR)
        for b in p.beds
    }


def test_rows_stored_and_refused(places: Engine, tmp_path: Path) -> None:
    path = tmp_path / "capaciteit.csv"
    path.write_text(
        "shelter;kind;beds;free\n"
        "a;women;5;4\n"  # stored
        "a;beds;1;1\n"  # not a kind
        "zz;women;1;1\n"  # no such shelter
        "b;women;x;1\n"  # not a whole number
        "b;women;2;3\n"  # more free than beds
        "a;women;6;1\n"  # a and women again
        "c;men;;1\n",  # missing
        encoding="utf-8",
    )
    result = import_capacity(path, engine=places, principal=COORDINATOR)
    assert (result.rows_read, result.stored) == (7, 1)
    assert result.refusals == [
        "capaciteit.csv row 2, field kind: value is not a code of the vocabulary",
        "capaciteit.csv row 3, field shelter: no shelter with this code",
        "capaciteit.csv row 4, field beds: not a whole number",
        "capaciteit.csv row 5, field free: more free beds than beds",
        "capaciteit.csv row 6, field kind: shelter and kind occur earlier in this file",
        "capaciteit.csv row 7, field beds: required field is missing",
    ]
    assert _free(places)[("a", "women")] == (5, 4)


def test_staff_only_set_their_own_shelter(places: Engine, tmp_path: Path) -> None:
    path = tmp_path / "cap.csv"
    path.write_text("shelter,kind,beds,free\na,men,2,2\nb,men,2,2\n", encoding="utf-8")
    result = import_capacity(path, engine=places, principal=STAFF_A, lang="nl")
    assert result.stored == 1
    assert result.refusals == ["cap.csv row 2, field shelter: niet een opvang die u bijhoudt"]
    assert ("b", "men") not in _free(places)


def test_a_file_without_the_columns_stores_nothing(places: Engine, tmp_path: Path) -> None:
    path = tmp_path / "cap.csv"
    path.write_text("shelter,kind,beds\na,men,2\n", encoding="utf-8")
    with pytest.raises(IngestFileError, match="free"):
        import_capacity(path, engine=places, principal=COORDINATOR)
    assert ("a", "men") not in _free(places)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(beds=st.text(max_size=6), free=st.text(max_size=6))
def test_any_cells_are_stored_or_refused_by_rule(
    places: Engine, tmp_path: Path, beds: str, free: str
) -> None:
    path = tmp_path / "cap.jsonl"
    row = {"shelter": "c", "kind": "families", "beds": beds, "free": free}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = import_capacity(path, engine=places, principal=COORDINATOR)
    assert result.rows_read == 1 and result.stored + len(result.refusals) == 1
    if result.stored:
        total, offered = _free(places).get(("c", "families"), (0, 0))  # 0 beds: no row
        assert (total, offered) == (int(beds.strip()), int(free.strip()))
    else:
        # The reason is a rule's text, whole: no cell's value can be in it (a check that
        # the values are absent would also refuse a cell "not" beside "not a number").
        rules = {*CAPACITY_RULES.values(), *RULES.values()}
        assert result.refusals[0].split(": ")[-1] in rules


def _json(text: str) -> str:
    import json

    return json.dumps(text)
