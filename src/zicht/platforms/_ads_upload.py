"""Ads delivered by API: the same reading, rules, quarantine and screening as the file.

The body is taken as a file (`_upload.uploaded_file`: its suffix picks the reader) and
handed to `screen_file` for the token's platform; the screening CSVs are written to the
same temporary folder, removed afterwards: the screened ads are in the store, for the
pages.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from zicht.platforms._screen import ScreenResult, screen_file
from zicht.platforms._upload import uploaded_file
from zicht.privacy import Cipher

__all__ = ["MAX_ADS_UPLOAD", "screen_upload"]

MAX_ADS_UPLOAD = 100 * 1024 * 1024  # bytes: about 100,000 ads, a large platform's day


def screen_upload(
    content: bytes,
    *,
    file_name: str | None,
    platform: str,
    engine: Engine | Connection,
    cipher: Cipher,
) -> ScreenResult:
    """Store and screen ads of `platform` sent as a file's bytes (JSON Lines, CSV, XLSX).

    Given a connection, everything is written in the caller's transaction (e.g. with
    its audit entry, `zicht.access.audited_transaction`).

    Raises:
        IngestFileError: empty, too large, an unknown kind of file, or a file that is
            not an ad feed (nothing stored).
    """
    with uploaded_file(content, file_name=file_name, default="ads", limit=MAX_ADS_UPLOAD) as path:
        return screen_file(
            path, platform=platform, engine=engine, cipher=cipher, out=path.parent / "out"
        )
