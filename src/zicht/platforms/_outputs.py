"""The files `zicht ads screen` writes: screening.csv, clusters.csv, cluster_evidence.csv."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from zicht.platforms._operators import Link
from zicht.platforms._screening import Flag

__all__ = ["write_outputs"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(text: str) -> str:
    # A spreadsheet must not run an ad id from a platform as a formula.
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def write_outputs(
    out: Path,
    ad_ids: Sequence[str],
    screenings: Sequence[tuple[list[Flag], float]],
    clusters: Sequence[int],
    links: Sequence[Link],
    tokens: Sequence[str],
) -> None:
    """Write the three CSV files of one screened delivery to `out`.

    Args:
        tokens: "platform/ad_id" of every node the links refer to.
    """
    out.mkdir(parents=True, exist_ok=True)
    with (out / "screening.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ad_id", "flags", "score", "reasons", "context"])
        for ad_id, (flags, score) in zip(ad_ids, screenings, strict=True):
            writer.writerow([
                _safe_cell(ad_id),
                ";".join(f.name for f in flags if f.kind == "evidence"),
                f"{score:g}",
                " | ".join(f.evidence for f in flags if f.kind == "evidence"),
                " | ".join(f.evidence for f in flags if f.kind == "context"),
            ])  # fmt: skip
    with (out / "clusters.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ad_id", "cluster_id"])
        for ad_id, cluster in zip(ad_ids, clusters, strict=True):
            writer.writerow([_safe_cell(ad_id), cluster])
    with (out / "cluster_evidence.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ad", "linked_ad", "kind", "evidence"])
        for link in links:
            writer.writerow(
                [_safe_cell(tokens[link.a]), _safe_cell(tokens[link.b]), link.kind, link.detail]
            )
