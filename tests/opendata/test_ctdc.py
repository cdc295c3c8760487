"""CTDC export: k-anonymity confirmed by an independent checker, codes in the codebook."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.opendata.checker import (
    CTDC_QUASI_IDENTIFIERS,
    codes_outside_codebook,
    read_export,
    smallest_class,
)
from tests.opendata.conftest import YEARS
from zicht.access import Actor, search
from zicht.opendata import (
    CTDC_COLUMNS,
    LinkedPerson,
    OpenDataError,
    anonymise,
    codebook,
    ctdc_frame,
    dimensions,
    export_ctdc,
)

ACTOR = Actor("cli:tester", "system", None, "command line")


def _roundtrip(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(frame.to_csv(index=False)), dtype=str, keep_default_na=False)


def _codebook_frame(first: int, last: int) -> pd.DataFrame:
    entries = codebook(first, last)
    return pd.DataFrame(
        {"variable": [e.variable for e in entries], "code": [e.code for e in entries]}
    )


def test_quasi_identifiers_are_ctdcs() -> None:
    # The checker's list is written from the standard; the export must use the same.
    from zicht.opendata import QUASI_IDENTIFIERS

    assert list(QUASI_IDENTIFIERS) == CTDC_QUASI_IDENTIFIERS


def test_world_export_is_k_anonymous(filled_engine: Engine, tmp_path: Path) -> None:
    first, last = YEARS
    result = export_ctdc(
        filled_engine, first_year=first, last_year=last, out=tmp_path, k=11, actor=ACTOR
    )
    export = read_export(tmp_path / "ctdc.csv")
    assert list(export.columns) == list(CTDC_COLUMNS)
    assert len(CTDC_COLUMNS) == 63
    assert len(export) == result.records > 0
    assert smallest_class(export) is not None and smallest_class(export) >= 11
    book = read_export(tmp_path / "ctdc_codebook.csv")
    assert codes_outside_codebook(export, book) == []
    risk = json.loads((tmp_path / "ctdc_disclosure_risk.json").read_text())
    assert risk["k_reached"] == smallest_class(export)
    assert risk["records_in"] == risk["records_published"] + risk["records_suppressed"]
    assert sum(c["size"] for c in risk["classes"]) == len(export)
    # l-diversity recomputed here from the file itself
    distinct = export.groupby(CTDC_QUASI_IDENTIFIERS)["typeOfExploitConcatenated"].nunique()
    assert risk["l_diversity"] == int(distinct.min())
    assert risk["homogeneous_classes"] == int((distinct == 1).sum())
    entries, count = search(filled_engine, action="export_open_data")
    assert count == 1 and entries[0].object_type == "opendata:ctdc"
    assert entries[0].actor == "cli:tester"
    assert entries[0].details["records"] == len(export)


def test_one_year_export_and_larger_k(filled_engine: Engine, tmp_path: Path) -> None:
    year = YEARS[1]
    export_ctdc(filled_engine, first_year=year, last_year=year, out=tmp_path, k=25, actor=ACTOR)
    export = read_export(tmp_path / "ctdc.csv")
    assert set(export["yearOfRegistration"]) <= {str(year), "-99"}
    assert smallest_class(export) is None or smallest_class(export) >= 25


def test_no_link_run_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(OpenDataError, match="no finished link run"):
        export_ctdc(
            engine, first_year=2020, last_year=2020, out=tmp_path / "out", k=11, actor=ACTOR
        )
    assert not (tmp_path / "out").exists()


COUNTRIES = ["NL", "RO", "PL", "NG", "MA", "CN", "VN", "BR", "UA", "ER", "XK", None]
GENDERS = ["female", "male", "transgender_female", "non_conforming", "unknown"]
FORMS = ["sexual_domestic", "sexual_cross_border", "labour", "criminal", "organ_removal", "other"]

persons = st.builds(
    LinkedPerson,
    year=st.integers(2019, 2021),
    gender=st.sampled_from(GENDERS),
    age=st.one_of(st.none(), st.integers(0, 90)),
    age_band=st.none(),
    minor=st.one_of(st.none(), st.booleans()),
    nationality=st.sampled_from(COUNTRIES),
    country_of_exploitation=st.sampled_from(["NL", "BE", "DE", None]),
    forms=st.frozensets(st.sampled_from(FORMS), max_size=2),
    sectors=st.frozensets(st.sampled_from(["agriculture", "sex_industry", "cleaning"]), max_size=2),
    means_of_control=st.frozensets(st.sampled_from(["threats", "debt_bondage"]), max_size=2),
    recruiter_relations=st.frozensets(st.sampled_from(["family", "unknown"]), max_size=1),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(persons, max_size=120), k=st.integers(2, 15))
def test_random_data_is_k_anonymous(people: list[LinkedPerson], k: int) -> None:
    frame = ctdc_frame(people)
    published, risk = anonymise(frame, dimensions(2019, 2021), k)
    export = _roundtrip(published)
    smallest = smallest_class(export)
    assert smallest is None or smallest >= k
    assert risk.k_reached == smallest
    assert len(export) + risk.records_suppressed == len(people)
    assert codes_outside_codebook(export, _codebook_frame(2019, 2021)) == []
    # what is not a quasi-identifier is published as it was: the rows are a sub-multiset
    rest = [c for c in CTDC_COLUMNS if c not in CTDC_QUASI_IDENTIFIERS]
    before = _roundtrip(frame)[rest].value_counts()
    after = export[rest].value_counts()
    assert all(after.get(key, 0) <= before.get(key, 0) for key in after.index)


def test_hand_made_generalisation() -> None:
    # 12 Romanians and 12 Poles aged 19-29: k=11 holds at the age group "18--29" with
    # the country kept; a lone Nigerian is then the only small class and loses its values.
    base = {
        "year": 2020,
        "gender": "female",
        "age_band": None,
        "minor": None,
        "country_of_exploitation": "NL",
        "forms": frozenset({"sexual_domestic"}),
        "sectors": frozenset(),
        "means_of_control": frozenset(),
        "recruiter_relations": frozenset(),
    }
    people = [LinkedPerson(age=19 + i % 11, nationality="RO", **base) for i in range(12)]
    people += [LinkedPerson(age=19 + i % 11, nationality="PL", **base) for i in range(12)]
    people.append(LinkedPerson(age=40, nationality="NG", **base))
    published, risk = anonymise(ctdc_frame(people), dimensions(2020, 2020), 11)
    assert risk.levels == {
        "year": 0,
        "gender": 0,
        "age": 1,
        "citizenship": 0,
        "exploitation_country": 0,
    }
    assert sorted(published["citizenship"].unique()) == ["PL", "RO"]
    assert set(published["ageBroad"]) == {"18--29"}
    assert risk.records_suppressed == 1 and risk.records_published == 24
