"""Synthetic chain worlds (zicht.synth) shaped like the store's victim registrations."""

from __future__ import annotations

import pandas as pd

from zicht.synth._scenario import Scenario, load_scenario
from zicht.synth._world import simulate

# Noise fields that are probabilities of an error; scaled together by `noise`.
_ERROR_RATES = (
    "transliteration",
    "typo_given_names",
    "typo_family_name",
    "swap_names",
    "nickname",
    "drop_second_given_name",
    "dob_day_month_swap",
    "dob_year_off_by_one",
    "dob_year_only",
    "dob_first_of_january",
)


def noisy_scenario(noise: float = 1.0) -> Scenario:
    """The default scenario with its error rates, moves and missing shares times `noise`."""
    scenario = load_scenario("default")
    rates = scenario.noise.model_dump()
    for name in _ERROR_RATES:
        rates[name] = min(1.0, rates[name] * noise)
    rates["address_moves_mean"] *= noise
    rates["phone_changes_mean"] *= noise
    rates["missing"] = {k: min(0.95, v * noise) for k, v in rates["missing"].items()}
    return scenario.model_copy(update={"noise": type(scenario.noise)(**rates)})


def synth_registrations(persons: int, seed: int = 0, noise: float = 1.0) -> pd.DataFrame:
    """Victim registrations of a simulated world; `truth` is the true person id.

    Args:
        persons: victims in the world (registered or not; about half are registered).
        seed: random seed.
        noise: factor on the default scenario's error rates (1.0 = default noise),
            on the moves/phone changes and on the missing-value shares.
    """
    world = simulate(noisy_scenario(noise), persons=persons, seed=seed)
    victims = world.registrations[world.registrations["record_type"] == "victim_registration"]
    frame = victims.reset_index(drop=True).copy()
    frame.insert(0, "registration_id", range(1, len(frame) + 1))
    frame["truth"] = frame["person_id"]
    return frame.drop(columns=["person_id", "person"])
