"""Read a platform's ad file (a file that is not ads fails); an ad's licence number and contacts.

JSON Lines or CSV (and XLSX) through ingest's readers. A file whose header lacks the
required fields of `ad.schema.json` (`ad_id`, `posted_at`, `text`) is not an ad feed:
IngestFileError, nothing stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zicht.ingest import IngestFileError, RawRow, open_source
from zicht.platforms._ads import REQUIRED_AD_FIELDS, Ad
from zicht.privacy import Cipher
from zicht.standard import LicenceNumber, LicenceNumberError, parse_licence_number

__all__ = ["ad_keys", "licence_in_ad", "open_feed"]

# A licence number printed in the text when the field is empty ("GM" is required there,
# so that phone numbers are not taken for licence numbers).
_LICENCE_IN_TEXT = re.compile(r"\bGM\s?\d{4}[-\s./]?\d{6}[-\s./]?\d{2}\b", re.IGNORECASE)


def open_feed(path: Path) -> Iterator[RawRow]:
    """The rows of an ad file as read (checked later, `zicht.platforms._prepare`).

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
    return _rows(opened.rows, opened.close)


def _rows(rows: Iterator[RawRow], close: Any) -> Iterator[RawRow]:
    try:
        yield from rows
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
