"""Jobs started from the web app: a link run and the yearly report, in the background.

Each job calls the service its command calls (`zicht link` → `linkage.run_linkage`, or
`pprl.run_encoded_linkage` when the store holds encodings; `zicht report` →
`monitor.build_report`) in a thread of the worker process that took the request. Its
state lives in the store (`store.web_jobs`), so every worker shows its progress, and one
job of a kind runs at a time. A failure is kept with the job, as a message that names
no personal data (the services' errors never do), and shown on its page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zicht.access import AuditEvent, audited_transaction
from zicht.config import Settings
from zicht.i18n import N_
from zicht.privacy import Cipher
from zicht.store.web_jobs import finish_job, job_beat, job_step, start_job_in

__all__ = ["JOB_KINDS", "start_link_job", "start_report_job"]

log = logging.getLogger(__name__)

# kind -> the action that may start it
JOB_KINDS = {"link": "run_linkage", "report": "build_report"}

Step = Callable[[str], None]
Record = Callable[[int], AuditEvent]
"""The audit entry of a started job, given its id."""


def _failure(exc: BaseException) -> dict[str, Any]:
    """How a job failed, for `finish_job`: the English text as `error`, and in the result
    the catalogue's message with its values, so that the page translates it when shown."""
    from zicht.linkage import EngineError, LinkageError
    from zicht.monitor import ReportError
    from zicht.pprl import SecretError

    if isinstance(exc, LinkageError | EngineError | ReportError | SecretError):
        message = str(getattr(exc, "message", str(exc)))
        values = getattr(exc, "values", None) or {}
        filled = {
            name: value if isinstance(value, int | float | str) else str(value)
            for name, value in values.items()
        }
        return {
            "error": str(exc),
            "result": {"error_message": message, "error_values": filled},
        }
    # Anything else is a fault of ours: its text may hold values, its type does not.
    return {"error": f"unexpected error ({type(exc).__name__})"}


# Seconds between a running job's beats (store.web_jobs.STALE_AFTER is far longer).
BEAT = 30.0


def _beat(engine: Engine, job_id: int, stop: threading.Event) -> None:
    while not stop.wait(BEAT):
        try:
            job_beat(engine, job_id)
        except Exception:  # a missed beat is no failure of the job
            log.warning("job %s: beat not recorded", job_id)


def _start(
    engine: Engine, kind: str, started_by: str, parameters: dict[str, Any], record: Record
) -> int | None:
    """A new job of `kind` and its audit entry, in one transaction; None if one runs."""
    with audited_transaction(engine) as transaction:
        job_id = start_job_in(transaction.connection, kind, started_by, parameters)
        if job_id is not None:
            transaction.log(record(job_id))
    return job_id


def _background(engine: Engine, job_id: int, work: Callable[[Step], dict[str, Any]]) -> None:
    def step(name: str) -> None:
        job_step(engine, job_id, name)

    def run() -> None:
        stop = threading.Event()
        beating = threading.Thread(target=_beat, args=(engine, job_id, stop), daemon=True)
        beating.start()
        try:
            result = work(step)
        except Exception as exc:  # the job's page shows it; the server goes on
            log.warning("job %s failed: %s", job_id, type(exc).__name__)
            outcome: dict[str, Any] = _failure(exc)
        else:
            outcome = {"result": result}
        finally:
            stop.set()
            beating.join()
        finish_job(engine, job_id, **outcome)

    threading.Thread(target=run, name=f"zicht-job-{job_id}", daemon=True).start()


def start_link_job(
    engine: Engine,
    cipher: Cipher,
    settings: Settings,
    started_by: str,
    incremental: bool,
    record: Record,
) -> int | None:
    """Start a link run as `zicht link [--incremental]` does; None if one is running.

    `record` gives the job's `job_started` audit entry, committed with the job."""
    job_id = _start(engine, "link", started_by, {"incremental": incremental}, record)
    if job_id is None:
        return None

    def work(step: Step) -> dict[str, Any]:
        from zicht.linkage import LinkageError, run_linkage
        from zicht.pprl import has_encodings

        options: dict[str, Any] = {
            "spark_master": settings.spark_master,
            "spark_driver_memory": settings.spark_driver_memory,
            "progress": step,
        }
        if has_encodings(engine):
            from zicht.pprl import read_secret, run_encoded_linkage

            if incremental:
                raise LinkageError(N_("a run on encodings is always full: start it as a full run"))
            if settings.pprl_secret_file is None:
                raise LinkageError(
                    N_("linking on encodings needs the linkage secret: set ZICHT_PPRL_SECRET_FILE")
                )
            summary = run_encoded_linkage(
                engine, cipher, read_secret(settings.pprl_secret_file), **options
            )
        else:
            summary = run_linkage(engine, cipher, incremental=incremental, **options)
        return {
            "run_id": summary.run_id,
            "registrations": summary.registrations,
            "persons": summary.persons,
            "persons_new": summary.persons_new,
            "suspicious": len(summary.suspicious),
        }

    _background(engine, job_id, work)
    return job_id


def start_report_job(
    engine: Engine, report_dir: Path, started_by: str, year: int, lang: str, record: Record
) -> int | None:
    """Write the monitor of `year` as `zicht report` does, into the reports folder the web
    app serves; None if a report is being written.

    `record` gives the job's `job_started` audit entry, committed with the job."""
    job_id = _start(engine, "report", started_by, {"year": year, "lang": lang}, record)
    if job_id is None:
        return None

    def work(step: Step) -> dict[str, Any]:
        from zicht.monitor import build_report

        step("write")
        summary = build_report(engine, year=year, out=report_dir, lang=lang)
        return {
            "files": [
                path.relative_to(report_dir).as_posix()
                for path in (summary.html, summary.pdf, summary.xlsx)
            ]
        }

    _background(engine, job_id, work)
    return job_id
