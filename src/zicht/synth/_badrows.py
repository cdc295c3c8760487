"""Deliberately bad rows: each breaks exactly one rule of the standard, on purpose.

The rule names are those ingest reports (``code``, ``date``, ``required``, ``range``,
``future_date``), so a test can check that every bad row lands in quarantine for the
reason the manifest gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from zicht.synth._dialects import Dialect
from zicht.synth._scenario import BadRows

__all__ = ["BadRow", "spoil"]

_INGEST_RULE = {
    "unknown_code": "code",
    "impossible_date": "date",
    "missing_required": "required",
    "age_out_of_range": "range",
    "future_date": "future_date",
}
_UNKNOWN_CODE = "ZZ-9"


@dataclass(frozen=True)
class BadRow:
    """A bad data row (1-based, header excluded), the field it spoils and the rule."""

    row: int
    field: str
    kind: str

    @property
    def rule(self) -> str:
        """The rule ingest reports for it."""
        return _INGEST_RULE[self.kind]

    def as_dict(self) -> dict[str, Any]:
        """For the manifest."""
        return {"row": self.row, "field": self.field, "rule": self.rule, "kind": self.kind}


def _date_text(date_format: str, year: str, month: str, day: str) -> str:
    return date_format.replace("%Y", year).replace("%m", month).replace("%d", day)


def spoil(
    frame: pd.DataFrame,
    dialect: Dialect,
    cfg: BadRows,
    rng: np.random.Generator,
    *,
    structured: bool,
) -> list[BadRow]:
    """Make a share of the rows of ``frame`` bad, in place; return what was done."""
    n = len(frame)
    if cfg.share <= 0 or n == 0:
        return []
    count = round(cfg.share * n)
    if count == 0 and n >= 20:
        count = 1
    if count == 0:
        return []
    columns = dialect.columns
    code_field = next(
        (
            f
            for f in ("gender", "forms", "role", "channel")
            if f in columns and f not in dialect.flags
        ),
        None,
    )
    available = {
        "unknown_code": code_field is not None,
        "impossible_date": True,
        "missing_required": True,
        "age_out_of_range": "age" in columns,
        "future_date": True,
    }
    kinds = [k for k, w in cfg.rules.items() if w > 0 and available[k]]
    if not kinds:
        return []
    weights = np.array([cfg.rules[k] for k in kinds], dtype=float)
    rows = np.sort(rng.choice(n, size=count, replace=False))
    chosen = np.array(kinds, dtype=object)[
        rng.choice(len(kinds), size=count, p=weights / weights.sum())
    ]
    date_column = columns["registration_date"]
    bad: list[BadRow] = []
    for row, kind in zip(rows.tolist(), chosen.tolist(), strict=True):
        field = "registration_date"
        if kind == "unknown_code":
            assert code_field is not None
            field = code_field
            multi = structured and field == "forms"
            frame.at[row, columns[field]] = [_UNKNOWN_CODE] if multi else _UNKNOWN_CODE
        elif kind == "impossible_date":
            frame.at[row, date_column] = _date_text(dialect.date_format, "2019", "02", "31")
        elif kind == "missing_required":
            frame.at[row, date_column] = None if structured else ""
        elif kind == "age_out_of_range":
            field = "age"
            frame.at[row, columns["age"]] = 250 if structured else "250"
        else:
            frame.at[row, date_column] = _date_text(dialect.date_format, "2099", "06", "15")
            if "prosecutor_date" in columns:
                frame.at[row, columns["prosecutor_date"]] = None if structured else ""
        bad.append(BadRow(row=row + 1, field=field, kind=kind))
    return bad
