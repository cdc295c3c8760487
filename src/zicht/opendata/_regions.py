"""Countries to UN regions, continents and EU membership (country_converter's table).

The generalisation hierarchy of citizenship and country of exploitation: ISO 3166-1
alpha-2 code, then UN M49 sub-region ("Western Africa"), then continent ("Africa").
The table is country_converter's ``country_data.tsv``, read directly: its converter
class does not load under pandas 3 (Namibia's code "NA" reads as missing there).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from zicht.standard import COUNTRIES

__all__ = ["Region", "continents", "region_of", "sub_regions"]


@dataclass(frozen=True)
class Region:
    """Where a country lies: UN sub-region, continent, and EU membership (EU-27)."""

    sub_region: str
    continent: str
    eu27: bool


@cache
def _table() -> dict[str, Region]:
    source = files("country_converter") / "country_data.tsv"
    table: dict[str, Region] = {}
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            # ISO2 is a regular expression there ("^GB$|^UK$"): take its two-letter codes.
            for code in re.findall(r"[A-Z]{2}", row["ISO2"]):
                continent = row["continent"] or "Other"
                table.setdefault(
                    code, Region(row["UNregion"] or continent, continent, row["EU27"] == "EU27")
                )
    return table


def region_of(country: str) -> Region:
    """The region of an ISO 3166-1 alpha-2 code; KeyError for a code outside the table."""
    try:
        return _table()[country]
    except KeyError:
        raise KeyError("country code without a region") from None


@cache
def sub_regions() -> tuple[str, ...]:
    """Every sub-region of a country of the standard, sorted."""
    return tuple(sorted({region_of(c).sub_region for c in COUNTRIES.codes}))


@cache
def continents() -> tuple[str, ...]:
    """Every continent of a country of the standard, sorted."""
    return tuple(sorted({region_of(c).continent for c in COUNTRIES.codes}))
