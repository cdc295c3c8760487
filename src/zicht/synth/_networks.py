"""Exploiter networks: which victims they hold, and the identifiers they share.

A network exploits victims of one primary form, mostly within a year or two, often of one
nationality. It has one to a few addresses, phones and bank accounts that its victims
and suspects share, and sometimes a registered company (KvK number) as employer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.synth._identifiers import (
    Addresses,
    company_numbers,
    dutch_addresses,
    ibans,
    phone_numbers,
)
from zicht.synth._scenario import Networks

__all__ = ["NetworkWorld", "simulate_networks"]

Index = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SharedPool:
    """Identifiers of all networks, flat; network i owns ``offset[i]:offset[i] + count[i]``."""

    offset: Index
    count: Index

    def pick(self, rng: np.random.Generator, network: Index) -> Index:
        """A random own index (into the flat arrays) for each network given."""
        return self.offset[network] + (rng.random(len(network)) * self.count[network]).astype(
            np.int64
        )


@dataclass(frozen=True)
class NetworkWorld:
    """The networks table, each victim's network (-1: none) and the shared identifiers."""

    networks: pd.DataFrame
    victim_network: Index
    addresses: Addresses
    address_pool: SharedPool
    phones: npt.NDArray[np.object_]
    phone_pool: SharedPool
    bank_accounts: npt.NDArray[np.object_]
    bank_pool: SharedPool


def _sizes(rng: np.random.Generator, cfg: Networks, total: int) -> Index:
    """Network sizes summing exactly to ``total``."""
    sizes = np.zeros(0, dtype=np.int64)
    while sizes.sum() < total:
        draw = np.rint(rng.lognormal(cfg.size_log_mean, cfg.size_log_sd, max(16, total // 2)))
        sizes = np.concatenate([sizes, np.clip(draw, 1, cfg.max_size).astype(np.int64)])
    cut = int(np.searchsorted(np.cumsum(sizes), total))
    sizes = sizes[: cut + 1]
    sizes[-1] -= int(sizes.sum()) - total
    return sizes


def _pool(rng: np.random.Generator, n_networks: int, maximum: int) -> SharedPool:
    count = rng.integers(1, maximum + 1, n_networks)
    offset = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    return SharedPool(offset=offset, count=count)


def simulate_networks(
    cfg: Networks, victims: pd.DataFrame, rng: np.random.Generator
) -> NetworkWorld:
    """Tie victims to networks and give the networks their identifiers."""
    n = len(victims)
    networked = np.flatnonzero(rng.random(n) < cfg.victim_share)
    form_code = victims["form"].cat.codes.to_numpy()[networked]
    year = victims["year"].to_numpy()[networked]
    nat_code = victims["nationality"].cat.codes.to_numpy()[networked].astype(np.int64)
    mixed = rng.random(len(networked)) >= cfg.same_nationality_share
    nat_key = np.where(mixed, rng.integers(0, 1000, len(networked)), nat_code)
    order = np.lexsort((rng.random(len(networked)), nat_key, year, form_code))
    networked, form_code = networked[order], form_code[order]

    victim_network = np.full(n, -1, dtype=np.int64)
    next_id = 0
    for code in np.unique(form_code):
        members = networked[form_code == code]
        sizes = _sizes(rng, cfg, len(members))
        victim_network[members] = next_id + np.repeat(np.arange(len(sizes)), sizes)
        next_id += len(sizes)

    members = np.flatnonzero(victim_network >= 0)
    frame = pd.DataFrame(
        {
            "network": victim_network[members],
            "year": victims["year"].to_numpy()[members],
            "form": victims["form"].to_numpy()[members],
            "nationality": victims["nationality"].to_numpy()[members],
            "sector": victims["labour_sector"].to_numpy()[members],
        }
    )
    grouped = frame.groupby("network", sort=True)
    first = grouped.first()
    n_networks = next_id
    networks = pd.DataFrame(
        {
            "network_id": [f"N{i:06d}" for i in range(1, n_networks + 1)],
            "form": first["form"].to_numpy(),
            "nationality": first["nationality"].to_numpy(),
            "first_year": grouped["year"].min().to_numpy(),
            "last_year": grouped["year"].max().to_numpy(),
            "victims": grouped.size().to_numpy(),
        }
    )
    networks["sector"] = np.where(networks["form"] == "labour", first["sector"].to_numpy(), "")
    employer_share = networks["form"].map(cfg.employer_share_by_form).fillna(0.0).to_numpy(float)
    has_company = rng.random(n_networks) < employer_share
    company = np.full(n_networks, "", dtype=object)
    company[has_company] = company_numbers(rng, int(has_company.sum()))
    networks["company_registration_number"] = company

    address_pool = _pool(rng, n_networks, cfg.max_addresses)
    addresses = dutch_addresses(rng, int(address_pool.count.sum()))
    phone_pool = _pool(rng, n_networks, cfg.max_phones)
    phones = phone_numbers(rng, np.full(int(phone_pool.count.sum()), "NL", dtype=object))
    bank_pool = _pool(rng, n_networks, cfg.max_bank_accounts)
    banks = ibans(rng, np.full(int(bank_pool.count.sum()), "NL", dtype=object))
    networks["city"] = addresses.city[address_pool.offset]
    for name, pool, values in (
        ("addresses", address_pool, addresses.street),
        ("phones", phone_pool, phones),
        ("bank_accounts", bank_pool, banks),
    ):
        networks[name] = [
            ";".join(values[o : o + c]) for o, c in zip(pool.offset, pool.count, strict=True)
        ]
    return NetworkWorld(
        networks=networks,
        victim_network=victim_network,
        addresses=addresses,
        address_pool=address_pool,
        phones=phones,
        phone_pool=phone_pool,
        bank_accounts=banks,
        bank_pool=bank_pool,
    )
