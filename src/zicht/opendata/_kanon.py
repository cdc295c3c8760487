"""k-anonymity over CTDC's quasi-identifiers: generalisation first, then suppression.

Full-domain generalisation (Samarati 2001; the lattice search of ARX): every node of
the lattice of generalisation levels is tried and the one losing least information is
kept. The loss of a record is the mean over dimensions of ``level / top`` (0: as
recorded, 1: given up); a record left in an equivalence class smaller than k costs 1,
as it will lose all its quasi-identifiers or its place in the export. No threshold is
tuned: the loss decides between generalising everyone and suppressing a few.

After the chosen generalisation, the records of classes below k lose every quasi-
identifier value (``-99``, value suppression); if the pooled class they form is still
below k, those records are left out (record suppression).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zicht.opendata._ctdc import MISSING
from zicht.opendata._hierarchy import QUASI_IDENTIFIERS, Dimension

__all__ = ["ClassDiversity", "DisclosureRisk", "anonymise"]

SENSITIVE = "typeOfExploitConcatenated"


@dataclass(frozen=True)
class ClassDiversity:
    """One equivalence class of the export: its size and the diversity of its forms."""

    values: dict[str, str]
    size: int
    distinct_forms: int


@dataclass(frozen=True)
class DisclosureRisk:
    """What k-anonymisation did to an export, for the disclosure-risk report."""

    k: int
    k_reached: int | None
    records_in: int
    records_published: int
    records_suppressed: int
    records_with_values_suppressed: int
    values_suppressed: int
    levels: dict[str, int]
    information_loss: float
    classes: list[ClassDiversity] = field(default_factory=list)

    @property
    def l_diversity(self) -> int | None:
        """Distinct l-diversity of the form of exploitation: its minimum over classes."""
        return min((c.distinct_forms for c in self.classes), default=None)

    @property
    def homogeneous_classes(self) -> int:
        """Classes whose members all share one form (l = 1): attribute disclosure risk."""
        return sum(1 for c in self.classes if c.distinct_forms == 1)

    def as_json(self) -> dict[str, object]:
        """The report as plain JSON-ready data."""
        return {
            "k": self.k,
            "k_reached": self.k_reached,
            "quasi_identifiers": list(QUASI_IDENTIFIERS),
            "records_in": self.records_in,
            "records_published": self.records_published,
            "records_suppressed": self.records_suppressed,
            "records_with_values_suppressed": self.records_with_values_suppressed,
            "values_suppressed": self.values_suppressed,
            "generalisation_levels": self.levels,
            "information_loss": round(self.information_loss, 4),
            "sensitive_attribute": SENSITIVE,
            "l_diversity": self.l_diversity,
            "homogeneous_classes": self.homogeneous_classes,
            "classes": [
                {"values": c.values, "size": c.size, "distinct_forms": c.distinct_forms}
                for c in self.classes
            ],
        }


def _generalised(
    frame: pd.DataFrame, dims: Sequence[Dimension], node: Sequence[int]
) -> pd.DataFrame:
    out = frame.copy()
    for dim, level in zip(dims, node, strict=True):
        if level == 0:
            continue
        for column in dim.columns:
            mapping = {code: dim.value(column, code, level) for code in out[column].unique()}
            out[column] = out[column].map(mapping)
    return out


def _class_sizes(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(list(QUASI_IDENTIFIERS), sort=False, dropna=False)[
        QUASI_IDENTIFIERS[0]
    ].transform("size")


def _level_codes(frame: pd.DataFrame, dims: Sequence[Dimension]) -> list[list[np.ndarray]]:
    """Per dimension and level, an integer per record naming its generalised values."""
    codes: list[list[np.ndarray]] = []
    for dim in dims:
        levels = []
        for level in range(dim.top + 1):
            joined = pd.Series("", index=frame.index, dtype=object)
            for column in dim.columns:
                mapping = {code: dim.value(column, code, level) for code in frame[column].unique()}
                joined = joined + "\x1f" + frame[column].map(mapping)
            levels.append(pd.factorize(joined)[0].astype(np.int64))
        codes.append(levels)
    return codes


def _small_records(codes: list[list[np.ndarray]], node: Sequence[int], k: int) -> int:
    """How many records fall in classes below k at `node` (the lattice search's count)."""
    key = np.zeros(len(codes[0][0]), dtype=np.int64)
    for dim_codes, level in zip(codes, node, strict=True):
        level_codes = dim_codes[level]
        key = np.unique(key * (int(level_codes.max()) + 1) + level_codes, return_inverse=True)[1]
        key = key.astype(np.int64)
    sizes = np.bincount(key)
    return int((sizes[key] < k).sum())


def _loss(dims: Sequence[Dimension], node: Sequence[int], small: int, records: int) -> float:
    spans = [(level, dim.top) for dim, level in zip(dims, node, strict=True) if dim.top > 0]
    generalised = sum(level / top for level, top in spans) / len(spans) if spans else 0.0
    return (generalised * (records - small) + small) / records


def anonymise(
    frame: pd.DataFrame, dims: Sequence[Dimension], k: int
) -> tuple[pd.DataFrame, DisclosureRisk]:
    """`frame` (CTDC columns, string codes) made k-anonymous over the quasi-identifiers.

    Returns the published rows (in their input order) and the disclosure-risk report.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    records = len(frame)
    best: tuple[float, int, tuple[int, ...]] = (0.0, 0, tuple(0 for _ in dims))
    if records:
        codes = _level_codes(frame[list(QUASI_IDENTIFIERS)], dims)
        candidates = []
        for node in itertools.product(*(range(dim.top + 1) for dim in dims)):
            small = _small_records(codes, node, k)
            candidates.append((_loss(dims, node, small, records), sum(node), node))
        best = min(candidates)
    loss, _, node = best
    published = _generalised(frame, dims, node)
    qi = list(QUASI_IDENTIFIERS)
    small = (_class_sizes(published) < k).to_numpy(dtype=bool)
    recorded = (published[qi] != MISSING).sum(axis=1).to_numpy()
    published.loc[small, qi] = MISSING
    keep = (_class_sizes(published) >= k).to_numpy(dtype=bool)
    published = published.loc[keep]
    risk = DisclosureRisk(
        k=k,
        k_reached=int(_class_sizes(published).min()) if len(published) else None,
        records_in=records,
        records_published=len(published),
        records_suppressed=records - len(published),
        records_with_values_suppressed=int((small & keep & (recorded > 0)).sum()),
        values_suppressed=int(recorded[small & keep].sum()),
        levels={dim.name: level for dim, level in zip(dims, node, strict=True)},
        information_loss=loss,
        classes=_diversity(published),
    )
    return published.reset_index(drop=True), risk


def _diversity(published: pd.DataFrame) -> list[ClassDiversity]:
    if published.empty:
        return []
    grouped = published.groupby(list(QUASI_IDENTIFIERS), sort=True, dropna=False)[SENSITIVE]
    return [
        ClassDiversity(
            dict(zip(QUASI_IDENTIFIERS, key, strict=True)), len(values), values.nunique()
        )
        for key, values in grouped
    ]
