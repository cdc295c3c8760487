"""Ingest of partner files: source file + mapping -> standard records + quarantined rows."""

from zicht.ingest._blocks import CsvBlock, CsvPlan, csv_blocks, read_csv_block
from zicht.ingest._convert import Converter, ValidRecord
from zicht.ingest._manifest import ManifestEntry, read_manifest
from zicht.ingest._mapping import (
    Mapping,
    MappingError,
    default_mapping,
    load_mapping,
    load_settings_file,
)
from zicht.ingest._parallel import die_with_parent
from zicht.ingest._prepare import QUARANTINE_ID_COLUMN
from zicht.ingest._problems import RULES, IngestFileError, RowProblem, rule_message, rule_summary
from zicht.ingest._quarantine import export_flagged, export_quarantine, quarantined_record_types
from zicht.ingest._readers import FORMATS, RawRow, open_source
from zicht.ingest._service import IngestResult, ingest_file, open_checked, quarantine_context

__all__ = [
    "FORMATS",
    "QUARANTINE_ID_COLUMN",
    "RULES",
    "Converter",
    "CsvBlock",
    "CsvPlan",
    "IngestFileError",
    "IngestResult",
    "ManifestEntry",
    "Mapping",
    "MappingError",
    "RawRow",
    "RowProblem",
    "ValidRecord",
    "csv_blocks",
    "default_mapping",
    "die_with_parent",
    "export_flagged",
    "export_quarantine",
    "ingest_file",
    "load_mapping",
    "load_settings_file",
    "open_checked",
    "open_source",
    "quarantine_context",
    "quarantined_record_types",
    "read_csv_block",
    "read_manifest",
    "rule_message",
    "rule_summary",
]
