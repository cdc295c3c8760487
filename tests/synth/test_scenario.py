"""Scenarios: the shipped ones load, `extends` merges, mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicht.synth import LISTS, ScenarioError, load_scenario, scenario_names


def test_shipped_scenarios_load() -> None:
    assert set(scenario_names()) >= {"default", "independent", "dependent", "heterogeneous"}
    for name in scenario_names():
        scenario = load_scenario(name)
        assert tuple(scenario.capture.organisations) == LISTS


def test_independent_has_no_dependence_and_no_heterogeneity() -> None:
    scenario = load_scenario("independent")
    assert scenario.capture.interactions == []
    assert scenario.capture.heterogeneity_sd == 0
    # everything else comes from the default
    default = load_scenario("default")
    assert scenario.population == default.population


def test_extends_merges_mappings(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "extends: default\nname: mine\ncapture:\n  organisations:\n"
        "    police: {base_probability: 0.2}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.capture.organisations["police"].base_probability == 0.2
    assert scenario.capture.organisations["police"].effects["sexual"] == 0.9  # kept
    assert scenario.capture.organisations["kmar"].base_probability == 0.005


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("extends: default\nbad_rows: {share: 2}\n", "bad_rows.share"),
        ("extends: default\nnoise: {surprise: 1}\n", "noise.surprise"),
        (
            "extends: default\ncapture:\n  organisations:\n    police: {effects: {height: 1}}\n",
            "unknown covariate",
        ),
        ("- just a list\n", "a YAML mapping"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=problem):
        load_scenario(path)


def test_unknown_name() -> None:
    with pytest.raises(ScenarioError, match="no such scenario"):
        load_scenario("no-such-scenario")


def test_effective_scenario_round_trips(tmp_path: Path) -> None:
    scenario = load_scenario("dependent")
    path = tmp_path / "effective.yaml"
    path.write_text(scenario.to_yaml(), encoding="utf-8")
    assert load_scenario(path) == scenario
