"""The simulation core: distributions and dependence match the scenario within sampling error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stdnum import iban

from zicht.synth import LISTS, Scenario, load_scenario, simulate
from zicht.synth._scenario import Capture, Interaction, Organisation

Z = 4.5  # standard errors allowed: the tests must not flake


def _plain(
    probability: float,
    interactions: list[Interaction] | None = None,
    heterogeneity_sd: float = 0.0,
) -> Scenario:
    """The default scenario with capture reduced to base probabilities (+ given terms)."""
    base = load_scenario("default")
    capture = Capture(
        organisations={name: Organisation(base_probability=probability) for name in LISTS},
        interactions=interactions or [],
        heterogeneity_sd=heterogeneity_sd,
        repeat_registration_rate=0.2,
        next_year_share=0.25,
        referral_recorded_share=0.5,
    )
    return base.model_copy(update={"capture": capture})


def _within(observed: float, expected: float, se: float) -> bool:
    return abs(observed - expected) <= Z * se


def test_population_matches_the_scenario() -> None:
    world = simulate("default", persons=20_000, seed=11, identities=False)
    victims = world.victims
    pop = world.scenario.population
    n = len(victims)
    total = sum(pop.nationalities.values())
    shares = victims["nationality"].value_counts(normalize=True)
    for code, weight in pop.nationalities.items():
        p = weight / total
        assert _within(shares.get(code, 0.0), p, np.sqrt(p * (1 - p) / n)), code
    years = victims["year"].value_counts(normalize=True)
    weights = {y: pop.year_weights.get(y, 1.0) for y in range(2016, 2024)}
    for year, weight in weights.items():
        p = weight / sum(weights.values())
        assert _within(years[year], p, np.sqrt(p * (1 - p) / n)), year
    for form, share in pop.female_share_by_form.items():
        group = victims[victims["form"] == form]
        if len(group) < 200:
            continue
        female = (group["gender"] == "female").mean()
        expected = share * (1 - pop.other_gender_share)
        assert _within(female, expected, np.sqrt(expected * (1 - expected) / len(group))), form
    labour = victims[victims["form"] == "labour"]
    assert labour["sectors"].astype(str).str.len().gt(0).all()
    assert (victims["age"] >= pop.age.minor_min).all()
    assert (victims["age"] <= pop.age.adult_max).all()
    # a fifth to a third of the victims is ever registered
    assert 0.2 <= victims["registered"].mean() <= 0.34


def test_independent_capture_matches_base_probability() -> None:
    world = simulate(_plain(0.2), persons=20_000, seed=3, identities=False)
    n = len(world.victims)
    for name in LISTS:
        observed = world.victims[f"captured_{name}"].mean()
        assert _within(observed, 0.2, np.sqrt(0.16 / n)), name
        assert np.allclose(world.victims[f"p_{name}"], 0.2)
    # independence: the pairwise log odds ratio is 0
    police = world.victims["captured_police"].to_numpy()
    care = world.victims["captured_care_coordinator"].to_numpy()
    log_or, se = _log_odds_ratio(police, care)
    assert abs(log_or) <= Z * se


def _log_odds_ratio(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    table = pd.crosstab(a, b).to_numpy().astype(float)
    log_or = np.log(table[1, 1] * table[0, 0] / (table[1, 0] * table[0, 1]))
    return float(log_or), float(np.sqrt((1 / table).sum()))


def test_interaction_is_the_conditional_log_odds_ratio() -> None:
    pair = Interaction(between=("police", "care_coordinator"), log_odds_ratio=1.2)
    negative = Interaction(between=("kmar", "fairwork"), log_odds_ratio=-0.8)
    world = simulate(_plain(0.25, [pair, negative]), persons=30_000, seed=5, identities=False)
    victims = world.victims
    for interaction in (pair, negative):
        a, b = interaction.between
        others = [n for n in LISTS if n not in (a, b)]
        rest_zero = ~victims[[f"captured_{n}" for n in others]].any(axis=1)
        subset = victims[rest_zero]
        log_or, se = _log_odds_ratio(
            subset[f"captured_{a}"].to_numpy(), subset[f"captured_{b}"].to_numpy()
        )
        assert _within(log_or, interaction.log_odds_ratio, se), interaction


def test_heterogeneity_makes_lists_positively_dependent() -> None:
    world = simulate(_plain(0.2, heterogeneity_sd=1.5), persons=20_000, seed=8, identities=False)
    victims = world.victims
    log_or, se = _log_odds_ratio(
        victims["captured_police"].to_numpy(), victims["captured_shelter"].to_numpy()
    )
    assert log_or > Z * se
    # the recorded probabilities are the ones used: their mean matches the capture rate
    observed = victims["captured_police"].mean()
    assert _within(observed, victims["p_police"].mean(), np.sqrt(0.16 / len(victims)))


def test_covariate_effects_act() -> None:
    world = simulate("independent", persons=20_000, seed=2, identities=False)
    victims = world.victims
    labour = victims["forms"].astype(str).str.contains("labour")
    inspected = victims["captured_inspectorate"]
    assert inspected[labour].mean() > 4 * inspected[~labour].mean()
    foreign = victims["nationality"] != "NL"
    assert victims["captured_kmar"][foreign].mean() > 2 * victims["captured_kmar"][~foreign].mean()


def test_repeat_registrations_and_dates() -> None:
    world = simulate(_plain(0.2), persons=10_000, seed=4, identities=False)
    regs = world.registrations[world.registrations["record_type"] == "victim_registration"]
    per_capture = regs.groupby(["person_id", "source"]).size()
    repeated = (per_capture >= 2).mean()
    assert _within(repeated, 0.2, np.sqrt(0.16 / len(per_capture)))
    years = world.victims.set_index("person_id")["year"]
    registered_year = pd.DatetimeIndex(regs["registration_date"]).year.to_numpy()
    person_year = years.loc[regs["person_id"]].to_numpy()
    assert ((registered_year >= person_year) & (registered_year <= person_year + 1)).all()
    # ids are unique per source
    assert not world.registrations.duplicated(["source", "source_record_id"]).any()


def test_truth_is_consistent() -> None:
    world = simulate("default", persons=6_000, seed=6)
    victims = world.victims
    for year in range(2016, 2024):
        table = world.capture_histories(year)
        in_year = int((victims["year"] == year).sum())
        assert table["count"].sum() + world.unobserved(year) == in_year
        assert list(table.columns) == [*LISTS, "count"]
    regs = world.registrations[world.registrations["record_type"] == "victim_registration"]
    registered_by = set(zip(regs["person_id"], regs["source"], strict=True))
    for name in LISTS:
        captured = set(victims.loc[victims[f"captured_{name}"], "person_id"])
        assert captured == {p for p, s in registered_by if s == name}
    # referrals name an organisation that registered the same person
    referred = regs[regs["referred_by"] != ""]
    assert len(referred) > 0
    assert all(
        (p, s) in registered_by
        for p, s in zip(referred["person_id"], referred["referred_by"], strict=True)
    )
    # every bank account is a valid IBAN; shared ones tie victims to their network
    banks = world.registrations["bank_account"].dropna().astype(str).str.replace(" ", "")
    banks = banks[banks != ""]
    assert len(banks) > 100
    assert all(iban.is_valid(value) for value in banks)
    # OM: prosecutor dates never before registration
    suspects = world.registrations[world.registrations["record_type"] == "suspect_registration"]
    dated = suspects.dropna(subset=["prosecutor_date"])
    assert (dated["prosecutor_date"] >= dated["registration_date"]).all()


@pytest.mark.parametrize("identities", [True, False])
def test_same_seed_same_world(identities: bool) -> None:
    first = simulate("default", persons=1500, seed=21, identities=identities)
    second = simulate("default", persons=1500, seed=21, identities=identities)
    pd.testing.assert_frame_equal(first.registrations, second.registrations)
    pd.testing.assert_frame_equal(first.victims, second.victims)
    other = simulate("default", persons=1500, seed=22, identities=identities)
    assert not first.victims["year"].equals(other.victims["year"]) or not first.victims[
        "nationality"
    ].equals(other.victims["nationality"])
