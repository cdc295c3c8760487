"""Capture-history tables from linked registrations, whole population or by stratum.

Lists are the registering organisations. A person is on a list in a stratum when that
organisation registered them there. Organisations with fewer than ``merge_below``
persons (counted over the whole frame, so every stratum has the same lists) are merged
into one list ``OTHER``, a common remedy for sparse lists (van Dijk et al. 2017).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from zicht.estimate._errors import EstimationError
from zicht.estimate._table import MAX_LISTS, CaptureTable

__all__ = ["STRATA", "capture_histories_from_registrations", "stratum_persons"]

STRATA: tuple[str, ...] = ("year", "form", "minor", "gender", "dutch")
REQUIRED = ("person_id", "organisation", "year", "forms", "minor", "gender", "dutch")
MERGED = "OTHER"

StratumKey = tuple[object, ...]


def _explode_forms(frame: pd.DataFrame) -> pd.DataFrame:
    # The store joins a registration's forms with ";" (one string per registration).
    forms = frame["forms"].fillna("").astype(str).str.split(r"[;,]", regex=True)
    out = frame.assign(form=forms).explode("form")
    out["form"] = out["form"].str.strip()
    return out[out["form"] != ""]


def capture_histories_from_registrations(
    frame: pd.DataFrame,
    by: Sequence[str] = (),
    merge_below: int = 0,
) -> dict[StratumKey, CaptureTable]:
    """One capture-history table per stratum.

    Args:
        frame: one row per registration with columns person_id, organisation (list
            code), year (int), forms (comma-joined codes), minor (bool), gender (str),
            dutch (bool).
        by: stratum variables among year, form, minor, gender, dutch; a person with
            several forms counts in each form's stratum; an unknown value (None) is a
            stratum of its own.
        merge_below: organisations with fewer persons than this are merged into
            ``OTHER``.

    Returns:
        Tables keyed by the tuple of stratum values (``()`` for the whole population).
        Lists without cases in a stratum are left out of that stratum's table; a stratum
        with fewer than two lists left is omitted.
    """
    data = _prepare(frame, by, merge_below)
    tables: dict[StratumKey, CaptureTable] = {}
    for stratum, group in _groups(data, by):
        lists = sorted(group["organisation"].unique())
        if len(lists) < 2:
            continue
        if len(lists) > MAX_LISTS:
            raise EstimationError(
                f"stratum {stratum} has {len(lists)} lists; merge small ones (merge_below)"
            )
        bit = {name: 1 << k for k, name in enumerate(lists)}
        codes = (
            group.assign(bit=group["organisation"].map(bit))
            .drop_duplicates(["person_id", "organisation"])
            .groupby("person_id")["bit"]
            .sum()
            .to_numpy(dtype=np.int64)
        )
        counts = np.bincount(codes, minlength=2 ** len(lists))[1:].astype(np.int64)
        tables[stratum] = CaptureTable(tuple(lists), counts)
    return tables


def stratum_persons(frame: pd.DataFrame, by: Sequence[str] = ()) -> dict[StratumKey, int]:
    """Distinct persons per stratum, keyed as in :func:`capture_histories_from_registrations`."""
    data = _prepare(frame, by, 0)
    return {stratum: int(group["person_id"].nunique()) for stratum, group in _groups(data, by)}


def _prepare(frame: pd.DataFrame, by: Sequence[str], merge_below: int) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise EstimationError(f"registrations lack column(s) {', '.join(missing)}")
    unknown = [b for b in by if b not in STRATA]
    if unknown:
        raise EstimationError(
            f"unknown stratum {', '.join(unknown)}; choose from {', '.join(STRATA)}"
        )
    data = frame.loc[:, list(REQUIRED)].copy()
    data["organisation"] = data["organisation"].astype(str)
    persons = data.groupby("organisation")["person_id"].nunique()
    small = set(persons[persons < merge_below].index)
    if small:
        data.loc[data["organisation"].isin(small), "organisation"] = MERGED
    if "form" in by:
        data = _explode_forms(data)
    return data


def _value(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _groups(data: pd.DataFrame, by: Sequence[str]) -> Iterator[tuple[StratumKey, pd.DataFrame]]:
    # dropna=False: an unknown value (minor None) is its own stratum, not dropped.
    if not by:
        yield (), data
        return
    for key, group in data.groupby(list(by), sort=True, dropna=False):
        values = key if isinstance(key, tuple) else (key,)
        yield tuple(_value(v) for v in values), group
