"""Registrations: each capture becomes one or more dated registrations."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.synth._capture import interaction_matrix
from zicht.synth._population import choose
from zicht.synth._scenario import LISTS, Capture, Population

__all__ = ["age_on", "dated_repeats", "victim_registrations", "year_start"]

Index = npt.NDArray[np.int64]
Dates = npt.NDArray[np.datetime64]


def year_start(year: npt.NDArray[np.int64]) -> Dates:
    """1 January of each year, as datetime64[D]."""
    return (np.asarray(year, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def age_on(date_of_birth: Dates, day: Dates) -> Index:
    """Age in whole years on ``day``."""
    born = pd.DatetimeIndex(date_of_birth)
    on = pd.DatetimeIndex(day)
    years = on.year.to_numpy() - born.year.to_numpy()
    before = (on.month.to_numpy() * 100 + on.day.to_numpy()) < (
        born.month.to_numpy() * 100 + born.day.to_numpy()
    )
    age: Index = (years - before).astype(np.int64)
    return age


def dated_repeats(
    rng: np.random.Generator,
    first: Dates,
    counts: Index,
    last_allowed: Dates,
) -> tuple[Index, Dates, Index]:
    """Expand ``counts`` registrations per capture, each a while after the one before.

    Returns the capture index of each registration, its date and its number (0, 1, ...).
    """
    capture = np.repeat(np.arange(len(counts)), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    number = np.arange(len(capture)) - np.repeat(starts, counts)
    gap = np.where(number > 0, rng.integers(14, 366, len(capture)), 0)
    # cumulative gap within each capture
    cumulative = np.cumsum(gap) - np.repeat(np.cumsum(gap)[starts] - gap[starts], counts)
    dates = first[capture] + cumulative.astype("timedelta64[D]")
    dates = np.minimum(dates, last_allowed[capture])
    return capture, dates, number


def victim_registrations(
    cfg: Capture,
    pop: Population,
    victims: pd.DataFrame,
    captured: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One row per victim registration (true values; identities come later)."""
    person, organisation = np.nonzero(captured)
    n_captures = len(person)
    counts = rng.geometric(1 - cfg.repeat_registration_rate, n_captures).astype(np.int64)
    year = victims["year"].to_numpy(np.int64)[person]
    first_year = year + (rng.random(n_captures) < cfg.next_year_share)
    start = year_start(first_year)
    length = (year_start(first_year + 1) - start).astype(np.int64)
    first = start + (rng.random(n_captures) * length).astype("timedelta64[D]")
    last_allowed = year_start(year + 2) - np.timedelta64(1, "D")
    capture, dates, number = dated_repeats(rng, first, counts, last_allowed)
    person, organisation = person[capture], organisation[capture]

    # referrals: a registration names a positively associated list that also registered
    g = interaction_matrix(cfg)
    referred = np.full(len(person), "", dtype=object)
    recorded = rng.random(len(person)) < cfg.referral_recorded_share
    for k, name in enumerate(LISTS):
        partners = g[k] > 0
        if not partners.any():
            continue
        rows = np.flatnonzero((organisation == k) & recorded)
        candidates = captured[person[rows]] & partners[None, :]
        has = candidates.any(axis=1)
        referred[rows[has]] = np.array(LISTS, dtype=object)[candidates[has].argmax(axis=1)]
        del name

    dob = victims["date_of_birth"].to_numpy()[person]
    return pd.DataFrame(
        {
            "person": person,
            "source": np.array(LISTS, dtype=object)[organisation],
            "registration_date": dates,
            "number": number,
            "age": age_on(dob, dates).astype(np.int16),
            "victim_status": choose(rng, pop.victim_status, len(person)),
            "referred_by": referred,
        }
    )
