"""Identity noise per registration: spellings, typing errors, birth-date errors, gaps.

Everything is vectorised over registrations; only typing errors, which touch a few per
cent of the rows, go through a Python loop over just those rows.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.synth._identity import Identities
from zicht.synth._names import VARIANTS, name_table
from zicht.synth._scenario import Noise

__all__ = ["noisy_identities", "typos"]

Index = npt.NDArray[np.int64]
Strings = npt.NDArray[np.object_]
_KEYBOARD = "abcdefghijklmnoprstuvwz"


def typos(rng: np.random.Generator, values: Strings) -> Strings:
    """One typing error in each string: substitution, deletion, insertion or transposition."""
    n = len(values)
    kind = rng.integers(0, 4, n)
    where = rng.random(n)
    letter = np.array(list(_KEYBOARD), dtype=object)[rng.integers(0, len(_KEYBOARD), n)]
    out = np.empty(n, dtype=object)
    for i, (value, k, w, c) in enumerate(zip(values, kind, where, letter, strict=True)):
        if len(value) < 3:
            out[i] = value
            continue
        p = 1 + int(w * (len(value) - 2))  # keep the first letter
        if k == 0:
            out[i] = value[:p] + c + value[p + 1 :]
        elif k == 1:
            out[i] = value[:p] + value[p + 1 :]
        elif k == 2:
            out[i] = value[:p] + c + value[p:]
        else:
            out[i] = value[: p - 1] + value[p] + value[p - 1] + value[p + 1 :]
    return out


def _slot(since: npt.NDArray[np.datetime64], day: npt.NDArray[np.datetime64]) -> Index:
    started = ~np.isnat(since) & (since <= day[:, None])
    slot: Index = np.maximum(started.sum(axis=1) - 1, 0).astype(np.int64)
    return slot


def _phone_format(rng: np.random.Generator, phone: Strings) -> Strings:
    series = pd.Series(phone, dtype=object)
    style = rng.integers(0, 4, len(phone))
    dutch = series.str.startswith("+316")
    out = series.copy()
    out[style == 1] = "00" + series[style == 1].str[1:]
    domestic = dutch & (style >= 2)
    out[domestic & (style == 2)] = "06" + series[domestic & (style == 2)].str[4:]
    out[domestic & (style == 3)] = "06-" + series[domestic & (style == 3)].str[4:]
    formatted: Strings = out.to_numpy(object)
    return formatted


def noisy_identities(
    rng: np.random.Generator,
    noise: Noise,
    identities: Identities,
    person: Index,
    day: npt.NDArray[np.datetime64],
) -> pd.DataFrame:
    """The identity fields as registered, one row per (person, registration day)."""
    table = name_table()
    n = len(person)
    variant = np.where(rng.random(n) < noise.transliteration, rng.integers(1, VARIANTS, n), 0)
    given_index = identities.given[person]
    given = table.given[given_index, variant]
    nickname = table.nickname[given_index]
    use_nick = (nickname != "") & (rng.random(n) < noise.nickname)
    given = np.where(use_nick, nickname, given)
    second = identities.given2[person]
    keep_second = (second >= 0) & (rng.random(n) >= noise.drop_second_given_name)
    given[keep_second] = (
        given[keep_second] + " " + table.given[second[keep_second], variant[keep_second]]
    )
    family = table.family[identities.family[person], variant]

    typo = rng.random(n) < noise.typo_given_names
    given[typo] = typos(rng, given[typo])
    typo = rng.random(n) < noise.typo_family_name
    family[typo] = typos(rng, family[typo])
    swap = rng.random(n) < noise.swap_names
    given[swap], family[swap] = family[swap], given[swap].copy()

    dob = identities.date_of_birth[person].copy()
    parts = pd.DatetimeIndex(dob)
    year, month, dom = parts.year.to_numpy(), parts.month.to_numpy(), parts.day.to_numpy()
    swap_dm = (rng.random(n) < noise.dob_day_month_swap) & (dom <= 12) & (dom != month)
    off = rng.random(n) < noise.dob_year_off_by_one
    jan1 = rng.random(n) < noise.dob_first_of_january
    year = year + np.where(off, rng.choice([-1, 1], n), 0)
    month, dom = np.where(swap_dm, dom, month), np.where(swap_dm, month, dom)
    month, dom = np.where(jan1, 1, month), np.where(jan1, 1, dom)
    dom = np.where((month == 2) & (dom == 29), 28, dom)  # 29 February in a year off by one
    dob = (
        pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": dom}))
        .to_numpy()
        .astype("datetime64[D]")
    )
    year_only = rng.random(n) < noise.dob_year_only
    birth_year = pd.array(np.where(year_only, year, 0), dtype="Int64")
    birth_year[~year_only] = pd.NA
    dob[year_only] = np.datetime64("NaT")

    address_slot = _slot(identities.address_since[person], day)
    phone_slot = _slot(identities.phone_since[person], day)
    street = identities.street[person, address_slot]
    abbreviate = rng.random(n) < 0.1
    street[abbreviate] = (
        pd.Series(street[abbreviate], dtype=object)
        .str.replace("straat ", "str. ", regex=False)
        .to_numpy(object)
    )
    postcode = identities.postcode[person, address_slot]
    tight = rng.random(n) < 0.3
    postcode[tight] = pd.Series(postcode[tight], dtype=object).str.replace(" ", "").to_numpy(object)
    city = identities.city[person, address_slot]
    shout = rng.random(n) < 0.05
    city[shout] = pd.Series(city[shout], dtype=object).str.upper().to_numpy(object)
    phone = _phone_format(rng, identities.phone[person, phone_slot])
    bank = identities.bank_account[person].copy()
    spaced = (bank != "") & (rng.random(n) < 0.3)
    bank[spaced] = (
        pd.Series(bank[spaced], dtype=object)
        .str.replace(r"(.{4})(?!$)", r"\1 ", regex=True)
        .to_numpy(object)
    )

    frame = pd.DataFrame(
        {
            "given_names": given,
            "family_name": family,
            "date_of_birth": dob,
            "birth_year": birth_year,
            "address": street,
            "postcode": postcode,
            "city": city,
            "phone": phone,
            "email": identities.email[person],
            "id_document_number": identities.id_document_number[person],
            "bank_account": bank,
        }
    )
    for field, share in noise.missing.items():
        if field not in frame.columns:
            continue
        gone = rng.random(n) < share
        if field == "date_of_birth":
            frame.loc[gone, "birth_year"] = pd.NA
        frame.loc[gone, field] = pd.NaT if field == "date_of_birth" else ""
    return frame
