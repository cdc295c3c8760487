"""Design matrices of log-linear models with main effects and two-list interactions.

Follows SparseMSE ``buildmodel`` / ``buildmodelmatrix`` (Chan, Silverman & Vincent
2021): a pair of lists in the model that has no case in common cannot carry a finite
parameter, so every cell containing both lists is removed and the term is dropped
(it still counts as a parameter for AIC).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from zicht.estimate._table import histories

__all__ = ["ModelDesign", "Pair", "all_pairs", "build_design", "pair_name"]

Pair = tuple[int, int]


@lru_cache(maxsize=32)
def all_pairs(n_lists: int) -> tuple[Pair, ...]:
    """All two-list pairs in SparseMSE order: (0,1), (0,2), ..., (t-2, t-1)."""
    return tuple((i, j) for i in range(n_lists - 1) for j in range(i + 1, n_lists))


@lru_cache(maxsize=32)
def _pair_columns(n_lists: int) -> npt.NDArray[np.float64]:
    h = histories(n_lists)
    pairs = all_pairs(n_lists)
    cols = np.empty((h.shape[0], len(pairs)), dtype=np.float64)
    for k, (i, j) in enumerate(pairs):
        cols[:, k] = h[:, i] * h[:, j]
    cols.setflags(write=False)
    return cols


@lru_cache(maxsize=32)
def _main_columns(n_lists: int) -> npt.NDArray[np.float64]:
    h = histories(n_lists).astype(np.float64)
    x = np.hstack([np.ones((h.shape[0], 1)), h])
    x.setflags(write=False)
    return x


def pair_name(lists: Sequence[str], pair: Pair) -> str:
    """R-style term name ``A:B``."""
    return f"{lists[pair[0]]}:{lists[pair[1]]}"


@dataclass(frozen=True)
class ModelDesign:
    """The cells and columns of one model on one table."""

    pairs: tuple[Pair, ...]
    dropped: tuple[Pair, ...]
    cells: npt.NDArray[np.intp]
    matrix: npt.NDArray[np.float64]

    def column_names(self, lists: Sequence[str]) -> list[str]:
        """``(Intercept)``, the list names, then ``A:B`` for each fitted pair."""
        return ["(Intercept)", *lists, *(pair_name(lists, p) for p in self.pairs)]


def normalise_pairs(pairs: Iterable[Pair], n_lists: int) -> tuple[Pair, ...]:
    """Validated pairs ``(i, j)`` with ``i < j``, duplicates removed, order kept."""
    seen: list[Pair] = []
    for a, b in pairs:
        i, j = (int(a), int(b)) if a < b else (int(b), int(a))
        if i == j or i < 0 or j >= n_lists:
            raise ValueError(f"invalid pair of lists ({a}, {b})")
        if (i, j) not in seen:
            seen.append((i, j))
    return tuple(seen)


def build_design(counts: npt.NDArray[np.int64], n_lists: int, pairs: Iterable[Pair]) -> ModelDesign:
    """Design for main effects plus ``pairs`` on the cells of ``counts``.

    Pairs whose overlap (count of cases on both lists) is zero are moved to
    ``dropped`` and their cells removed (SparseMSE ``buildmodel``).
    """
    chosen = normalise_pairs(pairs, n_lists)
    index = {p: k for k, p in enumerate(all_pairs(n_lists))}
    pcols = _pair_columns(n_lists)
    keep = np.ones(pcols.shape[0], dtype=bool)
    fitted: list[int] = []
    fitted_pairs: list[Pair] = []
    dropped: list[Pair] = []
    for p in chosen:
        col = pcols[:, index[p]]
        if float(col @ counts) == 0.0:
            dropped.append(p)
            keep &= col == 0
        else:
            fitted.append(index[p])
            fitted_pairs.append(p)
    cells = np.flatnonzero(keep)
    matrix = np.hstack([_main_columns(n_lists), pcols[:, fitted]])[cells]
    return ModelDesign(tuple(fitted_pairs), tuple(dropped), cells, matrix)
