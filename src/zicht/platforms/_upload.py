"""Files delivered by token (ads of a platform, licences of a municipality).

The body is checked (not empty, not too large, a known kind of file by its suffix) and
written to a private temporary folder under a cleaned file name, where the service
that reads files takes it; the folder is removed afterwards.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zicht.ingest import FORMATS, IngestFileError

__all__ = ["clean_name", "uploaded_file"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def clean_name(file_name: str | None, default: str) -> str:
    """A file name without folders or odd characters (`default` when nothing is left)."""
    base = _UNSAFE.sub("_", Path(file_name or "").name).strip("._")[:100]
    return base or default


@contextmanager
def uploaded_file(
    content: bytes, *, file_name: str | None, default: str, limit: int
) -> Iterator[Path]:
    """The delivered bytes as a file in a private temporary folder (removed on exit).

    Raises:
        IngestFileError: empty, larger than `limit` bytes, or an unknown kind of file.
    """
    name = clean_name(file_name, default)
    if not content:
        raise IngestFileError(Path(name), "the file is empty")
    if len(content) > limit:
        raise IngestFileError(Path(name), f"larger than {limit} bytes")
    if Path(name).suffix.lower() not in FORMATS:
        raise IngestFileError(Path(name), f"unknown kind of file (one of {', '.join(FORMATS)})")
    with tempfile.TemporaryDirectory(prefix=f"zicht-{default}-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        yield path
