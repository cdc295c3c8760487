"""Ads delivered by API: the same reading, rules, quarantine and screening as the file.

The body is written to a private temporary folder under a cleaned file name (its suffix
picks the reader) and handed to `screen_file` for the token's platform; the screening
CSVs are written there too and the folder is removed afterwards: the screened ads are
in the store, for the pages.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import Engine

from zicht.ingest import FORMATS, IngestFileError
from zicht.platforms._licence_upload import clean_name
from zicht.platforms._screen import ScreenResult, screen_file
from zicht.privacy import Cipher

__all__ = ["MAX_ADS_UPLOAD", "screen_upload"]

MAX_ADS_UPLOAD = 100 * 1024 * 1024  # bytes: about 100,000 ads, a large platform's day


def screen_upload(
    content: bytes, *, file_name: str | None, platform: str, engine: Engine, cipher: Cipher
) -> ScreenResult:
    """Store and screen ads of `platform` sent as a file's bytes (JSON Lines, CSV, XLSX).

    Raises:
        IngestFileError: empty, too large, an unknown kind of file, or a file that is
            not an ad feed (nothing stored).
    """
    name = clean_name(file_name, "ads")
    if not content:
        raise IngestFileError(Path(name), "the file is empty")
    if len(content) > MAX_ADS_UPLOAD:
        raise IngestFileError(Path(name), f"larger than {MAX_ADS_UPLOAD} bytes")
    if Path(name).suffix.lower() not in FORMATS:
        raise IngestFileError(Path(name), f"unknown kind of file (one of {', '.join(FORMATS)})")
    with tempfile.TemporaryDirectory(prefix="zicht-ads-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return screen_file(
            path, platform=platform, engine=engine, cipher=cipher, out=Path(folder) / "out"
        )
