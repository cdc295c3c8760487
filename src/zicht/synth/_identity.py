"""True identities of persons: names, birth, addresses and phones over time, accounts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.synth._identifiers import dutch_addresses, ibans, id_documents, phone_numbers
from zicht.synth._names import name_table
from zicht.synth._networks import NetworkWorld
from zicht.synth._registrations import year_start
from zicht.synth._scenario import Networks, Noise

__all__ = ["SLOTS", "Identities", "make_identities"]

SLOTS = 3  # addresses and phones a person can have over the registration years
Index = npt.NDArray[np.int64]
Strings = npt.NDArray[np.object_]
_DOMAINS = np.array(
    [
        "gmail.com",
        "hotmail.com",
        "outlook.com",
        "yahoo.com",
        "live.nl",
        "icloud.com",
        "proton.me",
        "ziggo.nl",
    ],
    dtype=object,
)


@dataclass
class Identities:
    """Identity of each person of a group (row i = person i of the group).

    Addresses and phones have ``SLOTS`` columns; ``*_since[:, s]`` is the day slot ``s``
    starts (NaT: never used).
    """

    given: Index
    given2: Index
    family: Index
    date_of_birth: npt.NDArray[np.datetime64]
    street: Strings
    postcode: Strings
    city: Strings
    address_since: npt.NDArray[np.datetime64]
    phone: Strings
    phone_since: npt.NDArray[np.datetime64]
    email: Strings
    id_document_number: Strings
    bank_account: Strings

    def canonical_names(self) -> tuple[Strings, Strings]:
        """Given names and family name as on an identity document."""
        table = name_table()
        given = table.given[self.given, 0].copy()
        two = self.given2 >= 0
        given[two] = given[two] + " " + table.given[self.given2[two], 0]
        return given, table.family[self.family, 0]


def _names(
    rng: np.random.Generator, nationality: Strings, gender: Strings, second_share: float
) -> tuple[Index, Index, Index]:
    table = name_table()
    n = len(nationality)
    sex = np.where(gender == "female", "f", np.where(gender == "male", "m", ""))
    undecided = sex == ""
    sex[undecided] = np.where(rng.random(int(undecided.sum())) < 0.5, "f", "m")
    unique, inverse = np.unique(nationality.astype(str), return_inverse=True)
    pools = np.array([table.pool(str(nat)) for nat in unique], dtype=object)[inverse.reshape(-1)]
    given = np.zeros(n, dtype=np.int64)
    given2 = np.full(n, -1, dtype=np.int64)
    family = np.zeros(n, dtype=np.int64)
    keys = pd.DataFrame({"pool": pools, "sex": sex}).drop_duplicates().sort_values(["pool", "sex"])
    for pool, s in keys.itertuples(index=False):
        rows = np.flatnonzero((pools == pool) & (sex == s))
        lo, hi = table.given_slices[(pool, s)]
        given[rows] = rng.integers(lo, hi, len(rows))
        second = rows[rng.random(len(rows)) < (0.0 if pool in ("CN", "VN") else second_share)]
        given2[second] = rng.integers(lo, hi, len(second))
        lo, hi = table.family_slices[(pool, s)]
        family[rows] = rng.integers(lo, hi, len(rows))
    given2[given2 == given] = -1
    return given, given2, family


def _changes(rng: np.random.Generator, year: Index, mean: float) -> npt.NDArray[np.datetime64]:
    """Start days of SLOTS slots: slot 0 always, later ones after moves in two years."""
    n = len(year)
    start = year_start(year)
    moves = np.minimum(rng.poisson(mean, n), SLOTS - 1)
    offsets = np.sort(rng.integers(1, 730, size=(n, SLOTS - 1)), axis=1)
    since = np.full((n, SLOTS), np.datetime64("NaT"), dtype="datetime64[D]")
    since[:, 0] = start - np.timedelta64(3650, "D")
    for s in range(1, SLOTS):
        used = moves >= s
        since[used, s] = start[used] + offsets[used, s - 1].astype("timedelta64[D]")
    return since


def make_identities(
    rng: np.random.Generator,
    noise: Noise,
    shares: Networks,
    persons: pd.DataFrame,
    networks: NetworkWorld,
    network: Index,
    fixed: dict[str, Index] | None = None,
) -> Identities:
    """Identities for ``persons`` (columns nationality, gender, year, date_of_birth).

    ``network`` holds each person's network (-1: none); ``fixed`` may give a fixed
    index into the network's addresses, phones and banks (for suspects), otherwise a
    victim uses the network's with the shares of the scenario.
    """
    n = len(persons)
    nationality = persons["nationality"].to_numpy(object)
    year = persons["year"].to_numpy(np.int64)
    given, given2, family = _names(
        rng, nationality, persons["gender"].to_numpy(object), noise.second_given_name_share
    )
    in_network = network >= 0
    safe_network = np.where(in_network, network, 0)

    own = dutch_addresses(rng, n * SLOTS)
    street = own.street.reshape(n, SLOTS)
    postcode = own.postcode.reshape(n, SLOTS)
    city = own.city.reshape(n, SLOTS)
    if fixed is not None:
        use_address = in_network
        address_index = fixed["address"]
    else:
        use_address = in_network & (rng.random(n) < shares.shared_address_share)
        address_index = networks.address_pool.pick(rng, safe_network)
    street[use_address, 0] = networks.addresses.street[address_index[use_address]]
    postcode[use_address, 0] = networks.addresses.postcode[address_index[use_address]]
    city[use_address, 0] = networks.addresses.city[address_index[use_address]]
    address_since = _changes(rng, year, noise.address_moves_mean)

    foreign_phone = (nationality != "NL") & (rng.random(n) < noise.foreign_phone_share)
    phone_country = np.where(foreign_phone, nationality, "NL").astype(object)
    phone = phone_numbers(rng, np.repeat(phone_country, SLOTS)).reshape(n, SLOTS)
    if fixed is not None:
        use_phone = in_network
        phone_index = fixed["phone"]
    else:
        use_phone = in_network & (rng.random(n) < shares.shared_phone_share)
        phone_index = networks.phone_pool.pick(rng, safe_network)
    phone[use_phone, 0] = networks.phones[phone_index[use_phone]]
    phone_since = _changes(rng, year, noise.phone_changes_mean)

    table = name_table()
    number = rng.integers(1, 99, n).astype(str).astype(object)
    domain = _DOMAINS[rng.integers(0, len(_DOMAINS), n)]
    email = table.given_ascii[given] + "." + table.family_ascii[family] + number + "@" + domain
    email[rng.random(n) >= noise.email_share] = ""
    documents = id_documents(rng, n)
    documents[rng.random(n) >= noise.id_document_share] = ""

    bank = np.full(n, "", dtype=object)
    has_own = rng.random(n) < noise.own_bank_account_share
    bank_country = np.where((nationality != "NL") & (rng.random(n) < 0.5), nationality, "NL")
    bank[has_own] = ibans(rng, bank_country[has_own].astype(object))
    if fixed is not None:
        use_bank = in_network
        bank_index = fixed["bank"]
    else:
        use_bank = in_network & (rng.random(n) < shares.shared_bank_account_share)
        bank_index = networks.bank_pool.pick(rng, safe_network)
    bank[use_bank] = networks.bank_accounts[bank_index[use_bank]]

    return Identities(
        given=given,
        given2=given2,
        family=family,
        date_of_birth=persons["date_of_birth"].to_numpy().astype("datetime64[D]"),
        street=street,
        postcode=postcode,
        city=city,
        address_since=address_since,
        phone=phone,
        phone_since=phone_since,
        email=email,
        id_document_number=documents,
        bank_account=bank,
    )
