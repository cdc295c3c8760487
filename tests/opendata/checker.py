"""An independent check of a CTDC export: written apart from zicht.opendata, plain pandas.

It knows CTDC's quasi-identifiers and the codebook file's layout from the standard
(shared/reference/standards.md), not from the export's code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

CTDC_QUASI_IDENTIFIERS = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
]
MULTI = {
    "meansOfControlConcatenated",
    "typeOfExploitConcatenated",
    "typeOfLabourConcatenated",
    "typeOfSexConcatenated",
    "RecruiterRelationship",
}


def read_export(path: Path) -> pd.DataFrame:
    """The CSV exactly as text (no value read as missing or as a number)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def smallest_class(export: pd.DataFrame) -> int | None:
    """The size of the smallest group of rows sharing all quasi-identifiers."""
    if export.empty:
        return None
    return int(export.groupby(CTDC_QUASI_IDENTIFIERS).size().min())


def codes_outside_codebook(export: pd.DataFrame, codebook: pd.DataFrame) -> list[tuple[str, str]]:
    """Every (variable, code) of the export that its codebook does not list."""
    allowed: dict[str, set[str]] = {}
    for variable, code in zip(codebook["variable"], codebook["code"], strict=True):
        allowed.setdefault(variable, set()).add(code)
    outside = set()
    for column in export.columns:
        for value in export[column].unique():
            codes = value.split(";") if column in MULTI else [value]
            outside.update((column, c) for c in codes if c not in allowed.get(column, set()))
    return sorted(outside)
