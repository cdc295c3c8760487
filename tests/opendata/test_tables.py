"""International tables: hand-counted populations, suppression, the publication policy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from tests.opendata.conftest import YEARS
from zicht.access import Actor, search
from zicht.opendata import LinkedPerson, export_tables, international_tables
from zicht.privacy import PublicationPolicy

ACTOR = Actor("cli:tester", "system", None, "command line")


def _person(gender: str, age: int | None, nationality: str | None, forms: set[str]) -> LinkedPerson:
    return LinkedPerson(
        year=2022,
        gender=gender,
        age=age,
        age_band=None,
        minor=None,
        nationality=nationality,
        country_of_exploitation="NL",
        forms=frozenset(forms),
        sectors=frozenset(),
        means_of_control=frozenset(),
        recruiter_relations=frozenset(),
    )


def _population() -> list[LinkedPerson]:
    # 30 Dutch women (sexual), 20 Romanian men (labour), 15 Nigerian women (sexual and
    # labour), 3 Dutch girls (sexual): the girls are a small cell.
    return (
        [_person("female", 25, "NL", {"sexual_domestic"}) for _ in range(30)]
        + [_person("male", 35, "RO", {"labour"}) for _ in range(20)]
        + [_person("female", 30, "NG", {"sexual_cross_border", "labour"}) for _ in range(15)]
        + [_person("female", 15, "NL", {"sexual_domestic"}) for _ in range(3)]
    )


def _frame(rows: list[list[str]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def test_counts_by_hand_and_suppression() -> None:
    tables = international_tables({2022: _population()}, PublicationPolicy(k=1))
    greta = {r[1]: r[2] for r in tables.greta_rows()}
    assert greta["victims_total"] == "68"
    assert greta["women"] == "45" and greta["men"] == "20" and greta["girls"] == "3"
    assert greta["boys"] == "0"
    assert greta["nationals"] == "33" and greta["foreigners"] == "35"
    assert greta["sexual_exploitation"] == "48" and greta["labour_exploitation"] == "35"
    euro = _frame(
        tables.eurostat_rows(),
        [
            "DATAFLOW",
            "freq",
            "unit",
            "sex",
            "age",
            "citizen",
            "expl",
            "geo",
            "TIME_PERIOD",
            "OBS_VALUE",
            "OBS_FLAG",
        ],
    )
    eu = euro[(euro["sex"] == "TOTAL") & (euro["citizen"] == "EU27_2020_FOR")]
    assert eu["OBS_VALUE"].tolist() == ["20"]

    protected = international_tables({2022: _population()}, PublicationPolicy(k=10))
    greta = {r[1]: (r[2], r[3]) for r in protected.greta_rows()}
    assert greta["girls"] == ("", "c")
    # the girls cannot be recomputed as total women minus adult women
    euro = _frame(protected.eurostat_rows(), list(range(11)))  # type: ignore[arg-type]
    women = euro[(euro[3] == "F") & (euro[5] == "TOTAL") & (euro[6] == "TOTAL")]
    values = dict(zip(women[4], women[9], strict=True))
    assert values["Y_LT18"] == ""
    assert values["TOTAL"] == "" or values["Y_GE18"] == "" or values["UNK"] == ""


def test_world_tables(filled_engine: Engine, tmp_path: Path) -> None:
    first, last = YEARS
    export_tables(
        filled_engine,
        first_year=first,
        last_year=last,
        out=tmp_path,
        policy=PublicationPolicy(k=10),
        actor=ACTOR,
    )
    euro = pd.read_csv(tmp_path / "eurostat_thb.csv", dtype=str, keep_default_na=False)
    shown = euro[euro["OBS_FLAG"] == ""]["OBS_VALUE"].astype(int)
    assert not ((shown > 0) & (shown < 10)).any()
    assert set(euro["TIME_PERIOD"]) == {str(y) for y in range(first, last + 1)}
    greta = pd.read_csv(tmp_path / "greta.csv", dtype=str, keep_default_na=False)
    assert set(greta["flag"]) <= {"", "c"}
    entries, count = search(filled_engine, action="export_open_data")
    assert count == 1 and entries[0].object_type == "opendata:tables"
