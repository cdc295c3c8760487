"""Capture-history tables: the data of multiple systems estimation.

A table over ``t`` lists holds one count for each of the ``2**t - 1`` observable capture
histories. History ``h`` is stored at index ``h - 1`` where bit ``k`` of ``h`` says
whether a case is on list ``k``; histories not given are zero cells (SparseMSE
``tidylists(..., includezerocounts = TRUE)``). The all-zero history is the unobserved
dark figure and never appears.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from zicht.estimate._errors import EstimationError

__all__ = ["MAX_LISTS", "CaptureTable", "histories", "parse_capture_csv", "read_capture_csv"]

MAX_LISTS = 15
_COUNT = "count"
_INTEGER = re.compile(r"^\+?[0-9]+$")


def histories(n_lists: int) -> npt.NDArray[np.int64]:
    """The ``(2**t - 1) x t`` 0/1 matrix of observable histories, row ``h - 1`` = history ``h``."""
    codes = np.arange(1, 2**n_lists, dtype=np.int64)
    return (codes[:, None] >> np.arange(n_lists, dtype=np.int64)[None, :]) & 1


@dataclass(frozen=True)
class CaptureTable:
    """Counts of cases by capture history over named lists (validated on creation)."""

    lists: tuple[str, ...]
    counts: npt.NDArray[np.int64]

    def __post_init__(self) -> None:
        t = len(self.lists)
        if t < 2:
            raise EstimationError(f"at least two lists are needed, got {t}")
        if t > MAX_LISTS:
            raise EstimationError(f"at most {MAX_LISTS} lists are supported, got {t}")
        if len(set(self.lists)) != t:
            raise EstimationError("list names must be unique")
        counts = np.asarray(self.counts)
        if counts.shape != (2**t - 1,):
            raise EstimationError(f"expected {2**t - 1} cell counts for {t} lists")
        if counts.dtype.kind not in "iu":
            raise EstimationError("counts must be integers")
        if (counts < 0).any():
            raise EstimationError("counts must be non-negative")
        per_list = histories(t).T @ counts
        empty = [name for name, total in zip(self.lists, per_list, strict=True) if total == 0]
        if empty:
            raise EstimationError(f"list {', '.join(empty)} has no cases; remove or merge it")
        object.__setattr__(self, "counts", counts.astype(np.int64))

    @property
    def n_lists(self) -> int:
        """Number of lists ``t``."""
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        """Number of observed cases (all histories but the all-zero one)."""
        return int(self.counts.sum())

    @property
    def histories(self) -> npt.NDArray[np.int64]:
        """The 0/1 history matrix matching :attr:`counts`."""
        return histories(self.n_lists)

    def list_totals(self) -> dict[str, int]:
        """Number of cases on each list."""
        totals = self.histories.T @ self.counts
        return {name: int(v) for name, v in zip(self.lists, totals, strict=True)}

    def with_counts(self, counts: npt.NDArray[np.int64]) -> CaptureTable:
        """The same lists with other counts (bootstrap, jackknife)."""
        return CaptureTable(self.lists, counts)

    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        """The non-zero cells as ``(history, count)`` pairs."""
        h = self.histories
        return [(tuple(int(v) for v in h[i]), int(c)) for i, c in enumerate(self.counts) if c > 0]

    @classmethod
    def from_rows(
        cls,
        lists: Sequence[str],
        rows: Sequence[Sequence[int]],
        counts: Sequence[int],
    ) -> CaptureTable:
        """Build a table from history rows and counts; repeated histories are summed."""
        t = len(lists)
        if t < 2:
            raise EstimationError(f"at least two lists are needed, got {t}")
        if t > MAX_LISTS:
            raise EstimationError(f"at most {MAX_LISTS} lists are supported, got {t}")
        cells = np.zeros(2**t - 1, dtype=np.int64)
        weights = 1 << np.arange(t)
        for number, (row, count) in enumerate(zip(rows, counts, strict=True), start=1):
            if len(row) != t:
                raise EstimationError(f"row {number}: expected {t} history values")
            if any(v not in (0, 1) for v in row):
                raise EstimationError(f"row {number}: history values must be 0 or 1")
            if count < 0:
                raise EstimationError(f"row {number}: count must be a non-negative integer")
            code = int(np.dot(np.asarray(row, dtype=np.int64), weights))
            if code == 0:
                raise EstimationError(
                    f"row {number}: the all-zero history is the unobserved cell and cannot be given"
                )
            cells[code - 1] += int(count)
        return cls(tuple(lists), cells)


def parse_capture_csv(text: str) -> CaptureTable:
    """Parse CSV text: one 0/1 column per list and a ``count`` column.

    Errors name the row and column, never a value other than the offending cell.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise EstimationError("the table is empty") from None
    if _COUNT not in header:
        raise EstimationError("the table has no 'count' column")
    if header.count(_COUNT) > 1:
        raise EstimationError("the table has more than one 'count' column")
    if any(name == "" for name in header):
        raise EstimationError("every column needs a name")
    list_names = [name for name in header if name != _COUNT]
    if len(set(list_names)) != len(list_names):
        raise EstimationError("list column names must be unique")
    if len(list_names) < 2:
        raise EstimationError(f"at least two lists are needed, got {len(list_names)}")
    count_at = header.index(_COUNT)
    list_at = [i for i, name in enumerate(header) if name != _COUNT]
    rows: list[list[int]] = []
    counts: list[int] = []
    for number, record in enumerate(reader, start=1):
        if not record or all(v.strip() == "" for v in record):
            continue
        if len(record) != len(header):
            raise EstimationError(f"row {number}: expected {len(header)} fields")
        raw_count = record[count_at].strip()
        if not _INTEGER.match(raw_count):
            raise EstimationError(f"row {number}: count must be a non-negative integer")
        history: list[int] = []
        for i in list_at:
            value = record[i].strip()
            if value not in ("0", "1"):
                raise EstimationError(f"row {number}: column {header[i]!r} must be 0 or 1")
            history.append(int(value))
        rows.append(history)
        counts.append(int(raw_count))
    if not rows:
        raise EstimationError("the table has no rows")
    return CaptureTable.from_rows(list_names, rows, counts)


def read_capture_csv(path: str | Path) -> CaptureTable:
    """Read a capture-history CSV file (see :func:`parse_capture_csv`)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise EstimationError(f"cannot read table {str(path)!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise EstimationError(f"table {str(path)!r} is not UTF-8 text") from None
    return parse_capture_csv(text)
