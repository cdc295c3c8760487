"""Dutch municipalities (2023 division) and safety regions: the shared reference list.

`municipalities.csv`: the 342 municipalities with CBS code (GM0363), name and safety
region (VR01-VR25). Municipality accounts of the self-assessment carry their CBS code
as organisation.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Municipality", "municipalities", "safety_regions"]


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality (gemeente): CBS code, name and safety region."""

    code: str
    name: str
    region: str


def _rows() -> list[dict[str, str]]:
    text = resources.files("zicht.standard").joinpath("municipalities.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def municipalities() -> dict[str, Municipality]:
    """Every municipality of the reference list by CBS code, in the list's order."""
    return {
        r["municipality_code"]: Municipality(
            r["municipality_code"], r["municipality"], r["safety_region_code"]
        )
        for r in _rows()
    }


@cache
def safety_regions() -> dict[str, str]:
    """The 25 safety regions: code -> name, by code."""
    return dict(sorted({(r["safety_region_code"], r["safety_region"]) for r in _rows()}))
