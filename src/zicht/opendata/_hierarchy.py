"""Generalisation hierarchies of CTDC's quasi-identifiers.

Each dimension has levels 0 (as recorded) up to its top (everything ``-99``). Age
ties ``ageBroad`` and ``majorityStatus``: the second is implied by the first until the
age band is given up. Missing (``-99``) stays missing at every level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zicht.opendata._ctdc import MISSING
from zicht.opendata._regions import region_of

__all__ = [
    "AGE_GROUPS",
    "QUASI_IDENTIFIERS",
    "Dimension",
    "dimensions",
    "period_label",
]

QUASI_IDENTIFIERS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
)
"""The variables CTDC treats as quasi-identifiers (k-anonymity is over these)."""

# Level 1 of age: CTDC's bands joined into children, young adults, adults, older.
AGE_GROUPS = {
    "0--8": "0--17",
    "9--17": "0--17",
    "18--20": "18--29",
    "21--23": "18--29",
    "24--26": "18--29",
    "27--29": "18--29",
    "30--38": "30--47",
    "39--47": "30--47",
    "48+": "48+",
}


def period_label(first_year: int, last_year: int) -> str:
    """The code of a period of years (``2019--2021``), as a generalised year."""
    return f"{first_year}--{last_year}"


@dataclass(frozen=True)
class Dimension:
    """One generalisable quasi-identifier (or a tied pair of them)."""

    name: str
    columns: tuple[str, ...]
    top: int
    generalise: Callable[[str, str, int], str]

    def value(self, column: str, code: str, level: int) -> str:
        """`code` of `column` at `level` of this dimension."""
        if code == MISSING or level == 0:
            return code
        return self.generalise(column, code, level)


def _age(column: str, code: str, level: int) -> str:
    """The band widens (1), goes (2), then majority goes too (3)."""
    if column == "majorityStatus":
        return code if level < 3 else MISSING
    return AGE_GROUPS.get(code, MISSING) if level == 1 else MISSING


def _country(column: str, code: str, level: int) -> str:
    if level >= 3:
        return MISSING
    try:
        region = region_of(code)
    except KeyError:
        return MISSING
    return region.sub_region if level == 1 else region.continent


def dimensions(first_year: int, last_year: int) -> tuple[Dimension, ...]:
    """The dimensions of a period's export (the year generalises only over several years)."""
    period = period_label(first_year, last_year)
    return (
        Dimension(
            "year",
            ("yearOfRegistration",),
            1 if first_year != last_year else 0,
            lambda column, code, level: period,
        ),
        Dimension("gender", ("gender",), 1, lambda column, code, level: MISSING),
        Dimension("age", ("ageBroad", "majorityStatus"), 3, _age),
        Dimension("citizenship", ("citizenship",), 3, _country),
        Dimension("exploitation_country", ("CountryOfExploitation",), 3, _country),
    )
