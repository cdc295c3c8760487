"""The files `zicht ads screen` writes: screening.csv, clusters.csv, cluster_evidence.csv."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from zicht.platforms._screening import Flag

__all__ = ["CsvOutputs"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(text: str) -> str:
    # A spreadsheet must not run an ad id from a platform as a formula.
    return f"'{text}" if text.startswith(_FORMULA_START) else text


class CsvOutputs:
    """The three CSV files of one screened delivery, written row by row (a context)."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self._handles = [
            (out / name).open("w", newline="", encoding="utf-8")
            for name in ("screening.csv", "clusters.csv", "cluster_evidence.csv")
        ]
        self._screening, self._clusters, self._evidence = (csv.writer(h) for h in self._handles)
        self._screening.writerow(["ad_id", "flags", "score", "reasons", "context"])
        self._clusters.writerow(["ad_id", "cluster_id"])
        self._evidence.writerow(["ad", "linked_ad", "kind", "evidence"])

    def __enter__(self) -> CsvOutputs:
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles:
            handle.close()

    def ad(self, ad_id: str, flags: Sequence[Flag], score: float, cluster: int) -> None:
        """One ad's screening row and cluster row."""
        self._screening.writerow([
            _safe_cell(ad_id),
            ";".join(f.name for f in flags if f.kind == "evidence"),
            f"{score:g}",
            " | ".join(f.evidence for f in flags if f.kind == "evidence"),
            " | ".join(f.evidence for f in flags if f.kind == "context"),
        ])  # fmt: skip
        self._clusters.writerow([_safe_cell(ad_id), cluster])

    def link(self, ad: str, linked_ad: str, kind: str, detail: str) -> None:
        """One link of the delivery's ads ("platform/ad_id" of both ends)."""
        self._evidence.writerow([_safe_cell(ad), _safe_cell(linked_ad), kind, detail])
