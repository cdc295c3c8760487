"""Reports of labour exploitation per organisation and per definition: equal to counts
made by hand and by a separately written checker (pandas over the stored records), and
published by the report's policy in a system of their own."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from zicht.ingest import default_mapping, ingest_file
from zicht.privacy import Cipher, PublicationPolicy
from zicht.programme import DEFINITIONS, labour_reports
from zicht.store import read_records

EXACT = PublicationPolicy(k=1)
HEADER = "source_record_id,registration_date,forms\n"


def _ingest(
    engine: Engine, cipher: Cipher, tmp_path: Path, kind: str, source: str, rows: str
) -> None:
    path = tmp_path / f"{kind}-{source}.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    result = ingest_file(
        path, source=source, engine=engine, cipher=cipher, mapping=default_mapping(kind)
    )
    assert result.new == result.rows_read == rows.count("\n")


def test_counts_per_organisation_and_definition_equal_a_hand_made_table(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    reports_police = (
        "r1,2021-03-01,labour\n"
        "r2,2021-04-01,labour;sexual_domestic\n"
        "r3,2021-05-01,sexual_domestic\n"
        "r4,2020-05-01,labour\n"  # another year
    )
    reports_fairwork = "f1,2021-01-02,labour\nf2,2021-02-02,labour\nf3,2021-06-02,criminal;labour\n"
    victims_inspectorate = (
        "v1,2021-01-05,labour\nv2,2021-01-06,labour;criminal\nv3,2021-01-07,sexual_domestic\n"
    )
    _ingest(engine, cipher, tmp_path, "report", "police", reports_police)
    _ingest(engine, cipher, tmp_path, "report", "fairwork", reports_fairwork)
    _ingest(engine, cipher, tmp_path, "victim_registration", "inspectorate", victims_inspectorate)

    table = labour_reports(engine, 2021, EXACT)

    assert table.organisations == ("fairwork", "inspectorate", "police")
    # (named, only, victims), counted by hand from the rows above
    assert table.row("police") == [2, 1, 0]
    assert table.row("fairwork") == [3, 2, 0]
    assert table.row("inspectorate") == [0, 0, 2]
    assert table.row("*") == [5, 3, 2]
    assert labour_reports(engine, 2020, EXACT).row("*") == [1, 1, 0]
    # With the report's policy (k = 10) every small count is hidden, zeros stay.
    published = labour_reports(engine, 2021)
    assert published.row("police") == [None, None, 0]
    assert published.row("inspectorate") == [0, 0, None]
    assert all(value in (None, 0) for value in published.cells.values())


def _checker(engine: Engine, year: int) -> dict[tuple[str, str], int]:
    """Counts made with pandas from the stored records, apart from the code under test."""
    counts: dict[tuple[str, str], int] = {}
    for kind in ("report", "victim_registration"):
        frame = read_records(engine, kind)
        frame = frame[frame["registration_date"].map(lambda d: d.year) == year]
        forms = frame["forms"].fillna("").str.split(";").map(set)
        labour = frame[forms.map(lambda f: "labour" in f)]
        alone = frame[forms.map(lambda f: f == {"labour"})]
        for source, n in labour.groupby("source").size().items():
            counts[(str(source), "named" if kind == "report" else "victims")] = int(n)
        if kind == "report":
            for source, n in alone.groupby("source").size().items():
                counts[(str(source), "only")] = int(n)
    return counts


def test_the_synthetic_world_agrees_with_a_separate_checker(filled_engine: Engine) -> None:
    expected = _checker(filled_engine, 2021)
    assert expected, "the world has reports of labour exploitation"
    exact = labour_reports(filled_engine, 2021, EXACT)
    for organisation in exact.organisations:
        for code in DEFINITIONS:
            assert exact.cells[(organisation, code)] == expected.get((organisation, code), 0)
    for code in DEFINITIONS:
        assert exact.cells[("*", code)] == sum(n for (_, c), n in expected.items() if c == code)

    published = labour_reports(filled_engine, 2021)
    for cell, value in published.cells.items():
        true = exact.cells[cell]
        assert true is not None
        if 0 < true < published.policy.k:
            assert value is None  # primary suppression
        if value is not None:
            assert value == true
    # Disclosure control holds across the table: no definition's total minus its
    # published organisations gives a single suppressed organisation back.
    for code in DEFINITIONS:
        hidden = [o for o in published.organisations if published.cells[(o, code)] is None]
        assert len(hidden) != 1 or published.cells[("*", code)] is None
