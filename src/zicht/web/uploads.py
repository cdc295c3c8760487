"""Upload and fix-and-resubmit as services shared by the pages and the API."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

from zicht.access import Look, record_look
from zicht.i18n import N_, translator
from zicht.ingest import (
    QUARANTINE_ID_COLUMN,
    IngestFileError,
    IngestResult,
    Mapping,
    MappingError,
    default_mapping,
    ingest_file,
    quarantine_context,
)
from zicht.privacy import Cipher, CsvWriter
from zicht.standard import RECORD_TYPES
from zicht.store.web_quarantine import QuarantineEntry
from zicht.store.web_uploads import record_upload, upload_mapping

__all__ = [
    "SUFFIXES",
    "UploadError",
    "corrected_row_ingest",
    "delivery_mapping",
    "original_cells",
    "parse_mapping",
    "run_upload",
]

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".jsonl", ".ndjson")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(ValueError):
    """An upload that cannot be ingested; `field` says which form field is at fault.

    `message` is English (the API); `describe` says it in a page's language: a message
    of the catalogues (marked with `N_`, filled from `values`), and the file's own
    problem (`cause`) in that language too.
    """

    def __init__(
        self, field: str, message: str, cause: IngestFileError | None = None, **values: str
    ) -> None:
        self.field = field
        self.cause = cause
        self.values = values
        self.template = message
        self.message = self._fill(message, "en")
        super().__init__(self.message)

    def _fill(self, text: str, lang: str) -> str:
        values = dict(self.values)
        if self.cause is not None:
            values["problem"] = self.cause.problem if lang == "en" else self.cause.describe(lang)
        return text % values if values else text

    def describe(self, lang: str) -> str:
        """The message in `lang` (as written when the catalogues lack it)."""
        return self._fill(translator(lang).translations.gettext(self.template), lang)


def parse_mapping(text: str, record_type: str) -> Mapping:
    """The mapping of an upload: the YAML given, else the standard's own column names."""
    if not text.strip():
        return default_mapping(record_type)
    from zicht.ingest import load_mapping

    with tempfile.TemporaryDirectory(prefix="zicht-mapping-") as folder:
        path = Path(folder) / "mapping.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            return load_mapping(path)
        except MappingError as exc:
            raise UploadError("mapping", str(exc).replace(str(path), "mapping")) from None


def safe_file_name(name: str | None) -> str:
    """A file name without folders or odd characters, keeping an allowed suffix."""
    base = _SAFE_NAME.sub("_", Path(name or "upload.csv").name).strip("._") or "upload.csv"
    if not base.lower().endswith(SUFFIXES):
        raise UploadError(
            "file", N_("the file must end in one of %(suffixes)s"), suffixes=", ".join(SUFFIXES)
        )
    return base[-120:]


def run_upload(
    engine: Engine,
    cipher: Cipher,
    *,
    organisation: str,
    uploaded_by: str,
    file_name: str | None,
    content: bytes,
    record_type: str,
    mapping_text: str,
) -> IngestResult:
    """Ingest an uploaded file for `organisation` and remember the mapping it used."""
    if record_type not in RECORD_TYPES:
        raise UploadError("record_type", N_("unknown record type"))
    if not content:
        raise UploadError("file", N_("the file is empty"))
    name = safe_file_name(file_name)
    mapping = parse_mapping(mapping_text, record_type)
    if mapping.source is not None and mapping.source != organisation:
        raise UploadError("mapping", N_("the mapping is for another organisation"))
    with tempfile.TemporaryDirectory(prefix="zicht-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            result = ingest_file(
                path, source=organisation, engine=engine, cipher=cipher, mapping=mapping
            )
        except IngestFileError as exc:
            raise UploadError("file", "%(file)s: %(problem)s", exc, file=name) from None
    record_upload(engine, result.batch_id, organisation, uploaded_by, mapping_text)
    return result


def original_cells(
    engine: Engine, cipher: Cipher, look: Look, entry: QuarantineEntry
) -> list[tuple[str, Any]]:
    """The decrypted original row of a quarantine entry, as (column, value) pairs.

    A look at identity data: audited here as one `view_quarantine_row` entry.
    """
    assert entry.original is not None, "read the entry with quarantine_entry"
    context = quarantine_context(entry.source, entry.file_name, entry.row_number)
    cells = cipher.decrypt_json(entry.original, context)["cells"]
    record_look(engine, look, "view_quarantine_row", "quarantine_row", [entry.id])
    return [(str(column), value) for column, value in cells]


@dataclass(frozen=True)
class Resubmission:
    """What happened to a corrected quarantine row."""

    result: IngestResult
    resolved: bool


def delivery_mapping(engine: Engine, batch_id: int, record_type: str) -> tuple[str, Mapping]:
    """The mapping (YAML text and parsed) a delivery was read with (the standard's own
    column names for files ingested outside the web app)."""
    mapping_text = upload_mapping(engine, batch_id) or ""
    try:
        return mapping_text, parse_mapping(mapping_text, record_type)
    except UploadError:
        return "", parse_mapping("", record_type)


def corrected_row_ingest(
    engine: Engine,
    cipher: Cipher,
    entry: QuarantineEntry,
    values: list[tuple[str, str]],
) -> Resubmission:
    """Resubmit one corrected quarantine row through the mapping of its delivery.

    The row is added to the delivery it came from (no delivery of its own): that
    delivery then counts it as stored, or keeps it quarantined with its new problems.
    """
    _, mapping = delivery_mapping(engine, entry.batch_id, entry.record_type)
    delimiter = mapping.delimiter if len(mapping.delimiter) == 1 else ","
    encoding = "utf-8" if mapping.encoding in ("auto", "") else mapping.encoding
    with tempfile.TemporaryDirectory(prefix="zicht-fix-") as folder:
        path = Path(folder) / "correction.csv"
        with path.open("w", encoding=encoding, errors="replace", newline="") as handle:
            # Neutralised as every CSV Zicht writes; the ingest restores the typed values.
            writer = CsvWriter(handle, delimiter=delimiter)
            writer.writerow([QUARANTINE_ID_COLUMN, *(column for column, _ in values)])
            writer.writerow([entry.id, *(value for _, value in values)])
        fixed = Mapping.model_validate(
            {**mapping.model_dump(), "format": "csv", "delimiter": delimiter, "encoding": encoding}
        )
        try:
            result = ingest_file(
                path,
                source=entry.source,
                engine=engine,
                cipher=cipher,
                mapping=fixed,
                into_batch=entry.batch_id,
            )
        except IngestFileError as exc:
            raise UploadError("file", "%(problem)s", exc) from None
    return Resubmission(result, result.resolved > 0)


def mapping_yaml(mapping: Mapping) -> str:
    """A mapping as YAML text."""
    return yaml.safe_dump(mapping.model_dump(exclude_defaults=True), allow_unicode=True)
