"""Cached figures follow the data: a new ingest or link run shows at once, in every process.

Each app below has its own cache, as each server process does; the ingest goes straight
to the store, as `zicht ingest` in another process would, so no cache is told about it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.web.conftest import WebWorld, fake_link_run
from zicht.config import Settings
from zicht.ingest import ingest_file
from zicht.store.audit import AuditEntryRow
from zicht.store.web_counts import data_version
from zicht.web.app import create_app
from zicht.web.queries import LIST_IDENTITY

NEW_ROWS = 7


def _ingest_more(world: WebWorld, folder: Path, prefix: str = "extra") -> None:
    path = folder / f"{prefix}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_record_id", "registration_date", "forms", "gender", "age"])
        for i in range(NEW_ROWS):
            writer.writerow([f"{prefix}-{i}", f"2005-03-1{i}", "labour", "female", 30 + i])
    result = ingest_file(path, source="comensha", engine=world.engine, cipher=world.cipher)
    assert result.stored == NEW_ROWS


def _second_process(world: WebWorld) -> WebWorld:
    app = create_app(
        Settings(database_url=str(world.engine.url)),
        engine=world.engine,
        cipher=world.cipher,
        report_dir=world.report_dir,
    )
    return WebWorld(world.engine, world.cipher, app, world.report_dir, world.linked_person)


def _headline(html: str) -> str:
    found = re.search(r"<dt>Victim registrations</dt><dd>([\d,x]+)</dd>", html)
    assert found, "no victim registrations figure"
    return found.group(1)


def _caption_total(html: str) -> int:
    found = re.search(r"<caption>(\d+)", html)
    assert found, "no caption"
    return int(found.group(1))


def test_the_dashboard_shows_new_data_in_every_process(world: WebWorld, tmp_path: Path) -> None:
    # The examples' counts are below k = 10 (published as x): the years show the change.
    other = _second_process(world)
    first, second = world.client("coordinator"), other.client("coordinator")
    before = first.get("/api/dashboard").json()["victim_registrations_by_year"]
    assert set(before) == {"2023"}
    page_before = first.get("/dashboard?lang=en").text
    assert "2005" not in page_before
    assert _headline(second.get("/dashboard?lang=en").text) == _headline(page_before)
    assert second.get("/api/dashboard").json()["victim_registrations_by_year"] == before
    first.get("/dashboard?lang=nl")  # both languages cached
    _ingest_more(world, tmp_path)
    for client in (first, second):
        assert set(client.get("/api/dashboard").json()["victim_registrations_by_year"]) == {
            "2005",
            "2023",
        }
        assert "2005" in client.get("/dashboard?lang=en").text
        assert "2005" in client.get("/dashboard?lang=nl").text  # the year chart too


STALE = "The linkage is older than the latest delivery."


def test_the_dashboards_out_of_date_notice_follows_deliveries_and_runs(
    world: WebWorld, tmp_path: Path
) -> None:
    # The notice is cached with the data version: a delivery after the latest run shows
    # it at once, in every process, and the next run takes it away again.
    other = _second_process(world)
    first, second = world.client("coordinator"), other.client("coordinator")
    for client in (first, second):
        assert STALE not in client.get("/dashboard?lang=en").text
        assert STALE not in client.get("/dashboard?lang=en").text  # from the cache
    _ingest_more(world, tmp_path)
    for client in (first, second):
        assert STALE in client.get("/dashboard?lang=en").text
    fake_link_run(world.engine)
    for client in (first, second):
        assert STALE not in client.get("/dashboard?lang=en").text


def test_the_registrations_total_and_years_follow_new_data(world: WebWorld, tmp_path: Path) -> None:
    other = _second_process(world)
    first, second = world.client("coordinator"), other.client("coordinator")
    page = first.get("/registrations?lang=en").text
    total = _caption_total(page)
    assert 'value="2005"' not in page
    assert _caption_total(second.get("/registrations?lang=en").text) == total
    filtered = _caption_total(first.get("/registrations?lang=en&organisation=comensha").text)
    _ingest_more(world, tmp_path)
    for client in (first, second):
        page = client.get("/registrations?lang=en").text
        assert _caption_total(page) == total + NEW_ROWS
        assert 'value="2005"' in page
        shown = client.get("/registrations?lang=en&organisation=comensha").text
        assert _caption_total(shown) == filtered + NEW_ROWS


def test_the_data_version_moves_with_ingests_and_link_runs_only(
    world: WebWorld, tmp_path: Path
) -> None:
    engine: Engine = world.engine
    start = data_version(engine)
    client = world.client("coordinator")
    client.post(
        "/registrations", data={"purpose": "checking a case", "csrf_token": world.csrf(client)}
    )
    client.get("/dashboard")
    assert data_version(engine) == start  # reading and auditing change no figures
    _ingest_more(world, tmp_path)
    after_ingest = data_version(engine)
    assert after_ingest != start
    fake_link_run(engine)
    assert data_version(engine) != after_ingest


def test_every_list_view_is_audited_although_counts_are_cached(world: WebWorld) -> None:
    client = world.client("coordinator")
    views = 5
    for _ in range(views):
        assert client.get("/registrations").status_code == 200
    for _ in range(views):
        shown = client.post(
            "/registrations", data={"purpose": "checking a case", "csrf_token": world.csrf(client)}
        )
        assert shown.status_code == 200
    table = AuditEntryRow.__table__
    with world.engine.connect() as connection:
        for action in ("list_registrations", "view_identity"):
            logged = connection.execute(
                select(func.count()).select_from(table).where(table.c.action == action)
            ).scalar_one()
            assert logged == views, action


def test_identity_values_are_not_kept_in_the_cell_cache(
    world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zicht.web import registrations_view

    cached_names: list[str] = []
    original = registrations_view._analytic_cell

    def recording(lang: str, name: str, value: object) -> str:
        cached_names.append(name)
        return original(lang, name, value)

    monkeypatch.setattr(registrations_view, "_analytic_cell", recording)
    client = world.client("coordinator")
    page = client.post(
        "/registrations", data={"purpose": "checking a case", "csrf_token": world.csrf(client)}
    )
    assert "Popescu" in page.text
    assert cached_names and not set(cached_names) & set(LIST_IDENTITY["victim_registration"])


def test_the_remembered_filter_form_shows_each_request_its_own_choices(world: WebWorld) -> None:
    client = world.client("coordinator")
    for _ in range(2):
        for form in ("labour", "criminal"):
            page = client.get(f"/registrations?lang=en&form={form}").text
            assert f'<option value="{form}" selected' in page
            other = "criminal" if form == "labour" else "labour"
            assert f'<option value="{other}" selected' not in page
    typed = client.post(
        "/registrations", data={"purpose": "a typed reason", "csrf_token": world.csrf(client)}
    ).text
    assert "a typed reason" in typed
    assert "a typed reason" not in client.get("/registrations").text
    steward = world.client("data_steward").get("/registrations").text
    assert 'name="organisation"' not in steward  # own organisation only: no choice
