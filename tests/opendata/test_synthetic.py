"""DP synthetic microdata: budget accounting, domain, allocation, utility report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from tests.opendata.conftest import YEARS
from zicht.access import Actor, search
from zicht.opendata import (
    SYNTHETIC_COLUMNS,
    OpenDataError,
    export_synthetic,
    synthesise,
    synthetic_domain,
    total_variation,
    utility,
)

ACTOR = Actor("cli:tester", "system", None, "command line")


def _true(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    domain = synthetic_domain(2020, 2021)
    frame = pd.DataFrame({c: rng.choice(list(v)[:3], size=n) for c, v in domain.items()})
    # a strong dependence the tree should carry: sexual exploitation mostly of women
    women = frame["gender"] == "Female"
    frame.loc[women, "typeOfExploitConcatenated"] = "Sexual exploitation"
    return frame


def test_total_variation_by_hand() -> None:
    true = pd.DataFrame({"a": ["x", "x", "y", "y"]})
    synthetic = pd.DataFrame({"a": ["x", "x", "x", "z"]})
    # p = (x .5, y .5), q = (x .75, z .25): TVD = (|.5-.75| + .5 + .25) / 2 = .5
    assert total_variation(true, synthetic, ["a"]) == pytest.approx(0.5)
    assert total_variation(true, true, ["a"]) == 0.0


def test_budget_is_spent_exactly_and_values_stay_in_domain() -> None:
    domain = synthetic_domain(2020, 2021)
    release = synthesise(_true(800, 1), domain, 1.0, np.random.default_rng(0))
    assert release.epsilon == pytest.approx(1.0)
    assert release.delta == 0.0
    assert sum(release.spent.values()) == pytest.approx(1.0)
    assert list(release.frame.columns) == list(SYNTHETIC_COLUMNS)
    for column, values in domain.items():
        assert set(release.frame[column]) <= set(values)
    assert len(release.edges) == len(SYNTHETIC_COLUMNS) - 1
    # a spanning tree: every variable is reached
    touched = {v for edge in release.edges for v in edge}
    assert touched == set(SYNTHETIC_COLUMNS)


def test_more_budget_means_closer_marginals() -> None:
    # Averaged over repetitions: the noise shrinks as epsilon grows (independent oracle:
    # the TVD measured against the true data, not anything the synthesiser reports).
    true = _true(3000, 2)
    domain = synthetic_domain(2020, 2021)

    def error(epsilon: float) -> float:
        runs = [
            utility(true, synthesise(true, domain, epsilon, np.random.default_rng(r)).frame, 11)
            for r in range(3)
        ]
        return float(np.mean([u.mean_two_way for u in runs]))

    low, high = error(0.2), error(20.0)
    assert high < low
    assert high < 0.03


def test_rare_combinations_are_counted() -> None:
    true = pd.DataFrame({"a": ["x"] * 20 + ["y"], "b": ["u"] * 20 + ["v"]})
    synthetic = pd.DataFrame({"a": ["x"] * 21, "b": ["u"] * 21})
    report = utility(true, synthetic, 11)
    assert report.rare_combinations == 1 and report.rare_kept_out == 1.0


def test_bad_epsilon_and_outside_values_are_refused() -> None:
    domain = synthetic_domain(2020, 2021)
    with pytest.raises(ValueError, match="epsilon"):
        synthesise(_true(10, 1), domain, 0.0)
    bad = _true(10, 1)
    bad.loc[0, "gender"] = "Robot"
    with pytest.raises(ValueError, match="outside the synthetic domain"):
        synthesise(bad, domain, 1.0)


def test_world_export(filled_engine: Engine, tmp_path: Path) -> None:
    first, last = YEARS
    result = export_synthetic(
        filled_engine,
        first_year=first,
        last_year=last,
        out=tmp_path,
        epsilon=1.0,
        budget=3.0,
        rare_below=11,
        actor=ACTOR,
    )
    synthetic = pd.read_csv(tmp_path / "synthetic.csv", dtype=str, keep_default_na=False)
    report = json.loads((tmp_path / "synthetic_report.json").read_text())
    assert report["epsilon"] == pytest.approx(1.0) and report["delta"] == 0.0
    assert sum(report["budget"].values()) == pytest.approx(1.0)
    assert len(synthetic) == result.records > 0
    for column, values in report["domain"].items():
        assert set(synthetic[column]) <= set(values)
    # the utility figures (from the true data) are beside the release, never in it
    assert "utility" not in report
    steward = json.loads((tmp_path / "synthetic_utility.json").read_text())
    assert 0.0 <= steward["mean_two_way_tvd"] <= 1.0
    entries, count = search(filled_engine, action="export_open_data")
    assert count == 1 and entries[0].object_type == "opendata:synthetic"
    with pytest.raises(OpenDataError, match="epsilon"):
        export_synthetic(
            filled_engine,
            first_year=first,
            last_year=last,
            out=tmp_path,
            epsilon=0,
            budget=3.0,
            rare_below=11,
            actor=ACTOR,
        )


def test_raking_meets_both_margins_and_keeps_the_zero_pattern() -> None:
    from zicht.opendata._synthetic import _rake

    # With cell (1, 0) empty, the only table of rows (3, 1) and columns (1, 3) of this
    # zero pattern is [[1, 2], [0, 1]] (solved by hand: t00 = 1, t01 = 2, t11 = 1).
    raked = _rake(np.array([[1.0, 1.0], [0.0, 2.0]]), np.array([3.0, 1.0]), np.array([1.0, 3.0]))
    assert raked == pytest.approx(np.array([[1.0, 2.0], [0.0, 1.0]]), abs=1e-6)
    # An empty row with a positive target is filled, so both margins can still be met.
    table = np.array([[2.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    rows, columns = np.array([3.0, 5.0]), np.array([2.0, 4.0, 2.0])
    raked = _rake(table, rows, columns)
    assert raked.sum(axis=1) == pytest.approx(rows, abs=1e-5)
    assert raked.sum(axis=0) == pytest.approx(columns, abs=1e-5)
    assert (raked >= 0).all()


def test_estimates_are_combined_by_inverse_variance() -> None:
    from zicht.opendata._synthetic import _combined

    # weights 1/1 and 1/3: (3 * 1 + 1 * 5) / 4 = 2 and (3 * 4 + 1 * 0) / 4 = 3
    combined = _combined([(np.array([1.0, 4.0]), 1.0), (np.array([5.0, 0.0]), 3.0)])
    assert combined == pytest.approx(np.array([2.0, 3.0]))


def test_the_release_depends_on_the_data_only_through_the_measurements(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Post-processing only: a release of data set A whose measurements are replaced by
    those of data set B equals B's release (the consistency step and the drawing read
    no true count). OpenDP's calls are replaced by functions of what they are given."""
    import zicht.opendata._synthetic as synthetic

    measured: list[np.ndarray] = []

    def record(counts: np.ndarray, epsilon: float) -> tuple[np.ndarray, float]:
        measured.append(counts.astype(float))
        return counts.astype(float), epsilon

    monkeypatch.setattr(synthetic, "_noisy_max", lambda scores, epsilon: (0, epsilon))
    monkeypatch.setattr(synthetic, "_laplace", record)
    domain = synthetic_domain(2020, 2021)
    a, b = _true(500, 3), _true(400, 4)
    release_b = synthesise(b, domain, 1.0, np.random.default_rng(0))
    replay = iter(list(measured))
    monkeypatch.setattr(synthetic, "_laplace", lambda counts, epsilon: (next(replay), epsilon))
    release_a = synthesise(a, domain, 1.0, np.random.default_rng(0))
    assert len(release_a.frame) == len(b)
    assert release_a.frame.equals(release_b.frame)
    # without noise the consistent tables are the true ones: every tree edge is exact
    for x, y in release_b.edges:
        assert total_variation(b, release_b.frame, [x, y]) == pytest.approx(0.0, abs=0.01)
