"""Read a platform's ad file: every row an `Ad` or a refusal; a file that is not ads fails.

JSON Lines or CSV (and XLSX) through ingest's readers. A file whose header lacks the
required fields of `ad.schema.json` (`ad_id`, `posted_at`, `text`) is not an ad feed:
IngestFileError, nothing stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zicht.ingest import IngestFileError, RawRow, open_source
from zicht.platforms._ads import REQUIRED_AD_FIELDS, Ad, ad_from_cells
from zicht.platforms._problems import Problem, RowRefused
from zicht.privacy import Cipher
from zicht.standard import LicenceNumber, LicenceNumberError, parse_licence_number

__all__ = ["FeedRow", "ad_keys", "licence_in_ad", "read_feed"]

# A licence number printed in the text when the field is empty ("GM" is required there,
# so that phone numbers are not taken for licence numbers).
_LICENCE_IN_TEXT = re.compile(r"\bGM\s?\d{4}[-\s./]?\d{6}[-\s./]?\d{2}\b", re.IGNORECASE)


@dataclass(slots=True)
class FeedRow:
    """One row of the file: the ad, or the problems that refused it (with the raw cells)."""

    number: int
    ad: Ad | None
    problems: list[Problem]
    cells: dict[str, Any]


def read_feed(path: Path, platform: str) -> Iterator[FeedRow]:
    """Rows of an ad file of `platform`, checked; duplicates of an ad id are refused.

    Raises:
        IngestFileError: the file is unreadable or not an ad feed (before any row).
    """
    opened = open_source(path)
    missing = [name for name in REQUIRED_AD_FIELDS if name not in opened.header]
    if missing:
        opened.close()
        raise IngestFileError(
            path,
            f"not an ad feed: no {', '.join(missing)} field(s) "
            "(see src/zicht/platforms/ad.schema.json)",
        )
    return _rows(opened.rows, platform, opened.close)


def _rows(rows: Iterator[RawRow], platform: str, close: Any) -> Iterator[FeedRow]:
    seen: set[str] = set()
    try:
        for row in rows:
            try:
                if row.unreadable:
                    raise RowRefused([Problem("row", row.unreadable)])
                ad = ad_from_cells(row.cells, platform)
                if ad.ad_id in seen:
                    raise RowRefused([Problem("ad_id", "duplicate_record_id")])
                seen.add(ad.ad_id)
                yield FeedRow(row.number, ad, [], row.cells)
            except RowRefused as refusal:
                yield FeedRow(row.number, None, refusal.problems, row.cells)
    finally:
        close()


def licence_in_ad(ad: Ad) -> tuple[LicenceNumber | None, str | None]:
    """The ad's licence number (field, else printed in the text) or the rule it breaks."""
    text = ad.licence_number
    if text is None:
        found = _LICENCE_IN_TEXT.search(ad.text)
        text = found.group(0) if found else None
    if text is None:
        return None, "missing"
    try:
        return parse_licence_number(text), None
    except LicenceNumberError as exc:
        return None, exc.rule


def ad_keys(cipher: Cipher, ad: Ad) -> list[tuple[str, str]]:
    """The ad's contacts as (kind, keyed pseudonym of the normal form)."""
    return [("phone", cipher.pseudonym(f"phone/{p}")) for p in ad.phones] + [
        ("email", cipher.pseudonym(f"email/{e}")) for e in ad.emails
    ]
