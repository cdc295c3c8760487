"""How close synthetic microdata come to the true data: marginal errors and rare combinations."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = ["UtilityReport", "total_variation", "utility"]


def total_variation(true: pd.DataFrame, synthetic: pd.DataFrame, columns: Sequence[str]) -> float:
    """Total-variation distance between the two tables' distributions over `columns`.

    ``TVD = 1/2 * sum |p - q|`` over every combination of values; 0 for two empty tables.
    """
    columns = list(columns)
    p = true.value_counts(subset=columns, normalize=True) if len(true) else pd.Series(dtype=float)
    q = (
        synthetic.value_counts(subset=columns, normalize=True)
        if len(synthetic)
        else pd.Series(dtype=float)
    )
    if p.empty and q.empty:
        return 0.0
    joined = pd.concat([p.rename("p"), q.rename("q")], axis=1).fillna(0.0)
    return float((joined["p"] - joined["q"]).abs().sum() / 2)


@dataclass(frozen=True)
class UtilityReport:
    """Errors of a synthetic release against the true data it was made from."""

    one_way: dict[str, float]
    two_way: dict[str, float]
    rare_threshold: int
    rare_combinations: int
    rare_kept_out: float | None

    @property
    def mean_two_way(self) -> float:
        """Mean total-variation distance over every two-way marginal."""
        return sum(self.two_way.values()) / len(self.two_way) if self.two_way else 0.0

    @property
    def max_two_way(self) -> float:
        """The largest two-way total-variation distance."""
        return max(self.two_way.values(), default=0.0)

    def as_json(self) -> dict[str, object]:
        """Plain JSON-ready data, rounded to four decimals."""
        return {
            "one_way_tvd": {k: round(v, 4) for k, v in self.one_way.items()},
            "two_way_tvd": {k: round(v, 4) for k, v in self.two_way.items()},
            "mean_one_way_tvd": round(sum(self.one_way.values()) / max(1, len(self.one_way)), 4),
            "mean_two_way_tvd": round(self.mean_two_way, 4),
            "max_two_way_tvd": round(self.max_two_way, 4),
            "rare_threshold": self.rare_threshold,
            "rare_combinations": self.rare_combinations,
            "rare_kept_out": None if self.rare_kept_out is None else round(self.rare_kept_out, 4),
        }


def utility(true: pd.DataFrame, synthetic: pd.DataFrame, rare_below: int) -> UtilityReport:
    """One- and two-way marginal errors, and the share of rare combinations kept out.

    A combination of all variables is rare when fewer than `rare_below` true records
    have it; kept out when no synthetic record has it.
    """
    columns = list(true.columns)
    one_way = {c: total_variation(true, synthetic, [c]) for c in columns}
    two_way = {
        f"{a}|{b}": total_variation(true, synthetic, [a, b])
        for a, b in itertools.combinations(columns, 2)
    }
    counts = true.value_counts(subset=columns) if len(true) else pd.Series(dtype=int)
    rare = set(counts[counts < rare_below].index)
    made = set(synthetic.value_counts(subset=columns).index) if len(synthetic) else set()
    kept_out = None if not rare else len(rare - made) / len(rare)
    return UtilityReport(one_way, two_way, rare_below, len(rare), kept_out)
