"""Licences delivered by API: the same rules, quarantine and transaction as the file import.

The body is taken as a file (`_upload.uploaded_file`: its suffix picks the reader) and
imported by `import_licences`; the temporary folder is removed afterwards.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from zicht.ingest import IngestFileError
from zicht.platforms._licence_rows import LicenceMapping, load_licence_mapping
from zicht.platforms._register import LicenceImport, import_licences
from zicht.platforms._upload import uploaded_file
from zicht.privacy import Cipher

__all__ = ["MAX_LICENCE_UPLOAD", "import_licence_upload"]

MAX_LICENCE_UPLOAD = 20 * 1024 * 1024  # bytes; a municipality's register is far smaller


def import_licence_upload(
    content: bytes,
    *,
    file_name: str | None,
    municipality: str,
    engine: Engine | Connection,
    cipher: Cipher,
    mapping_text: str = "",
) -> LicenceImport:
    """Import licences sent as a file's bytes (CSV/TSV/TXT, XLSX or JSON Lines).

    Given a connection, everything is written in the caller's transaction (e.g. with
    its audit entry, `zicht.access.audited_transaction`).

    Raises:
        IngestFileError: empty, too large, an unknown kind of file, a mapping that is
            not valid, or a file unusable as a whole (nothing stored).
    """
    with uploaded_file(
        content, file_name=file_name, default="licences", limit=MAX_LICENCE_UPLOAD
    ) as path:
        mapping = LicenceMapping()
        if mapping_text.strip():
            mapping_path = path.parent / "mapping.yaml"
            mapping_path.write_text(mapping_text, encoding="utf-8")
            try:
                mapping = load_licence_mapping(mapping_path)
            except ValueError as exc:
                raise IngestFileError(path, f"mapping: {exc}") from None
        return import_licences(
            path, municipality=municipality, engine=engine, cipher=cipher, mapping=mapping
        )
