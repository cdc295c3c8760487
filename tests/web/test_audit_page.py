"""The auditor's page: labels in their language, a forgiving actor search, an export,
long record lists shortened, and a chain check that counts what is listed."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from tests.web.conftest import WebWorld
from zicht.access import AuditEvent, log_action
from zicht.store.audit import AuditEntryRow


def _actions(world: WebWorld) -> list[str]:
    with world.engine.connect() as connection:
        return list(connection.execute(select(AuditEntryRow.action)).scalars())


def test_actions_read_as_labels_in_the_auditor_s_language(world: WebWorld) -> None:
    log_action(world.engine, AuditEvent(actor="data_steward", action="login_failed"))
    html = world.client("auditor").get("/audit?lang=nl").text
    assert "Mislukte aanmelding" in html  # written by hand, not read from the catalogue
    assert ">login_failed<" not in html
    assert "Failed login" in world.client("auditor").get("/audit?lang=en").text


def test_the_actor_search_takes_part_of_a_name_in_any_case(world: WebWorld) -> None:
    log_action(world.engine, AuditEvent(actor="Data_Steward", action="view_registration"))
    log_action(world.engine, AuditEvent(actor="coordinator", action="view_registration"))
    html = world.client("auditor").get("/audit?lang=en&actor=STEW&action=view_registration").text
    actors = re.findall(r"<td[^>]*>(Data_Steward|coordinator)</td>", html)
    assert actors == ["Data_Steward"]
    # "_" is a letter here, not a wildcard: "a_s" finds Data_Steward, not DataXSteward
    log_action(world.engine, AuditEvent(actor="DataXSteward", action="view_registration"))
    html = world.client("auditor").get("/audit?lang=en&actor=a_s&action=view_registration").text
    assert re.findall(r"<td[^>]*>(Data_Steward|DataXSteward)</td>", html) == ["Data_Steward"]


def test_the_export_holds_every_matching_entry_and_is_itself_audited(world: WebWorld) -> None:
    for n in range(3):
        log_action(world.engine, AuditEvent(actor=f"exporter{n}", action="view_person"))
    response = world.client("auditor").get("/audit/export.csv?action=view_person&lang=nl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["actor"] for r in rows) == ["exporter0", "exporter1", "exporter2"]
    assert {r["action_label"] for r in rows} == {"Persoon ingezien"}
    assert "export_audit" in _actions(world)


def test_a_long_list_of_records_is_shortened_on_the_page(world: WebWorld) -> None:
    ids = list(range(1, 51))
    log_action(
        world.engine,
        AuditEvent(actor="lister", action="list_registrations", object_type="x", object_ids=ids),
    )
    html = world.client("auditor").get("/audit?actor=lister&lang=en").text
    assert "1, 2, 3, 4, 5</span> and 45 more" in html
    assert "6, 7" not in html


def test_the_chain_check_counts_every_entry_listed(world: WebWorld) -> None:
    auditor = world.client("auditor")
    for _ in range(3):
        html = auditor.get("/audit?lang=en").text
        checked = re.search(r"intact \(([\d,]+) entries checked\)", html)
        listed = re.search(r"<caption>([\d,]+) entries, newest first", html)
        assert checked is not None and listed is not None
        assert checked.group(1) == listed.group(1)
        assert int(listed.group(1).replace(",", "")) == len(_actions(world))
