"""`zicht estimate --linked --by year` never leaves a year out silently (issue 14, point
10): a year whose registrations all came after the latest link run was missing from the
output, because the estimate reads the linked persons only. Now that year has a row
saying why, and a year with some registrations after the run says how many.

Oracle: the registrations stored, counted by hand against the link run's members."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tests.web.conftest import fake_link_run, ingest_examples
from zicht.cli import app
from zicht.ingest import ingest_file
from zicht.privacy import Cipher, generate_key
from zicht.store import VictimRegistrationRow, make_engine, upgrade

NEW_YEAR = 2025


def _late_file(folder: Path, year: int, rows: int, prefix: str) -> Path:
    path = folder / f"{prefix}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_record_id", "registration_date", "forms", "gender", "age"])
        for i in range(rows):
            writer.writerow([f"{prefix}-{i}", f"{year}-03-{10 + i:02d}", "labour", "female", 30])
    return path


@pytest.fixture
def database(tmp_path: Path) -> tuple[str, Engine, Cipher]:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    cipher = Cipher(generate_key())
    ingest_examples(engine, cipher)
    fake_link_run(engine)
    return url, engine, cipher


def _years(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        rows = connection.execute(select(VictimRegistrationRow.registration_year)).scalars()
        return sorted(set(rows))


def test_a_year_stored_after_the_link_run_is_named_not_dropped(
    database: tuple[str, Engine, Cipher], tmp_path: Path
) -> None:
    url, engine, cipher = database
    linked_years = _years(engine)
    ingest_file(
        _late_file(tmp_path, NEW_YEAR, 4, "late"), source="police", engine=engine, cipher=cipher
    )
    some = linked_years[0]  # a linked year that gets 3 more registrations after the run
    ingest_file(
        _late_file(tmp_path, some, 3, "later"), source="police", engine=engine, cipher=cipher
    )
    assert _years(engine) == sorted({*linked_years, NEW_YEAR})

    runner = CliRunner()
    env = {"ZICHT_DATABASE_URL": url}
    result = runner.invoke(app, ["estimate", "--linked", "--by", "year", "--json"], env=env)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["stratum"]["year"] for r in rows] == _years(engine)  # every year, in order
    new = next(r for r in rows if r["stratum"]["year"] == NEW_YEAR)
    assert (new["problem"], new["persons"], new["unlinked_registrations"]) == ("not_linked", 0, 4)
    assert new["estimate"] is None
    older = next(r for r in rows if r["stratum"]["year"] == some)
    assert older["unlinked_registrations"] == 3 and older["problem"] != "not_linked"

    wide = {**env, "COLUMNS": "200"}  # one line per row: rich wraps cells to the terminal
    table = runner.invoke(app, ["estimate", "--linked", "--by", "year"], env=wide)
    assert table.exit_code == 0, table.output
    assert f"year={NEW_YEAR}" in table.stdout
    assert "not in the latest link run" in table.stdout
    assert f"year {some}: 3 registration(s) stored after the latest link run" in table.stdout


def test_nothing_is_added_when_every_registration_is_linked(
    database: tuple[str, Engine, Cipher],
) -> None:
    url, engine, _ = database
    result = CliRunner().invoke(
        app, ["estimate", "--linked", "--by", "year", "--json"], env={"ZICHT_DATABASE_URL": url}
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["stratum"]["year"] for r in rows] == _years(engine)
    assert all(r["unlinked_registrations"] == 0 for r in rows)


def test_the_estimates_page_names_every_year_without_an_estimate(
    tmp_path: Path, cipher: Cipher
) -> None:
    from tests.web.conftest import build_world

    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(engine)
    world = build_world(engine, cipher, tmp_path)
    ingest_file(
        _late_file(tmp_path, NEW_YEAR, 4, "late"), source="police", engine=engine, cipher=cipher
    )
    page = world.client("coordinator").get("/estimates?lang=en").text
    for year in _years(engine):  # every year is on the page: estimated, or with a reason
        assert re.search(rf'<th scope="row">{year}</th>', page), year
    row = re.search(rf'<th scope="row">{NEW_YEAR}</th>.*?</tr>', page, re.S)
    assert row is not None and "Not in the latest link run" in row.group(0)
    assert f"{NEW_YEAR}: registrations came after the latest link run" in page
    assert "4 registrations" not in page  # a small count is not published beside the totals
    engine.dispose()


def test_the_estimates_api_names_every_year_without_an_estimate(
    tmp_path: Path, cipher: Cipher
) -> None:
    from tests.web.conftest import build_world

    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(engine)
    world = build_world(engine, cipher, tmp_path)
    ingest_file(
        _late_file(tmp_path, NEW_YEAR, 4, "late"), source="police", engine=engine, cipher=cipher
    )
    token = world.token(["view_estimates"])
    answer = world.client().get("/api/estimates", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    strata = {e["stratum"]: e for e in body["estimates"]}
    for year in _years(engine):  # every year is there: estimated, or with its problem
        assert str(year) in strata, year
    new = strata[str(NEW_YEAR)]
    assert (new["problem"], new["observed"], new["estimate"]) == ("not_linked", 0, None)
    assert body["years_with_unlinked_registrations"] == [str(NEW_YEAR)]
    engine.dispose()
