"""The scenario of a synthetic world: every knob of the simulation, read from YAML.

A scenario file may start with ``extends: <name or path>``; its keys are then merged
over that scenario (mappings key by key, everything else replaced). The shipped
scenarios live in ``zicht/synth/scenarios/``; ``default.yaml`` documents every key.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "LISTS",
    "Scenario",
    "ScenarioError",
    "homogeneous_scenario",
    "load_scenario",
    "scenario_names",
]

# The registering organisations that are lists of the capture-recapture design, in a
# fixed order (bit k of a capture history is LISTS[k]).
LISTS: tuple[str, ...] = (
    "police",
    "kmar",
    "inspectorate",
    "fairwork",
    "care_coordinator",
    "shelter",
    "other",
    "comensha",
)
COVARIATES: tuple[str, ...] = (
    "sexual",
    "labour",
    "criminal",
    "minor",
    "female",
    "foreign",
    "cross_border",
)


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message names the file and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgeModel(_Strict):
    minor_min: int = Field(ge=0, le=17)
    adult_mean: float = Field(gt=18)
    adult_shape: float = Field(gt=0)
    adult_max: int = Field(ge=19, le=100)


class Population(_Strict):
    year_weights: dict[int, float]
    nationalities: dict[str, float]
    forms: dict[str, float]
    form_tilt_by_nationality: dict[str, dict[str, float]]
    second_form_share: float = Field(ge=0, le=1)
    female_share_by_form: dict[str, float]
    other_gender_share: float = Field(ge=0, le=1)
    minor_share_by_form: dict[str, float]
    age: AgeModel
    exploited_abroad_share: float = Field(ge=0, le=1)
    countries_abroad: dict[str, float]
    labour_sectors: dict[str, float]
    means_of_control: dict[str, float]
    recruiter_relation_by_form: dict[str, dict[str, float]]
    victim_status: dict[str, float]


class Organisation(_Strict):
    base_probability: float = Field(gt=0, lt=1)
    effects: dict[str, float] = Field(default_factory=dict)
    year_effects: dict[int, float] = Field(default_factory=dict)
    heterogeneity_loading: float = 1.0

    @model_validator(mode="after")
    def _known_covariates(self) -> Organisation:
        unknown = sorted(set(self.effects) - set(COVARIATES))
        if unknown:
            raise ValueError(f"unknown covariate(s) {', '.join(unknown)}")
        return self


class Interaction(_Strict):
    between: tuple[str, str]
    log_odds_ratio: float


class Capture(_Strict):
    organisations: dict[str, Organisation]
    year_effects: dict[int, float] = Field(default_factory=dict)
    interactions: list[Interaction] = Field(default_factory=list)
    heterogeneity_sd: float = Field(ge=0)
    repeat_registration_rate: float = Field(ge=0, lt=1)
    next_year_share: float = Field(ge=0, le=1)
    referral_recorded_share: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _all_lists(self) -> Capture:
        if tuple(self.organisations) != LISTS:
            raise ValueError(f"organisations must be exactly, in order: {', '.join(LISTS)}")
        for interaction in self.interactions:
            a, b = interaction.between
            if a not in LISTS or b not in LISTS or a == b:
                raise ValueError("an interaction must name two different organisations")
        return self


class Networks(_Strict):
    victim_share: float = Field(ge=0, le=1)
    size_log_mean: float
    size_log_sd: float = Field(ge=0)
    max_size: int = Field(ge=1)
    same_nationality_share: float = Field(ge=0, le=1)
    suspects_mean: float = Field(ge=1)
    max_suspects: int = Field(ge=1)
    employer_share_by_form: dict[str, float]
    max_addresses: int = Field(ge=1)
    max_phones: int = Field(ge=1)
    max_bank_accounts: int = Field(ge=1)
    shared_address_share: float = Field(ge=0, le=1)
    shared_phone_share: float = Field(ge=0, le=1)
    shared_bank_account_share: float = Field(ge=0, le=1)


class SuspectRegistrar(_Strict):
    forms: list[str]
    if_victim_registered: float = Field(ge=0, le=1)
    otherwise: float = Field(ge=0, le=1)


class Suspects(_Strict):
    male_share: float = Field(ge=0, le=1)
    same_nationality_share: float = Field(ge=0, le=1)
    age_mean: float = Field(gt=18)
    registrars: dict[str, SuspectRegistrar]
    repeat_registration_rate: float = Field(ge=0, lt=1)
    prosecutor_rate: float = Field(ge=0, le=1)
    prosecutor_delay_days: tuple[int, int]


class Reports(_Strict):
    fairwork_per_victim: float = Field(ge=0, le=1)
    inspectorate_per_labour_network: float = Field(ge=0, le=1)
    inspectorate_unfounded_per_network: float = Field(ge=0)


class Noise(_Strict):
    transliteration: float = Field(ge=0, le=1)
    typo_given_names: float = Field(ge=0, le=1)
    typo_family_name: float = Field(ge=0, le=1)
    swap_names: float = Field(ge=0, le=1)
    nickname: float = Field(ge=0, le=1)
    second_given_name_share: float = Field(ge=0, le=1)
    drop_second_given_name: float = Field(ge=0, le=1)
    dob_day_month_swap: float = Field(ge=0, le=1)
    dob_year_off_by_one: float = Field(ge=0, le=1)
    dob_year_only: float = Field(ge=0, le=1)
    dob_first_of_january: float = Field(ge=0, le=1)
    address_moves_mean: float = Field(ge=0)
    phone_changes_mean: float = Field(ge=0)
    foreign_phone_share: float = Field(ge=0, le=1)
    own_bank_account_share: float = Field(ge=0, le=1)
    email_share: float = Field(ge=0, le=1)
    id_document_share: float = Field(ge=0, le=1)
    only_primary_form: float = Field(ge=0, le=1)
    missing: dict[str, float]


class BadRows(_Strict):
    share: float = Field(ge=0, le=1)
    rules: dict[str, float]

    @model_validator(mode="after")
    def _known_rules(self) -> BadRows:
        known = {
            "unknown_code",
            "impossible_date",
            "missing_required",
            "age_out_of_range",
            "future_date",
        }
        unknown = sorted(set(self.rules) - known)
        if unknown:
            raise ValueError(f"unknown bad-row rule(s) {', '.join(unknown)}")
        return self


class Scenario(_Strict):
    """A complete, validated scenario (see scenarios/default.yaml for every key)."""

    name: str
    description: str
    population: Population
    capture: Capture
    networks: Networks
    suspects: Suspects
    reports: Reports
    noise: Noise
    bad_rows: BadRows

    def to_yaml(self) -> str:
        """The effective scenario as YAML (keys in a stable order)."""
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def scenario_names() -> tuple[str, ...]:
    """Names of the scenarios shipped with Zicht."""
    folder = resources.files("zicht.synth") / "scenarios"
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


def _read(name_or_path: str | Path, seen: tuple[str, ...]) -> dict[str, Any]:
    text: str
    where = str(name_or_path)
    if where in seen:
        raise ScenarioError(f"{where}: scenario extends itself")
    if isinstance(name_or_path, str) and name_or_path in scenario_names():
        text = (resources.files("zicht.synth") / "scenarios" / f"{name_or_path}.yaml").read_text(
            encoding="utf-8"
        )
    else:
        try:
            text = Path(name_or_path).read_text(encoding="utf-8")
        except OSError:
            raise ScenarioError(
                f"{where}: no such scenario file or name ({', '.join(scenario_names())})"
            ) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{where}: not valid YAML ({type(exc).__name__})") from None
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a scenario must be a YAML mapping")
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    return _merge(_read(str(parent), (*seen, where)), raw)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_scenario(name_or_path: str | Path = "default") -> Scenario:
    """Read a shipped scenario by name, or a YAML file; ScenarioError says what is wrong."""
    raw = _read(name_or_path, ())
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'scenario'}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors(include_input=False)
        )
        raise ScenarioError(f"{name_or_path}: {problems}") from None


# Mean capture probability of each organisation for 2019 victims in the ``independent``
# scenario (200,000 persons, seed 7): the ``homogeneous`` scenario gives every victim these.
HOMOGENEOUS_P = {
    "police": 0.0845,
    "kmar": 0.0259,
    "inspectorate": 0.018,
    "fairwork": 0.0592,
    "care_coordinator": 0.0571,
    "shelter": 0.0149,
    "other": 0.0156,
    "comensha": 0.01,
}


def homogeneous_scenario() -> Scenario:
    """``independent`` without covariate or year effects: every victim has the same capture
    probabilities (``HOMOGENEOUS_P``) and the lists are independent, so the main-effects
    log-linear model is exactly right (the case where MSE's assumptions hold)."""
    base = load_scenario("independent")
    organisations = {
        name: org.model_copy(
            update={"base_probability": HOMOGENEOUS_P[name], "effects": {}, "year_effects": {}}
        )
        for name, org in base.capture.organisations.items()
    }
    capture = base.capture.model_copy(update={"organisations": organisations, "year_effects": {}})
    return base.model_copy(update={"name": "homogeneous", "capture": capture})
