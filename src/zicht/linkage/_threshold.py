"""The match threshold chosen from the model's own match probabilities.

A Fellegi-Sunter model gives every scored pair a probability of being a match. If
those probabilities are taken at their word, the pairs above a threshold t hold
E[TP](t) = sum of p over the pairs kept true links and E[FP](t) = kept - E[TP](t)
false ones, while E[FN](t) = sum of p over the pairs dropped (pairs never scored or
below the scoring floor count as non-matches). The threshold chosen is the one that
maximises the expected F1 = 2 E[TP] / (kept + sum of all p): the same choice that
maximises expected F1 for calibrated probabilities (Lipton, Elkan & Naryanaswamy
2014, "Optimal thresholding of classifiers to maximize F1 measure"). It depends on
the data at hand and its trained model only: a data set whose sources share few
fields gets a lower threshold than one with documents on every record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["ThresholdChoice", "choose_threshold"]


@dataclass(frozen=True)
class ThresholdChoice:
    """The threshold and the expected quality of the links it keeps."""

    threshold: float
    method: str
    pairs_scored: int
    pairs_kept: int
    expected_matches: float
    expected_precision: float
    expected_recall: float
    expected_f1: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)

    def explanation(self) -> str:
        """One sentence on why this threshold."""
        if self.method == "fixed":
            return f"threshold {self.threshold:g} set by hand"
        return (
            f"threshold {self.threshold:.4g} maximises the expected pairwise F1 "
            f"({self.expected_f1:.3f}) under the model's own match probabilities: "
            f"{self.pairs_kept} of {self.pairs_scored} scored pairs kept, "
            f"expected precision {self.expected_precision:.3f}, "
            f"recall {self.expected_recall:.3f} of {self.expected_matches:.0f} expected matches"
        )


def _expected(
    ordered: npt.NDArray[np.float64], kept: int, total: float
) -> tuple[float, float, float]:
    true_positives = float(ordered[:kept].sum()) if kept else 0.0
    precision = true_positives / kept if kept else 1.0
    recall = true_positives / total if total > 0 else 1.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def choose_threshold(
    probabilities: npt.ArrayLike, fixed: float | None = None, floor: float = 0.5
) -> ThresholdChoice:
    """The threshold that maximises expected pairwise F1, or `fixed` when given.

    Args:
        probabilities: match probabilities of the scored pairs.
        fixed: a threshold set by hand (then only the expected quality is computed).
        floor: never link below this probability: a pair more likely different than
            the same is never a link, whatever the expected F1.

    Returns:
        The threshold with the expected precision, recall and F1 of its links.
    """
    values = np.asarray(probabilities, dtype=np.float64)
    ordered = np.sort(values)[::-1]
    total = float(ordered.sum())
    if fixed is not None:
        kept = int((ordered >= fixed).sum())
        return ThresholdChoice(
            fixed, "fixed", len(ordered), kept, total, *_expected(ordered, kept, total)
        )
    if len(ordered) == 0:
        return ThresholdChoice(1.0, "expected_f1", 0, 0, 0.0, 1.0, 1.0, 0.0)
    # F1 at every cut: keep the k most probable pairs (ties are kept together).
    cumulative = np.cumsum(ordered)
    counts = np.arange(1, len(ordered) + 1, dtype=np.float64)
    f1 = 2 * cumulative / (counts + total)
    last_of_tie = np.append(ordered[1:] != ordered[:-1], True)
    allowed = last_of_tie & (ordered >= floor)
    if not allowed.any():
        threshold = float(ordered[0]) if ordered[0] >= floor else 1.0
        count = int((ordered >= threshold).sum()) if ordered[0] >= floor else 0
        return ThresholdChoice(
            threshold, "expected_f1", len(ordered), count, total, *_expected(ordered, count, total)
        )
    best = int(np.flatnonzero(allowed)[np.argmax(f1[allowed])])
    count = best + 1
    return ThresholdChoice(
        float(ordered[best]),
        "expected_f1",
        len(ordered),
        count,
        total,
        *_expected(ordered, count, total),
    )
