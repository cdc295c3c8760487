"""Ingest of partner files: source file + mapping -> standard records + quarantined rows."""

from zicht.ingest.manifest import ManifestEntry, read_manifest
from zicht.ingest.mapping import Mapping, MappingError, default_mapping, load_mapping
from zicht.ingest.prepare import QUARANTINE_ID_COLUMN
from zicht.ingest.problems import RULES, IngestFileError, RowProblem, rule_summary
from zicht.ingest.quarantine import export_flagged, export_quarantine
from zicht.ingest.readers import open_source
from zicht.ingest.service import IngestResult, ingest_file, open_checked

__all__ = [
    "QUARANTINE_ID_COLUMN",
    "RULES",
    "IngestFileError",
    "IngestResult",
    "ManifestEntry",
    "Mapping",
    "MappingError",
    "RowProblem",
    "default_mapping",
    "export_flagged",
    "export_quarantine",
    "ingest_file",
    "load_mapping",
    "open_checked",
    "open_source",
    "read_manifest",
    "rule_summary",
]
