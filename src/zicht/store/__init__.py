"""The application database: models, engine, migrations and repositories.

The only package that talks SQL to the application database.
"""

from zicht.store.database import make_engine, read_rows, reader_engine
from zicht.store.migrate import current_revision, head_revision, upgrade
from zicht.store.models import (
    RECORD_TABLES,
    Base,
    IngestBatch,
    QuarantineRow,
    ReportRow,
    SuspectRegistrationRow,
    VictimRegistrationRow,
)
from zicht.store.reading import (
    StoredQuarantine,
    identity_context,
    read_flagged,
    read_quarantine,
    read_records,
)

__all__ = [
    "RECORD_TABLES",
    "Base",
    "IngestBatch",
    "QuarantineRow",
    "ReportRow",
    "StoredQuarantine",
    "SuspectRegistrationRow",
    "VictimRegistrationRow",
    "current_revision",
    "head_revision",
    "identity_context",
    "make_engine",
    "read_flagged",
    "read_quarantine",
    "read_records",
    "read_rows",
    "reader_engine",
    "upgrade",
]
