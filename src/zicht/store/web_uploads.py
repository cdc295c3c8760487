"""Deliveries as the web app shows them: an ingest batch with its quarantined rows, uploads.

A batch (`IngestBatch`) is one delivered file; corrections of its quarantined rows are
added to it (`zicht.ingest.ingest_file(into_batch=...)`), so it keeps every row it had.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, insert, select

from zicht.store.accounts import UploadRow
from zicht.store.models import IngestBatch, QuarantineRow

__all__ = [
    "Batch",
    "BatchProblem",
    "Delivery",
    "deliveries",
    "get_batch",
    "latest_delivery_at",
    "recent_deliveries",
    "record_upload",
    "upload_mapping",
]


@dataclass(frozen=True)
class BatchProblem:
    """A quarantined row of a batch: where, which rules (no values), open or resolved."""

    id: int
    row_number: int
    errors: list[dict[str, Any]]
    status: str


@dataclass(frozen=True)
class Batch:
    """One delivered file and what became of its rows."""

    id: int
    source: str
    record_type: str
    file_name: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    rows_read: int
    rows_new: int
    rows_updated: int
    rows_unchanged: int
    rows_quarantined: int
    rows_resolved: int
    problems: list[BatchProblem] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """Rows in the store (new, updated or unchanged)."""
        return self.rows_new + self.rows_updated + self.rows_unchanged

    @property
    def waiting_elsewhere(self) -> int:
        """Quarantined rows of this file already waiting as entries of an earlier delivery.

        The same bad row is kept once; a file delivered again with it gets no new entry.
        Entries this batch made count whether open or resolved since (a correction added
        to the batch lowers its quarantined rows as it resolves one).
        """
        return max(0, self.rows_quarantined - len(self.problems))


@dataclass(frozen=True)
class Delivery:
    """A file delivered by an organisation: its batch, how it came, its counts and status."""

    batch_id: int
    file_name: str
    record_type: str
    uploaded_by: str | None
    """Who uploaded it through the web app; None for a file ingested on the command line."""
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows_read: int
    rows_new: int
    rows_updated: int
    rows_quarantined: int
    rows_still_open: int
    """Of its quarantined rows, those not yet corrected."""
    organisation: str = ""
    """The organisation (source) that delivered it."""

    @property
    def status(self) -> str:
        """ "running" (not finished), "open" (rows wait in quarantine) or "done"."""
        if self.finished_at is None:
            return "running"
        return "open" if self.rows_still_open else "done"


def get_batch(engine: Engine, batch_id: int) -> Batch | None:
    """A batch with the quarantine entries it made (errors only), or None."""
    table = IngestBatch.__table__
    quarantine = QuarantineRow.__table__
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == batch_id)).first()
        if row is None:
            return None
        problems = connection.execute(
            select(
                quarantine.c.id,
                quarantine.c.row_number,
                quarantine.c.errors,
                quarantine.c.status,
            )
            .where(quarantine.c.batch_id == batch_id)
            .order_by(quarantine.c.row_number, quarantine.c.id)
        ).all()
    values = row._mapping
    return Batch(
        id=values["id"],
        source=values["source"],
        record_type=values["record_type"],
        file_name=values["file_name"],
        started_at=values["started_at"],
        finished_at=values["finished_at"],
        rows_read=values["rows_read"],
        rows_new=values["rows_new"],
        rows_updated=values["rows_updated"],
        rows_unchanged=values["rows_unchanged"],
        rows_quarantined=values["rows_quarantined"],
        rows_resolved=values["rows_resolved"],
        problems=[BatchProblem(p.id, p.row_number, list(p.errors), p.status) for p in problems],
    )


def record_upload(
    engine: Engine, batch_id: int, organisation: str, uploaded_by: str, mapping_yaml: str
) -> None:
    """Remember which mapping an upload used (for fix-and-resubmit)."""
    with engine.begin() as connection:
        connection.execute(
            insert(UploadRow),
            [
                {
                    "batch_id": batch_id,
                    "organisation": organisation,
                    "uploaded_by": uploaded_by,
                    "mapping": mapping_yaml,
                }
            ],
        )


def upload_mapping(engine: Engine, batch_id: int) -> str | None:
    """The mapping YAML an upload used, or None for files ingested outside the web app."""
    with engine.connect() as connection:
        value: str | None = connection.execute(
            select(UploadRow.mapping).where(UploadRow.batch_id == batch_id)
        ).scalar_one_or_none()
    return value


def recent_deliveries(engine: Engine, organisation: str, limit: int = 20) -> list[Delivery]:
    """The latest deliveries of an organisation, newest first: uploads through the web app
    and files ingested on the command line alike, with their counts and open rows."""
    return deliveries(engine, organisation=organisation, limit=limit)


def deliveries(
    engine: Engine,
    *,
    organisation: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    limit: int | None = None,
) -> list[Delivery]:
    """Deliveries newest first, of one organisation or all, started in [start, end).

    The one query behind the steward's delivery list and the coordinator's calendar.
    """
    quarantine = QuarantineRow.__table__
    still_open = (
        select(func.count())
        .where(quarantine.c.batch_id == IngestBatch.id, quarantine.c.status == "open")
        .correlate(IngestBatch)
        .scalar_subquery()
    )
    statement = (
        select(
            IngestBatch.id,
            IngestBatch.file_name,
            IngestBatch.record_type,
            UploadRow.uploaded_by,
            IngestBatch.started_at,
            IngestBatch.finished_at,
            IngestBatch.rows_read,
            IngestBatch.rows_new,
            IngestBatch.rows_updated,
            IngestBatch.rows_quarantined,
            still_open,
            IngestBatch.source,
        )
        .outerjoin(UploadRow, UploadRow.batch_id == IngestBatch.id)
        .order_by(IngestBatch.id.desc())
    )
    if organisation is not None:
        statement = statement.where(IngestBatch.source == organisation)
    if start is not None:
        statement = statement.where(IngestBatch.started_at >= start)
    if end is not None:
        statement = statement.where(IngestBatch.started_at < end)
    if limit is not None:
        statement = statement.limit(limit)
    with engine.connect() as connection:
        return [Delivery(*row) for row in connection.execute(statement)]


def latest_delivery_at(engine: Engine) -> dt.datetime | None:
    """When the latest delivery of victim registrations (of any organisation, plain or
    encoded: what a link run reads) finished, or None. Ads, licences, reports and
    suspects do not make the linked figures lag."""
    with engine.connect() as connection:
        value: dt.datetime | None = connection.execute(
            select(func.max(IngestBatch.finished_at)).where(
                IngestBatch.record_type == "victim_registration"
            )
        ).scalar_one()
    return value
