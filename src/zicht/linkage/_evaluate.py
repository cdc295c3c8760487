"""Linkage quality against ground truth: pairwise and B-cubed measures.

Pairwise measures count pairs of registrations put in the same person; B-cubed
measures (Bagga & Baldwin 1998) average, over registrations, the share of its
predicted cluster that is truly the same person (precision) and the share of its
true person that it was clustered with (recall). B-cubed weighs a wrong merge of
two large clusters less brutally than pairwise counting and is the usual companion.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["LinkageQuality", "linkage_quality", "pairs_in_clusters"]


@dataclass(frozen=True)
class LinkageQuality:
    """How well predicted persons match the true persons."""

    registrations: int
    persons_found: int
    true_persons: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    true_pairs: int
    found_pairs: int
    correct_pairs: int

    def as_dict(self) -> dict[str, Any]:
        """The measures as a JSON-ready mapping."""
        return asdict(self)


def _pair_count(sizes: pd.Series) -> int:
    values = sizes.to_numpy(dtype=np.int64)
    return int((values * (values - 1) // 2).sum())


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def linkage_quality(predicted: pd.Series, truth: pd.Series) -> LinkageQuality:
    """Compare predicted and true person labels of the same registrations.

    Args:
        predicted: registration key -> predicted person (any hashable labels).
        truth: registration key -> true person; only keys in both are compared.
    """
    both = pd.DataFrame({"predicted": predicted, "truth": truth}).dropna()
    if both.empty:
        raise ValueError("no registration is both in the linkage and in the truth")
    predicted_sizes = both.groupby("predicted").size()
    true_sizes = both.groupby("truth").size()
    joint_sizes = both.groupby(["predicted", "truth"]).size()
    found_pairs = _pair_count(predicted_sizes)
    true_pairs = _pair_count(true_sizes)
    correct_pairs = _pair_count(joint_sizes)
    precision = correct_pairs / found_pairs if found_pairs else 1.0
    recall = correct_pairs / true_pairs if true_pairs else 1.0
    joint = both.groupby(["predicted", "truth"])["truth"].transform("size").to_numpy()
    own_predicted = both.groupby("predicted")["truth"].transform("size").to_numpy()
    own_true = both.groupby("truth")["predicted"].transform("size").to_numpy()
    b_precision = float(np.mean(joint / own_predicted))
    b_recall = float(np.mean(joint / own_true))
    return LinkageQuality(
        registrations=len(both),
        persons_found=len(predicted_sizes),
        true_persons=len(true_sizes),
        pairwise_precision=round(precision, 6),
        pairwise_recall=round(recall, 6),
        pairwise_f1=round(_f1(precision, recall), 6),
        bcubed_precision=round(b_precision, 6),
        bcubed_recall=round(b_recall, 6),
        bcubed_f1=round(_f1(b_precision, b_recall), 6),
        true_pairs=true_pairs,
        found_pairs=found_pairs,
        correct_pairs=correct_pairs,
    )


def pairs_in_clusters(clusters: pd.Series) -> set[tuple[Any, Any]]:
    """All unordered pairs (smaller key first) of registrations sharing a cluster."""
    out: set[tuple[Any, Any]] = set()
    for _label, members in clusters.groupby(clusters):
        keys = sorted(members.index)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                out.add((a, b))
    return out
