"""The synthetic chain world with ground truth, for the demo, tests and benchmarks.

``simulate`` is the pure core (DataFrames, no files); ``generate_world`` writes each
organisation's exports with mapping files, a manifest and the truth. Only synthetic
data: every name, number and address is drawn at random.
"""

from zicht.synth.generate import DEFAULT_PERSONS, WorldSummary, generate_world, write_world
from zicht.synth.scenario import (
    LISTS,
    Scenario,
    ScenarioError,
    homogeneous_scenario,
    load_scenario,
    scenario_names,
)
from zicht.synth.world import World, simulate

__all__ = [
    "DEFAULT_PERSONS",
    "LISTS",
    "Scenario",
    "ScenarioError",
    "World",
    "WorldSummary",
    "generate_world",
    "homogeneous_scenario",
    "load_scenario",
    "scenario_names",
    "simulate",
    "write_world",
]
