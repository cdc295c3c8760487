"""Suspects of the networks, their registrations, and who reaches the prosecutor (OM)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.synth._networks import NetworkWorld
from zicht.synth._registrations import age_on, dated_repeats, year_start
from zicht.synth._scenario import Suspects

__all__ = ["simulate_suspects", "suspect_registrations"]

_HELPERS = np.array(["recruiter", "transporter", "facilitator", "unknown"], dtype=object)


def simulate_suspects(
    cfg: Suspects, networks: NetworkWorld, mean: float, maximum: int, rng: np.random.Generator
) -> pd.DataFrame:
    """The suspects of every network, with their true covariates and shared identifiers."""
    table = networks.networks
    counts = np.minimum(1 + rng.poisson(mean - 1, len(table)), maximum)
    network = np.repeat(np.arange(len(table)), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    position = np.arange(len(network)) - np.repeat(starts, counts)
    n = len(network)
    company = table["company_registration_number"].to_numpy(object)[network]
    role = _HELPERS[rng.integers(0, len(_HELPERS), n)]
    role[(position == 1) & (company != "")] = "employer"
    role[position == 0] = "exploiter"
    gender = np.where(rng.random(n) < cfg.male_share, "male", "female").astype(object)
    same = rng.random(n) < cfg.same_nationality_share
    nationality = np.where(same, table["nationality"].to_numpy(object)[network], "NL")
    age = np.clip(rng.normal(cfg.age_mean, 9, n), 18, 70).astype(np.int64)
    first_year = table["first_year"].to_numpy(np.int64)[network]
    july = year_start(first_year) + np.timedelta64(181, "D")
    dob = (
        july
        - (age * 365.25).astype("timedelta64[D]")
        - rng.integers(0, 365, n).astype("timedelta64[D]")
    )

    def shared(
        pool_offset: npt.NDArray[np.int64], pool_count: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        index: npt.NDArray[np.int64] = pool_offset[network] + position % pool_count[network]
        return index

    address = shared(networks.address_pool.offset, networks.address_pool.count)
    phone = shared(networks.phone_pool.offset, networks.phone_pool.count)
    bank = shared(networks.bank_pool.offset, networks.bank_pool.count)
    return pd.DataFrame(
        {
            "person_id": [f"S{i:07d}" for i in range(1, n + 1)],
            "network": network,
            "network_id": table["network_id"].to_numpy(object)[network],
            "year": first_year.astype(np.int16),
            "form": table["form"].to_numpy(object)[network],
            "role": role,
            "gender": gender,
            "age": age.astype(np.int16),
            "nationality": nationality,
            "date_of_birth": dob,
            "company_registration_number": np.where(
                np.isin(role, ["exploiter", "employer"]), company, ""
            ),
            "address_index": address,
            "phone_index": phone,
            "bank_index": bank,
        }
    )


def suspect_registrations(
    cfg: Suspects,
    suspects: pd.DataFrame,
    networks: NetworkWorld,
    victim_registrations: pd.DataFrame,
    victim_network: npt.NDArray[np.int64],
    last_day: np.datetime64,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Registrations of suspects by each registrar, with the prosecutor's date if any."""
    table = networks.networks
    network = suspects["network"].to_numpy(np.int64)
    n = len(suspects)
    reg_network = victim_network[victim_registrations["person"].to_numpy(np.int64)]
    parts = []
    for organisation, registrar in cfg.registrars.items():
        eligible = np.isin(table["form"].to_numpy(object), registrar.forms)[network]
        mine = (victim_registrations["source"].to_numpy(object) == organisation) & (
            reg_network >= 0
        )
        earliest = (
            pd.Series(victim_registrations["registration_date"].to_numpy()[mine])
            .groupby(reg_network[mine])
            .min()
        )
        found = np.zeros(len(table), dtype=bool)
        found[earliest.index.to_numpy()] = True
        first = np.full(len(table), np.datetime64("NaT"), dtype="datetime64[D]")
        first[earliest.index.to_numpy()] = earliest.to_numpy().astype("datetime64[D]")
        chance = np.where(found[network], registrar.if_victim_registered, registrar.otherwise)
        chosen = np.flatnonzero(eligible & (rng.random(n) < chance))
        start = year_start(table["first_year"].to_numpy(np.int64)[network[chosen]])
        span = year_start(table["last_year"].to_numpy(np.int64)[network[chosen]] + 2) - start
        random_day = start + (rng.random(len(chosen)) * span.astype(np.int64)).astype(
            "timedelta64[D]"
        )
        after_victim = first[network[chosen]] + rng.integers(0, 121, len(chosen)).astype(
            "timedelta64[D]"
        )
        day = np.where(found[network[chosen]], after_victim, random_day)
        day = np.minimum(day, last_day)
        counts = rng.geometric(1 - cfg.repeat_registration_rate, len(chosen)).astype(np.int64)
        capture, dates, number = dated_repeats(
            rng, day, counts, np.full(len(chosen), last_day, dtype="datetime64[D]")
        )
        parts.append(
            pd.DataFrame(
                {
                    "person": chosen[capture],
                    "source": organisation,
                    "registration_date": dates,
                    "number": number,
                }
            )
        )
    registrations = pd.concat(parts, ignore_index=True)
    person = registrations["person"].to_numpy(np.int64)

    # the prosecutor: a share of registered suspects, some time after their first registration
    first_registration = registrations.groupby("person")["registration_date"].min()
    registered = first_registration.index.to_numpy(np.int64)
    referred = rng.random(len(registered)) < cfg.prosecutor_rate
    low, high = cfg.prosecutor_delay_days
    om_day = first_registration.to_numpy().astype("datetime64[D]") + rng.integers(
        low, high + 1, len(registered)
    ).astype("timedelta64[D]")
    referred &= om_day <= last_day
    prosecutor = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    prosecutor[registered[referred]] = om_day[referred]
    suspects["prosecutor_date"] = prosecutor

    dates = registrations["registration_date"].to_numpy().astype("datetime64[D]")
    om = prosecutor[person]
    registrations["referred_to_prosecutor"] = ~np.isnat(om)
    registrations["prosecutor_date"] = np.where(om >= dates, om, np.datetime64("NaT"))
    registrations["age"] = age_on(suspects["date_of_birth"].to_numpy()[person], dates).astype(
        np.int16
    )
    registrations["role"] = suspects["role"].to_numpy(object)[person]
    registrations["forms"] = suspects["form"].to_numpy(object)[person]
    return registrations
