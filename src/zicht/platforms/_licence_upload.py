"""Licences delivered by API: the same rules, quarantine and transaction as the file import.

The body is written to a private temporary folder under a cleaned file name (its suffix
picks the reader) and imported by `import_licences`; the folder is removed afterwards.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from sqlalchemy import Engine

from zicht.ingest import FORMATS, IngestFileError
from zicht.platforms._licence_rows import LicenceMapping, load_licence_mapping
from zicht.platforms._register import LicenceImport, import_licences
from zicht.privacy import Cipher

__all__ = ["MAX_LICENCE_UPLOAD", "clean_name", "import_licence_upload"]

MAX_LICENCE_UPLOAD = 20 * 1024 * 1024  # bytes; a municipality's register is far smaller
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def clean_name(file_name: str | None, default: str = "licences") -> str:
    """A file name without folders or odd characters (`default` when nothing is left)."""
    base = _UNSAFE.sub("_", Path(file_name or "").name).strip("._")[:100]
    return base or default


def import_licence_upload(
    content: bytes,
    *,
    file_name: str | None,
    municipality: str,
    engine: Engine,
    cipher: Cipher,
    mapping_text: str = "",
) -> LicenceImport:
    """Import licences sent as a file's bytes (CSV/TSV/TXT, XLSX or JSON Lines).

    Raises:
        IngestFileError: empty, too large, an unknown kind of file, a mapping that is
            not valid, or a file unusable as a whole (nothing stored).
    """
    name = clean_name(file_name)
    if not content:
        raise IngestFileError(Path(name), "the file is empty")
    if len(content) > MAX_LICENCE_UPLOAD:
        raise IngestFileError(Path(name), f"larger than {MAX_LICENCE_UPLOAD} bytes")
    if Path(name).suffix.lower() not in FORMATS:
        raise IngestFileError(Path(name), f"unknown kind of file (one of {', '.join(FORMATS)})")
    with tempfile.TemporaryDirectory(prefix="zicht-licences-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        mapping = LicenceMapping()
        if mapping_text.strip():
            mapping_path = Path(folder) / "mapping.yaml"
            mapping_path.write_text(mapping_text, encoding="utf-8")
            try:
                mapping = load_licence_mapping(mapping_path)
            except ValueError as exc:
                raise IngestFileError(Path(name), f"mapping: {exc}") from None
        return import_licences(
            path, municipality=municipality, engine=engine, cipher=cipher, mapping=mapping
        )
