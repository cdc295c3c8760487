"""`/api/dashboard` passes the one publication step: no subtraction undoes a suppression.

Issue 11 point 3: a source with 2 registrations was null, but the total minus the
published parts gave 2. The attacker below is written from the published JSON alone
with `scipy.optimize.linprog`, independently of `zicht.privacy._disclosure`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linprog
from sqlalchemy import Engine

from tests.web.conftest import PASSWORD, WebWorld
from zicht.access import Actor, add_user
from zicht.config import Settings
from zicht.ingest import ingest_file
from zicht.privacy import Cipher
from zicht.web.app import create_app

K = 10
# Registrations per source and year: fairwork has 2, the others are large.
PLAN = {"police": {2022: 15, 2023: 15}, "comensha": {2022: 12, 2023: 13}, "fairwork": {2023: 2}}


def _ingest(engine: Engine, cipher: Cipher, folder: Path) -> None:
    for source, years in PLAN.items():
        path = folder / f"{source}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source_record_id", "registration_date", "forms", "gender", "age"])
            for year, count in years.items():
                for i in range(count):
                    writer.writerow(
                        [f"{year}-{i}", f"{year}-04-{1 + i:02d}", "labour", "female", 30]
                    )
        assert ingest_file(path, source=source, engine=engine, cipher=cipher).stored == sum(
            years.values()
        )


@pytest.fixture
def steward_world(engine: Engine, cipher: Cipher, tmp_path: Path) -> WebWorld:
    _ingest(engine, cipher, tmp_path)
    add_user(engine, Actor("test"), "analyst", "analyst", None, PASSWORD)
    app = create_app(
        Settings(database_url=str(engine.url)), engine=engine, cipher=cipher, report_dir=tmp_path
    )
    return WebWorld(engine, cipher, app, tmp_path, 0)


def attacker_interval(api: dict[str, object], target: str) -> tuple[float, float]:
    """Min and max of one organisation's count over every table agreeing with the JSON.

    Known to the attacker: total = sum over organisations = sum over years; each form's
    count is at most the total and the forms together at least the total (a
    registration has one form or more). Every count is nonnegative.
    """
    groups = {
        "org": api["victim_registrations_by_organisation"],
        "year": api["victim_registrations_by_year"],
        "form": api["victim_registrations_by_form"],
    }
    cells: dict[tuple[str, str], int | None] = {("total", ""): api["victim_registrations"]}
    for group, values in groups.items():
        assert isinstance(values, dict)
        cells |= {(group, str(code)): value for code, value in values.items()}
    unknown = [cell for cell, value in cells.items() if value is None]
    index = {cell: i for i, cell in enumerate(unknown)}

    def row(terms: list[tuple[tuple[str, str], float]]) -> tuple[list[float], float]:
        vector, constant = [0.0] * len(unknown), 0.0
        for cell, sign in terms:
            value = cells[cell]
            if value is None:
                vector[index[cell]] += sign
            else:
                constant += sign * value
        return vector, -constant

    a_eq, b_eq = [], []
    for group in ("org", "year"):
        parts = [(c, 1.0) for c in cells if c[0] == group]
        vector, bound = row([(("total", ""), -1.0), *parts])
        a_eq.append(vector)
        b_eq.append(bound)
    a_ub, b_ub = [], []
    forms = [c for c in cells if c[0] == "form"]
    vector, bound = row([(("total", ""), 1.0), *[(f, -1.0) for f in forms]])
    a_ub.append(vector)
    b_ub.append(bound)
    for form in forms:
        vector, bound = row([(form, 1.0), (("total", ""), -1.0)])
        a_ub.append(vector)
        b_ub.append(bound)
    objective = np.zeros(len(unknown))
    objective[index[("org", target)]] = 1.0
    arrays = {"A_eq": a_eq, "b_eq": b_eq, "A_ub": a_ub, "b_ub": b_ub, "bounds": (0, None)}
    low = linprog(objective, **arrays)
    high = linprog(-objective, **arrays)
    assert low.status == 0, "the published figures contradict each other"
    return float(low.fun), float("inf") if high.status == 3 else float(-high.fun)


def test_a_source_with_two_registrations_cannot_be_recovered(steward_world: WebWorld) -> None:
    api = steward_world.client("analyst").get("/api/dashboard").json()
    assert api["suppressed_below"] == K
    assert api["victim_registrations_by_organisation"]["fairwork"] is None
    low, high = attacker_interval(api, "fairwork")
    # 2 cannot be told apart from 0, nor pinned below 2 + k.
    assert low <= 1e-6
    assert high >= 2 + K - 1e-6


def test_published_counts_are_the_true_counts(steward_world: WebWorld) -> None:
    api = steward_world.client("analyst").get("/api/dashboard").json()
    truth = {
        "victim_registrations": sum(sum(years.values()) for years in PLAN.values()),
        "police": 30,
        "comensha": 25,
        "2022": 27,
        "2023": 30,
    }
    shown = {
        "victim_registrations": api["victim_registrations"],
        **api["victim_registrations_by_organisation"],
        **api["victim_registrations_by_year"],
    }
    for name, value in truth.items():
        assert shown[name] in (None, value), name  # published exactly, or suppressed
    assert any(shown[name] is not None for name in truth), "everything suppressed"
