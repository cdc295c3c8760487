"""Ingest a set of partner files listed in a manifest (a synthetic world, the examples)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zicht.ingest._mapping import load_mapping

__all__ = ["ManifestEntry", "read_manifest"]


@dataclass(frozen=True)
class ManifestEntry:
    """One file of a manifest with its mapping and what its writer says it holds."""

    file: Path
    mapping: Path
    source: str
    record_type: str
    rows: int | None
    bad_rows: int | None


def read_manifest(path: Path) -> list[ManifestEntry]:
    """The entries of a manifest.json; paths are relative to its folder."""
    document: Any = json.loads(path.read_text(encoding="utf-8"))
    files = document["files"] if isinstance(document, dict) else document
    entries = []
    for item in files:
        mapping = path.parent / item["mapping"]
        load_mapping(mapping)  # fail early on a broken mapping
        entries.append(
            ManifestEntry(
                file=path.parent / item["file"],
                mapping=mapping,
                source=item["source"],
                record_type=item.get("record_type", "victim_registration"),
                rows=item.get("rows"),
                bad_rows=item.get("bad_rows"),
            )
        )
    return entries
