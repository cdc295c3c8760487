"""Linking and the report started from the web as background jobs: progress on a page,
one job of a kind at a time, failures shown, the same services as the commands."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from tests.web.conftest import WebWorld
from zicht.access import AuditEvent
from zicht.store.audit import AuditEntryRow
from zicht.store.linkage import LinkRunRow
from zicht.store.locks import exclusive_job
from zicht.store.web_jobs import WebJobRow, read_job, start_job


def _wait(engine: Engine, job_id: int, seconds: float = 240) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = read_job(engine, job_id)
        assert job is not None
        if job.status != "running":
            return job.status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still running after {seconds} s")


def _start(world: WebWorld, path: str, **form: str) -> tuple[int, int]:
    client = world.client("coordinator")
    response = client.post(
        path, data={"csrf_token": world.csrf(client), **form}, follow_redirects=False
    )
    if response.status_code != 303:
        return response.status_code, 0
    return 303, int(response.headers["location"].rsplit("/", 1)[1])


def _link_runs(world: WebWorld) -> int:
    with world.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(LinkRunRow)).scalar_one())


def test_a_link_run_started_from_the_web_is_a_stored_run(sqlite_world: WebWorld) -> None:
    world = sqlite_world
    before = _link_runs(world)
    status, job_id = _start(world, "/jobs/link", mode="full")
    assert status == 303
    running = world.client("coordinator").get(f"/jobs/{job_id}?lang=en").text
    assert "Link run: job" in running
    assert _wait(world.engine, job_id) == "done"
    job = read_job(world.engine, job_id)
    assert job is not None and job.result is not None
    assert _link_runs(world) == before + 1
    with world.engine.connect() as connection:
        latest = connection.execute(select(func.max(LinkRunRow.id))).scalar_one()
    assert job.result["run_id"] == latest
    page = world.client("coordinator").get(f"/jobs/{job_id}?lang=en").text
    assert "finished" in page and f"<dd>{latest}</dd>" in page
    with world.engine.connect() as connection:
        entries = connection.execute(
            select(AuditEntryRow.actor).where(AuditEntryRow.action == "job_started")
        ).all()
    assert [e.actor for e in entries] == ["coordinator"]


def test_a_report_started_from_the_web_lands_among_the_reports(sqlite_world: WebWorld) -> None:
    world = sqlite_world
    status, job_id = _start(world, "/jobs/report", year="2023", lang="en")
    assert status == 303
    assert _wait(world.engine, job_id) == "done"
    listing = world.client("coordinator").get("/reports").text
    for suffix in ("html", "pdf", "xlsx"):
        assert (world.report_dir / f"monitor-2023-en.{suffix}").is_file()
        assert f"monitor-2023-en.{suffix}" in listing


def test_one_job_of_a_kind_at_a_time(world: WebWorld) -> None:
    assert start_job(world.engine, "link", "someone", {}) is not None  # one is running
    status, _ = _start(world, "/jobs/link", mode="full")
    assert status == 409
    page = world.client("coordinator").get("/jobs?lang=en").text
    assert "A link run is running now." in page
    client = world.client("coordinator")
    refused = client.post(
        "/jobs/link?lang=en", data={"csrf_token": world.csrf(client), "mode": "full"}
    ).text
    assert "A link run is already running; it must finish before another can start." in refused


def test_a_failed_job_says_why(sqlite_world: WebWorld) -> None:
    world = sqlite_world
    # Another process holds the database's link lock: the service refuses, as on the CLI.
    with exclusive_job(world.engine, "link"):
        status, job_id = _start(world, "/jobs/link", mode="full")
        assert status == 303
        assert _wait(world.engine, job_id) == "failed"
    html = world.client("coordinator").get(f"/jobs/{job_id}?lang=en").text
    assert "stopped with an error" in html
    assert "another link run is in progress on this database" in html
    dutch = world.client("coordinator").get(f"/jobs/{job_id}?lang=nl").text
    assert "gestopt met een fout" in dutch
    assert "er loopt al een andere koppelrun op deze database" in dutch


@pytest.mark.parametrize("form", [{"year": "1999", "lang": "en"}, {"year": "2023", "lang": "xx"}])
def test_a_report_needs_a_year_and_a_language(world: WebWorld, form: dict[str, str]) -> None:
    status, _ = _start(world, "/jobs/report", **form)
    assert status == 400


def test_only_the_roles_allowed_start_jobs(world: WebWorld) -> None:
    for role in ("analyst", "data_steward", "auditor"):
        client = world.client(role)
        for path in ("/jobs/link", "/jobs/report"):
            response = client.post(
                path, data={"csrf_token": world.csrf(client), "year": "2023", "lang": "nl"}
            )
            assert response.status_code == 403
        assert client.get("/jobs").status_code == 403


def test_a_job_and_its_audit_entry_commit_together(
    world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The job_started entry cannot be written: then no job may have been started either
    # (before, the job committed first and ran without its entry).
    from zicht.access import _audit, _audit_transaction

    original = _audit.build_values

    def failing(event: AuditEvent, seq: int, previous: str) -> dict[str, Any]:
        if event.action == "job_started":
            raise RuntimeError("audit trail not writable")
        return original(event, seq, previous)

    original_fields = _audit.entry_fields

    def failing_fields(event: AuditEvent, at: Any = None) -> dict[str, Any]:
        if event.action == "job_started":  # PostgreSQL: the entry waits in audit_pending
            raise RuntimeError("audit trail not writable")
        return original_fields(event, at)

    monkeypatch.setattr(_audit, "build_values", failing)
    monkeypatch.setattr(_audit_transaction, "build_values", failing)
    monkeypatch.setattr(_audit_transaction, "entry_fields", failing_fields)
    client = world.client("coordinator")
    csrf = world.csrf(client)
    refused = client.post(
        "/jobs/report",
        data={"csrf_token": csrf, "year": "2023", "lang": "en"},
        follow_redirects=False,
    )
    assert refused.status_code == 500
    with world.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(WebJobRow)).scalar_one() == 0
        entries = select(func.count()).where(AuditEntryRow.action == "job_started")
        assert connection.execute(entries).scalar_one() == 0
    monkeypatch.undo()
    status, job_id = _start(world, "/jobs/report", year="2023", lang="en")
    assert status == 303
    with world.engine.connect() as connection:
        entry = connection.execute(
            select(AuditEntryRow.object_ids, AuditEntryRow.actor).where(
                AuditEntryRow.action == "job_started"
            )
        ).one()
    assert entry.actor == "coordinator" and entry.object_ids == str(job_id)
    _wait(world.engine, job_id)


def test_a_failed_report_says_why_in_the_readers_language(sqlite_world: WebWorld) -> None:
    # The report's message has values (the year, the years of the data): kept as the
    # catalogue's message and its values, it is translated when the page is shown.
    world = sqlite_world
    status, job_id = _start(world, "/jobs/report", year="2099", lang="en")
    assert status == 303
    assert _wait(world.engine, job_id) == "failed"
    english = world.client("coordinator").get(f"/jobs/{job_id}?lang=en").text
    assert "no registrations or suspects in 2099" in english
    dutch = world.client("coordinator").get(f"/jobs/{job_id}?lang=nl").text
    assert "geen registraties of verdachten in 2099" in dutch
    assert "no registrations or suspects" not in dutch
