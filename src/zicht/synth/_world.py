"""The pure simulation core: scenario + size + seed -> a World of DataFrames (no files)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zicht.synth._capture import simulate_capture
from zicht.synth._identity import make_identities
from zicht.synth._networks import simulate_networks
from zicht.synth._noise import noisy_identities
from zicht.synth._population import simulate_victims
from zicht.synth._registrations import victim_registrations
from zicht.synth._reports import simulate_reports
from zicht.synth._scenario import LISTS, Scenario, load_scenario
from zicht.synth._suspects import simulate_suspects, suspect_registrations

__all__ = ["ID_PREFIXES", "World", "simulate"]

# The prefix of source_record_id per (organisation, record type): each source its own.
ID_PREFIXES = {
    ("police", "victim_registration"): "PL-SO-",
    ("police", "suspect_registration"): "PL-VD-",
    ("kmar", "victim_registration"): "KMAR",
    ("inspectorate", "victim_registration"): "NLA-S",
    ("inspectorate", "suspect_registration"): "NLA-V",
    ("inspectorate", "report"): "NLA-M",
    ("fairwork", "victim_registration"): "FW",
    ("fairwork", "report"): "FWM",
    ("care_coordinator", "victim_registration"): "ZC",
    ("shelter", "victim_registration"): "OPV-",
    ("other", "victim_registration"): "OV",
    ("comensha", "victim_registration"): "CM",
}
_STREAMS = (
    "population",
    "networks",
    "capture",
    "registrations",
    "suspects",
    "reports",
    "identity_victims",
    "identity_suspects",
    "noise",
    "analytic_noise",
)


@dataclass(frozen=True)
class World:
    """A simulated world: persons, networks and every registration, with the truth.

    ``registrations`` holds one row per record in the standard's field names and codes
    (identity fields as registered, with noise) plus ``record_type``, ``person_id`` and
    ``network_id`` (empty when none) as truth.
    """

    scenario: Scenario
    seed: int
    years: tuple[int, int]
    victims: pd.DataFrame
    suspects: pd.DataFrame
    networks: pd.DataFrame
    registrations: pd.DataFrame

    @property
    def lists(self) -> tuple[str, ...]:
        """The registering organisations of the capture histories, in bit order."""
        return LISTS

    def capture_histories(self, year: int | None = None) -> pd.DataFrame:
        """True capture histories of victims (of one year, or all): 0/1 columns + count.

        The all-zero history (never registered) is left out, as MSE tables do; see
        :meth:`unobserved`.
        """
        victims = self.victims if year is None else self.victims[self.victims["year"] == year]
        flags = victims[[f"captured_{name}" for name in LISTS]].to_numpy(np.int64)
        code = flags @ (1 << np.arange(len(LISTS)))
        counts = np.bincount(code, minlength=2 ** len(LISTS))
        cells = np.flatnonzero(counts[1:]) + 1
        table = pd.DataFrame(
            ((cells[:, None] >> np.arange(len(LISTS))[None, :]) & 1), columns=list(LISTS)
        )
        table["count"] = counts[cells]
        return table

    def unobserved(self, year: int | None = None) -> int:
        """Victims never registered (of one year, or all)."""
        victims = self.victims if year is None else self.victims[self.victims["year"] == year]
        return int((~victims["registered"]).sum())


def _rngs(seed: int) -> dict[str, np.random.Generator]:
    # one independent stream per component, so that changing one leaves the others alone
    return {name: np.random.default_rng([seed, index]) for index, name in enumerate(_STREAMS)}


def _values(column: pd.Series) -> np.ndarray:
    """A categorical column as an object array (through its codes: no string copies)."""
    values: np.ndarray = column.cat.categories.to_numpy(object)[column.cat.codes.to_numpy()]
    return values


def _blank(values: pd.Series, rng: np.random.Generator, share: float) -> pd.Series:
    out = values.astype(object).copy()
    out[rng.random(len(out)) < share] = ""
    return out


def simulate(
    scenario: Scenario | str = "default",
    persons: int = 4000,
    seed: int = 0,
    years: tuple[int, int] = (2016, 2023),
    *,
    identities: bool = True,
) -> World:
    """Simulate a world of ``persons`` victims over ``years`` (inclusive).

    With ``identities=False`` the identity fields are left out (much faster: for
    repeated estimation experiments that only need capture histories).
    """
    if isinstance(scenario, str):
        scenario = load_scenario(scenario)
    if years[0] > years[1]:
        raise ValueError("years must be (first, last) with first <= last")
    if persons < 1:
        raise ValueError("persons must be at least 1")
    rng = _rngs(seed)
    last_day = np.datetime64(f"{years[1] + 1}-12-31", "D")

    victims = simulate_victims(scenario.population, persons, years, rng["population"])
    networks = simulate_networks(scenario.networks, victims, rng["networks"])
    victims["network_id"] = np.where(
        networks.victim_network >= 0,
        networks.networks["network_id"].to_numpy(object)[np.maximum(networks.victim_network, 0)],
        "",
    )
    captured, marginal, z = simulate_capture(scenario.capture, victims, rng["capture"])
    victims["findability"] = z
    for k, name in enumerate(LISTS):
        victims[f"p_{name}"] = marginal[:, k]
    for k, name in enumerate(LISTS):
        victims[f"captured_{name}"] = captured[:, k]
    victims["registered"] = captured.any(axis=1)

    vreg = victim_registrations(
        scenario.capture, scenario.population, victims, captured, rng["registrations"]
    )
    suspects = simulate_suspects(
        scenario.suspects,
        networks,
        scenario.networks.suspects_mean,
        scenario.networks.max_suspects,
        rng["suspects"],
    )
    sreg = suspect_registrations(
        scenario.suspects,
        suspects,
        networks,
        vreg,
        networks.victim_network,
        last_day,
        rng["suspects"],
    )
    reports = simulate_reports(
        scenario.reports, victims, vreg, networks.networks, years, rng["reports"]
    )

    victim_part = _victim_rows(scenario, victims, vreg, rng["analytic_noise"])
    suspect_part = _suspect_rows(suspects, sreg)
    report_part = _report_rows(victims, networks.networks, reports)
    if identities:
        _add_identities(scenario, victims, suspects, networks, victim_part, suspect_part, rng)
    registrations = pd.concat([victim_part, suspect_part, report_part], ignore_index=True)
    registrations = _assign_ids(registrations)
    return World(
        scenario=scenario,
        seed=seed,
        years=years,
        victims=victims,
        suspects=suspects.drop(columns=["address_index", "phone_index", "bank_index"]),
        networks=networks.networks,
        registrations=registrations,
    )


def _victim_rows(
    scenario: Scenario, victims: pd.DataFrame, vreg: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    noise = scenario.noise
    person = vreg["person"].to_numpy(np.int64)
    true_forms = _values(victims["forms"])[person]
    primary = _values(victims["form"])[person]
    several = pd.Series(true_forms).str.contains(";").to_numpy(bool)
    forms = np.where(
        several & (rng.random(len(person)) < noise.only_primary_form), primary, true_forms
    )
    missing = noise.missing

    def field(name: str) -> pd.Series:
        return _blank(
            pd.Series(_values(victims[name])[person], dtype=object),
            rng,
            missing.get(name, 0.0),
        )

    frame = pd.DataFrame(
        {
            "record_type": "victim_registration",
            "source": vreg["source"].to_numpy(object),
            "person": person,
            "person_id": victims["person_id"].to_numpy(object)[person],
            "network_id": victims["network_id"].to_numpy(object)[person],
            "registration_date": vreg["registration_date"].to_numpy(),
            "victim_status": vreg["victim_status"].to_numpy(object),
            "forms": forms,
        }
    )
    for name in (
        "sectors",
        "means_of_control",
        "gender",
        "nationality",
        "country_of_exploitation",
        "recruiter_relation",
    ):
        frame[name] = field(name).to_numpy(object)
    age = pd.array(vreg["age"].to_numpy(np.int64), dtype="Int64")
    age[rng.random(len(age)) < missing.get("age", 0.0)] = pd.NA
    frame["age"] = age
    frame["referred_by"] = vreg["referred_by"].to_numpy(object)
    return frame


def _suspect_rows(suspects: pd.DataFrame, sreg: pd.DataFrame) -> pd.DataFrame:
    person = sreg["person"].to_numpy(np.int64)
    return pd.DataFrame(
        {
            "record_type": "suspect_registration",
            "source": sreg["source"].to_numpy(object),
            "person": person,
            "person_id": suspects["person_id"].to_numpy(object)[person],
            "network_id": suspects["network_id"].to_numpy(object)[person],
            "registration_date": sreg["registration_date"].to_numpy(),
            "forms": sreg["forms"].to_numpy(object),
            "role": sreg["role"].to_numpy(object),
            "gender": suspects["gender"].to_numpy(object)[person],
            "age": pd.array(sreg["age"].to_numpy(np.int64), dtype="Int64"),
            "nationality": suspects["nationality"].to_numpy(object)[person],
            "referred_to_prosecutor": sreg["referred_to_prosecutor"].to_numpy(bool),
            "prosecutor_date": sreg["prosecutor_date"].to_numpy(),
            "company_registration_number": suspects["company_registration_number"].to_numpy(object)[
                person
            ],
        }
    )


def _report_rows(
    victims: pd.DataFrame, networks: pd.DataFrame, reports: pd.DataFrame
) -> pd.DataFrame:
    person = reports["person"].to_numpy(np.int64)
    network = reports["network"].to_numpy(np.int64)
    frame = reports.drop(columns=["person", "network"]).copy()
    frame.insert(0, "record_type", "report")
    frame["person"] = person
    frame["person_id"] = np.where(
        person >= 0, victims["person_id"].to_numpy(object)[np.maximum(person, 0)], ""
    )
    network_ids = networks["network_id"].to_numpy(object)
    victim_network = victims["network_id"].to_numpy(object)[np.maximum(person, 0)]
    frame["network_id"] = np.where(
        network >= 0, network_ids[np.maximum(network, 0)], np.where(person >= 0, victim_network, "")
    )
    return frame


def _add_identities(
    scenario: Scenario,
    victims: pd.DataFrame,
    suspects: pd.DataFrame,
    networks: object,
    victim_part: pd.DataFrame,
    suspect_part: pd.DataFrame,
    rng: dict[str, np.random.Generator],
) -> None:
    from zicht.synth._networks import NetworkWorld

    assert isinstance(networks, NetworkWorld)
    # victims: identities only for those ever registered
    registered = np.flatnonzero(victims["registered"].to_numpy(bool))
    position = np.full(len(victims), -1, dtype=np.int64)
    position[registered] = np.arange(len(registered))
    group = victims.iloc[registered]
    victim_ids = make_identities(
        rng["identity_victims"],
        scenario.noise,
        scenario.networks,
        group,
        networks,
        networks.victim_network[registered],
    )
    # suspects: likewise only those ever registered
    seen = np.zeros(len(suspects), dtype=bool)
    seen[suspect_part["person"].to_numpy(np.int64)] = True
    known = np.flatnonzero(seen)
    suspect_position = np.full(len(suspects), -1, dtype=np.int64)
    suspect_position[known] = np.arange(len(known))
    suspect_ids = make_identities(
        rng["identity_suspects"],
        scenario.noise,
        scenario.networks,
        suspects.iloc[known],
        networks,
        suspects["network"].to_numpy(np.int64)[known],
        fixed={
            "address": suspects["address_index"].to_numpy(np.int64)[known],
            "phone": suspects["phone_index"].to_numpy(np.int64)[known],
            "bank": suspects["bank_index"].to_numpy(np.int64)[known],
        },
    )
    for part, ids, index in (
        (victim_part, victim_ids, position[victim_part["person"].to_numpy(np.int64)]),
        (suspect_part, suspect_ids, suspect_position[suspect_part["person"].to_numpy(np.int64)]),
    ):
        noisy = noisy_identities(
            rng["noise"],
            scenario.noise,
            ids,
            index,
            part["registration_date"].to_numpy().astype("datetime64[D]"),
        )
        for column in noisy.columns:
            part[column] = noisy[column].to_numpy()
    given, family = victim_ids.canonical_names()
    for column, values in (("true_given_names", given), ("true_family_name", family)):
        full = np.full(len(victims), "", dtype=object)
        full[registered] = values
        victims[column] = full
    given, family = suspect_ids.canonical_names()
    for column, values in (("true_given_names", given), ("true_family_name", family)):
        full = np.full(len(suspects), "", dtype=object)
        full[known] = values
        suspects[column] = full


def _assign_ids(registrations: pd.DataFrame) -> pd.DataFrame:
    """Order records by source and date and give each its source_record_id."""
    order = np.lexsort(
        (
            registrations["person_id"].to_numpy(str),
            registrations["record_type"].to_numpy(str),
            registrations["registration_date"].to_numpy(),
            registrations["source"].to_numpy(str),
        )
    )
    registrations = registrations.iloc[order].reset_index(drop=True)
    number = registrations.groupby("source", sort=False).cumcount().to_numpy() + 1
    key = registrations["source"].astype(str) + "|" + registrations["record_type"].astype(str)
    prefix = key.map({f"{s}|{t}": p for (s, t), p in ID_PREFIXES.items()}).to_numpy(object)
    year = pd.DatetimeIndex(registrations["registration_date"]).year.astype(str).to_numpy(object)
    seq = pd.Series(number).astype(str).str.zfill(7).to_numpy(object)
    registrations.insert(2, "source_record_id", prefix + year + "-" + seq)
    return registrations
