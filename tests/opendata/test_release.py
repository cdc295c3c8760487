"""One stored DP release per key and the privacy-budget ledger (SQLite and PostgreSQL).

Asking twice for the same release must give the same bytes and spend epsilon once (fresh
noise each time would let the noise be averaged away); a release that would take a year
over the budget is refused and leaves nothing behind; the web's single-year rule is the
service's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.opendata.conftest import YEARS
from zicht.access import Actor, AuditEvent, search
from zicht.opendata import OpenDataError, export_ctdc, export_synthetic, export_tables
from zicht.opendata._release import check_budget, obtain_release
from zicht.privacy import PublicationPolicy
from zicht.store.audit import AuditEntryRow
from zicht.store.opendata_releases import (
    BudgetSpendRow,
    ReleaseKey,
    StoredReleaseRow,
    spent_by_year,
)

ACTOR = Actor("cli:tester", "system", None, "command line")
YEAR = YEARS[1]


def _synthetic(engine: Engine, out: Path, **options: object) -> dict[str, bytes]:
    values: dict[str, object] = {
        "first_year": YEAR,
        "last_year": YEAR,
        "epsilon": 1.0,
        "budget": 3.0,
        "rare_below": 11,
        "actor": ACTOR,
        **options,
    }
    export_synthetic(engine, out=out, **values)  # type: ignore[arg-type]
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def _counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(StoredReleaseRow)).scalar_one(),
            connection.execute(select(func.count()).select_from(BudgetSpendRow)).scalar_one(),
            connection.execute(select(func.count()).select_from(AuditEntryRow)).scalar_one(),
        )


def test_the_same_year_asked_twice_gives_the_same_bytes_and_spends_once(
    filled_engine: Engine, tmp_path: Path
) -> None:
    first = _synthetic(filled_engine, tmp_path / "a")
    second = _synthetic(filled_engine, tmp_path / "b")
    for name in ("synthetic.csv", "synthetic_report.json"):
        assert first[name] == second[name], name
    # the ledger: one release, epsilon 1 spent once on its one year; the release's own
    # account (the epsilon OpenDP's maps report per step) adds up to what the ledger holds
    assert spent_by_year(filled_engine) == {YEAR: pytest.approx(1.0)}
    report = json.loads(first["synthetic_report.json"])
    assert sum(report["budget"].values()) == pytest.approx(report["epsilon"]) == 1.0
    assert report["delta"] == 0.0
    entries, count = search(filled_engine, action="export_open_data")
    assert count == 2
    made = sorted(bool(e.details["made_now"]) for e in entries)
    assert made == [False, True]
    assert sorted(float(e.details["epsilon_spent"]) for e in entries) == [0.0, 1.0]


def test_a_new_release_is_asked_for_explicitly_and_spends_again(
    filled_engine: Engine, tmp_path: Path
) -> None:
    _synthetic(filled_engine, tmp_path / "a")
    fresh = _synthetic(filled_engine, tmp_path / "b", new_release=True)
    assert spent_by_year(filled_engine) == {YEAR: pytest.approx(2.0)}
    # from now on the newest release is the one served
    again = _synthetic(filled_engine, tmp_path / "c")
    assert again["synthetic.csv"] == fresh["synthetic.csv"]
    assert spent_by_year(filled_engine) == {YEAR: pytest.approx(2.0)}


def test_a_period_spends_the_budget_of_each_of_its_years(
    filled_engine: Engine, tmp_path: Path
) -> None:
    first, last = YEARS
    _synthetic(filled_engine, tmp_path / "a", first_year=first, epsilon=0.5)
    _synthetic(filled_engine, tmp_path / "b", epsilon=1.0)
    expected = dict.fromkeys(range(first, last + 1), 0.5)
    expected[last] = 1.5
    assert spent_by_year(filled_engine) == pytest.approx(expected)


def test_exceeding_the_budget_is_refused_and_nothing_is_written(
    filled_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _synthetic(filled_engine, tmp_path / "a", budget=1.5)
    before = _counts(filled_engine)
    import zicht.opendata._service as service

    drawn: list[float] = []
    real = service.synthesise
    monkeypatch.setattr(service, "synthesise", lambda *a, **k: drawn.append(a[2]) or real(*a, **k))
    out = tmp_path / "refused"
    for options in ({"new_release": True}, {"epsilon": 0.6}):
        with pytest.raises(OpenDataError, match=f"privacy budget of {YEAR} is used up") as error:
            _synthetic(filled_engine, out, budget=1.5, **options)
        assert error.value.values["spent"] == pytest.approx(1.0)
    assert drawn == []  # refused before any noise was drawn
    assert _counts(filled_engine) == before
    assert not out.exists()
    # what fits exactly is still allowed
    _synthetic(filled_engine, tmp_path / "b", budget=1.5, epsilon=0.5)
    assert spent_by_year(filled_engine) == {YEAR: pytest.approx(1.5)}


def test_the_budget_is_checked_again_under_the_lock(filled_engine: Engine) -> None:
    """A release made by someone else between the first check and the commit: the same
    key's release is taken instead of ours; another key's spending refuses ours."""
    key = ReleaseKey("synthetic", _run(filled_engine), YEAR, YEAR, 1.0, 0.0)
    other = ReleaseKey("synthetic", key.run_id, YEAR, YEAR, 0.5, 0.0)

    def audit(release_id: int, made_now: bool) -> AuditEvent:
        return AuditEvent(actor="t", action="export_open_data", details={"made_now": made_now})

    def theirs(target: ReleaseKey) -> Mapping[str, str]:
        obtain_release(
            filled_engine, target, budget=1.5, make=lambda: {"f": "theirs"}, audit=audit,
            actor=ACTOR,
        )  # fmt: skip
        return {"f": "ours"}

    got = obtain_release(
        filled_engine, key, budget=1.5, make=lambda: theirs(key), audit=audit, actor=ACTOR
    )
    assert got.files == {"f": "theirs"} and not got.made_now
    assert spent_by_year(filled_engine) == {YEAR: pytest.approx(1.0)}
    before = _counts(filled_engine)
    with pytest.raises(OpenDataError, match="privacy budget"):
        obtain_release(
            filled_engine, other, budget=1.5, new_release=True,
            make=lambda: theirs(ReleaseKey("synthetic", key.run_id, YEAR, YEAR, 0.25, 0.0)),
            audit=audit, actor=ACTOR,
        )  # fmt: skip
    # theirs (0.25) committed; ours (0.5) did not
    assert _counts(filled_engine)[0] == before[0] + 1
    assert spent_by_year(filled_engine) == {YEAR: pytest.approx(1.25)}


def _run(engine: Engine) -> int:
    from zicht.store.linkage import latest_link_run

    run = latest_link_run(engine)
    assert run is not None
    return int(run.id)


def test_the_budget_check_by_hand() -> None:
    check_budget({2020: 2.0}, [2020, 2021], 1.0, 3.0)  # exactly at the budget: allowed
    check_budget({2020: 0.1 + 0.2}, [2020], 2.7, 3.0)  # float sums do not refuse
    with pytest.raises(OpenDataError, match="privacy budget of 2021"):
        check_budget({2020: 1.0, 2021: 2.5}, [2020, 2021], 1.0, 3.0)


def test_a_period_is_refused_where_single_years_are_the_rule(
    filled_engine: Engine, tmp_path: Path
) -> None:
    first, last = YEARS
    before = _counts(filled_engine)
    period = {"first_year": first, "last_year": last, "actor": ACTOR, "allow_ranges": False}
    exports = [
        lambda: export_ctdc(filled_engine, out=tmp_path / "c", k=11, **period),  # type: ignore[arg-type]
        lambda: export_tables(  # type: ignore[misc]
            filled_engine, out=tmp_path / "t", policy=PublicationPolicy(), **period
        ),
        lambda: export_synthetic(  # type: ignore[misc]
            filled_engine, out=tmp_path / "s", epsilon=1.0, budget=3.0, rare_below=11, **period
        ),
    ]
    for export in exports:
        with pytest.raises(OpenDataError, match="one registration year"):
            export()
    assert _counts(filled_engine) == before
    assert not any((tmp_path / name).exists() for name in "cts")
    # a single year is fine
    export_ctdc(filled_engine, out=tmp_path / "c", k=11, **{**period, "first_year": last})  # type: ignore[arg-type]


def test_models_and_migration_0017_agree(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zicht.store.models import Base

    tables = {"opendata_release", "opendata_budget_spend"}
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert [
        d for d in differences if tables & {str(getattr(p, "name", p)) for p in _parts(d)}
    ] == []


def _parts(difference: object) -> list[object]:
    found: list[object] = []
    for item in difference if isinstance(difference, list) else [difference]:
        for part in item if isinstance(item, tuple) else ():
            found.append(getattr(part, "table", part))
    return found
