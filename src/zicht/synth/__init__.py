"""The synthetic chain world with ground truth, for the demo, tests and benchmarks.

``simulate`` is the pure core (DataFrames, no files); ``generate_world`` writes each
organisation's exports with mapping files, a manifest and the truth. Only synthetic
data: every name, number and address is drawn at random.
"""

from zicht.synth._ads import network_sizes_of, simulate_ads, write_ad_world
from zicht.synth._generate import DEFAULT_PERSONS, WorldSummary, generate_world, write_world
from zicht.synth._scenario import (
    LISTS,
    Scenario,
    ScenarioError,
    homogeneous_scenario,
    load_scenario,
    scenario_names,
)
from zicht.synth._world import World, simulate

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
    "network_sizes_of",
    "scenario_names",
    "simulate",
    "simulate_ads",
    "write_ad_world",
    "write_world",
]
