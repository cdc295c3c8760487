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
    release = synthesise(_true(800, 1), domain, 1.0, np.random.default_rng(0), forest=False)
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


def _exact(monkeypatch: pytest.MonkeyPatch, stop_after: int | None = None) -> None:
    """Counts without noise and the candidate of the largest score chosen (or, with
    `stop_after`, that many pairs and then the forest's stop), so that the selection's
    rule is checked deterministically."""
    import zicht.opendata._synthetic as synthetic

    chosen: list[int] = []

    def choose(scores: list[float], epsilon: float) -> tuple[int, float]:
        if stop_after is None:
            chosen.append(int(np.argmax(scores)))
        elif len(chosen) >= stop_after:
            return len(scores) - 1, epsilon  # the forest's stop is the last candidate
        else:
            chosen.append(int(np.argmax(scores[:-1])))
        return chosen[-1], epsilon

    monkeypatch.setattr(synthetic, "_laplace", lambda counts, e: (counts.astype(float), e))
    monkeypatch.setattr(synthetic, "_noisy_max", choose)


def test_a_forest_spends_exactly_epsilon_however_early_it_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    domain = synthetic_domain(2020, 2021)
    true = _true(600, 5)
    for edges in (0, 1, 3):
        with monkeypatch.context() as patch:
            _exact(patch, stop_after=edges)
            release = synthesise(true, domain, 1.0, np.random.default_rng(0), forest=True)
        assert len(release.edges) == edges
        # what the selection did not use went to the measurements; never more than epsilon
        assert release.epsilon == pytest.approx(1.0)
        assert release.epsilon <= 1.0 + 1e-9
        assert set(release.spent) == {"one_way", "selection", "two_way"}
        # every variable, on an edge or alone, comes out with its exact marginal, and the
        # edges' pairs exactly: each component of the forest is drawn
        report = utility(true, release.frame, 11)
        assert len(release.frame) == len(true)
        assert max(report.one_way.values()) == pytest.approx(0.0, abs=1e-9)
        for a, b in release.edges:
            assert report.two_way[f"{a}|{b}"] == pytest.approx(0.0, abs=1e-9)


def test_a_forest_keeps_a_strong_pair_and_stops_on_independent_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With exact scores (the noise removed), the gain-minus-cost rule keeps the one
    strong dependence of `_true` (women and sexual exploitation) and then stops: every
    other pair is independent, so measuring it would bring more noise than it gains."""
    _exact(monkeypatch)
    domain = synthetic_domain(2020, 2021)
    release = synthesise(_true(3000, 6), domain, 1.0, np.random.default_rng(0), forest=True)
    assert release.edges == (("gender", "typeOfExploitConcatenated"),)
    # the spanning tree, by contrast, joins every variable
    tree = synthesise(_true(3000, 6), domain, 1.0, np.random.default_rng(0), forest=False)
    assert len(tree.edges) == len(SYNTHETIC_COLUMNS) - 1


def test_a_forest_depends_on_the_data_only_through_the_measurements(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As for the tree: A's release with B's measurements (and B's choices) is B's."""
    import zicht.opendata._synthetic as synthetic

    measured: list[np.ndarray] = []
    chosen: list[int] = []

    def record(counts: np.ndarray, epsilon: float) -> tuple[np.ndarray, float]:
        measured.append(counts.astype(float))
        return counts.astype(float), epsilon

    def choose(scores: list[float], epsilon: float) -> tuple[int, float]:
        # two pairs (the last candidate is the stop), then stop
        chosen.append(int(np.argmax(scores[:-1])) if len(chosen) < 2 else len(scores) - 1)
        return chosen[-1], epsilon

    monkeypatch.setattr(synthetic, "_noisy_max", choose)
    monkeypatch.setattr(synthetic, "_laplace", record)
    domain = synthetic_domain(2020, 2021)
    a, b = _true(500, 7), _true(400, 8)
    release_b = synthesise(b, domain, 1.0, np.random.default_rng(0), forest=True)
    replay, picks = iter(list(measured)), iter(list(chosen))
    monkeypatch.setattr(synthetic, "_laplace", lambda counts, epsilon: (next(replay), epsilon))
    monkeypatch.setattr(synthetic, "_noisy_max", lambda scores, epsilon: (next(picks), epsilon))
    release_a = synthesise(a, domain, 1.0, np.random.default_rng(0), forest=True)
    assert len(release_b.edges) == 2
    assert release_a.edges == release_b.edges
    assert release_a.frame.equals(release_b.frame)


def test_of_equal_gains_the_forest_measures_the_smaller_table_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three copies of one variable: every pair gains the same over independence, but a
    3 x 3 table costs less noise than a 9 x 3 one, so (v, w) is chosen first (with no
    cost, or the cost added, the first pair (u, v) would be)."""
    _exact(monkeypatch)
    rng = np.random.default_rng(9)
    w = rng.choice(["x", "y", "z"], size=3000)
    domain = {"u": tuple("xyzabcdef"), "v": ("x", "y", "z"), "w": ("x", "y", "z")}
    true = pd.DataFrame({"u": w, "v": w, "w": w})
    release = synthesise(true, domain, 1.0, np.random.default_rng(0))
    assert release.edges[0] == ("v", "w")
    assert len(release.edges) == 2  # both strong: the forest is a tree here
