"""The public domain of the differentially private synthetic microdata.

Categories are fixed in advance, never chosen from the data (a choice made from the
data would spend privacy budget): CTDC's age bands joined into four groups, citizenship
and country of exploitation as the Netherlands or a continent, the main forms of
exploitation as 0/1 flags. Rare categories are thereby merged, as CTDC's own synthetic
releases do.
"""

from __future__ import annotations

import itertools

import pandas as pd

from zicht.opendata._ctdc import EXPLOITATION_LABELS, MISSING
from zicht.opendata._hierarchy import AGE_GROUPS
from zicht.opendata._regions import continents, region_of
from zicht.standard import GENDERS

__all__ = ["HOME", "SYNTHETIC_COLUMNS", "coarsen", "synthetic_domain"]

HOME = "NL"
SYNTHETIC_COLUMNS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "typeOfExploitConcatenated",
)


ORGAN_REMOVAL = EXPLOITATION_LABELS[-1]


def _form_combinations() -> tuple[str, ...]:
    """Each form alone, and every combination of the three main ones."""
    main = [label for label in EXPLOITATION_LABELS if label != ORGAN_REMOVAL]
    combined = [
        ";".join(c) for size in range(2, len(main) + 1) for c in itertools.combinations(main, size)
    ]
    return (*EXPLOITATION_LABELS, *combined)


def _form(code: str) -> str:
    """Organ removal with another form is merged into organ removal (a rare combination)."""
    return ORGAN_REMOVAL if ORGAN_REMOVAL in code.split(";") else code


def synthetic_domain(first_year: int, last_year: int) -> dict[str, tuple[str, ...]]:
    """Every value each synthetic variable can take, in a fixed order."""
    places = (HOME, *continents(), MISSING)
    genders = tuple(dict.fromkeys(t.ctdc for t in GENDERS if t.ctdc))
    return {
        "yearOfRegistration": tuple(str(y) for y in range(first_year, last_year + 1)),
        "gender": genders if MISSING in genders else (*genders, MISSING),
        "ageBroad": (*dict.fromkeys(AGE_GROUPS.values()), MISSING),
        "citizenship": places,
        "CountryOfExploitation": places,
        "typeOfExploitConcatenated": (*_form_combinations(), MISSING),
    }


def _place(code: str) -> str:
    if code in (HOME, MISSING):
        return code
    try:
        return region_of(code).continent
    except KeyError:
        return MISSING


def coarsen(ctdc: pd.DataFrame) -> pd.DataFrame:
    """A CTDC frame (ungeneralised) in the synthetic domain's variables and categories."""
    frame = ctdc[list(SYNTHETIC_COLUMNS)].copy()
    frame["ageBroad"] = frame["ageBroad"].map(lambda b: AGE_GROUPS.get(b, MISSING))
    frame["typeOfExploitConcatenated"] = frame["typeOfExploitConcatenated"].map(_form)
    for column in ("citizenship", "CountryOfExploitation"):
        frame[column] = frame[column].map(_place)
    return frame.reset_index(drop=True)
