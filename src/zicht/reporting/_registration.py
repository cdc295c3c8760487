"""A report becomes a registration: through the data standard's own ingest, only with
the reporter's consent, which is recorded with the report."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zicht.access import AuditEvent, Principal, log_action
from zicht.privacy import Cipher
from zicht.reporting._policy import ReportingError
from zicht.reporting._triage import _report
from zicht.store import reporting as store
from zicht.store.models import utcnow

__all__ = ["RegistrationFacts", "register_report"]


@dataclass(frozen=True)
class RegistrationFacts:
    """What the coordinator records of the possible victim, in the standard's codes."""

    forms: tuple[str, ...]
    gender: str = "unknown"
    age: int | None = None
    nationality: str | None = None
    consent: bool = False


def _check(facts: RegistrationFacts) -> None:
    # The standard's vocabularies, checked before anything is written: a row the
    # ingest refused would otherwise leave a delivery and a quarantine entry behind.
    from zicht.standard import COUNTRIES, FORMS, GENDERS

    if not facts.forms or any(form not in FORMS for form in facts.forms):
        raise ReportingError("forms")
    if facts.gender not in GENDERS:
        raise ReportingError("gender")
    if facts.nationality is not None and facts.nationality not in COUNTRIES:
        raise ReportingError("nationality")
    if facts.age is not None and not 0 <= facts.age <= 120:
        raise ReportingError("age")


def register_report(
    engine: Engine, cipher: Cipher, principal: Principal, report_id: int, facts: RegistrationFacts
) -> int:
    """Register the possible victim of a report as a victim registration of the
    handling organisation (one row through `zicht.ingest`, every rule of the standard
    applies); the ingest batch id.

    ReportingError `consent` without the reporter's consent; `registration` when the
    standard refuses the row (nothing is stored then).
    """
    from zicht.ingest import ingest_file

    if not facts.consent:
        raise ReportingError("consent")
    _check(facts)
    with Session(engine) as session:
        row = _report(session, principal, report_id)
        organisation, created = row.organisation, row.created_at
    record = {
        "source_record_id": f"meld-{report_id}",
        "registration_date": created.date().isoformat(),
        "forms": ";".join(facts.forms),
        "gender": facts.gender,
        "age": facts.age,
        "nationality": facts.nationality,
        "victim_status": "possible",
    }
    with tempfile.TemporaryDirectory(prefix="zicht-meld-") as folder:
        path = Path(folder) / f"meld-{report_id}.jsonl"
        path.write_text(json.dumps({k: v for k, v in record.items() if v is not None}) + "\n")
        result = ingest_file(path, source=organisation, engine=engine, cipher=cipher)
    if result.stored != 1:
        raise ReportingError("registration")
    with Session(engine) as session, session.begin():
        store.update_report(
            session,
            report_id,
            status="registered",
            outcome="registered",
            consent_at=utcnow(),
            registration_id=result.batch_id,
        )
    log_action(
        engine,
        AuditEvent(
            actor=principal.actor,
            action="register_report",
            actor_kind=principal.kind,
            actor_organisation=principal.organisation,
            object_type="report",
            object_ids=[report_id],
            details={"ingest_batch": result.batch_id, "consent": True},
        ),
    )
    return result.batch_id
