"""Row-level scope of every page and API operation, generated from the route table (issue 23).

Every GET route whose action some role holds with the "own" scope (the record actions of
a data steward) is fetched as the police steward and as a token of each organisation
with data, and its content, not only its status, is checked: no record id (the source's
own kenmerk), file name or JSON "source" of another organisation appears; the quarantine
API's rows are also counted exactly (counts shown on HTML pages are not compared). A new
such route without a concrete path below fails `test_every_own_scoped_route_has_a_case`,
so it is covered by default.
Routes of "all"-scoped actions only (the national dashboard, estimates, reports) show
every organisation by design and are listed as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import Engine, select

from tests.web.conftest import WebWorld, build_world
from zicht.access import ROLE_PERMISSIONS, TOKEN_ACTIONS
from zicht.privacy import Cipher, generate_key
from zicht.store import RECORD_TABLES, IngestBatch, QuarantineRow, make_engine, upgrade
from zicht.web.app import all_routes, route_action

ORGANISATIONS = ("police", "fairwork")  # the two organisations of the web world's data
STEWARD_ORGANISATION = "police"  # conftest: the data_steward user belongs to the police

# route path -> concrete path; {batch}, {entry}, {registration} are the caller's own.
OWN_SCOPED: dict[str, str] = {
    "/upload": "/upload",
    "/uploads/{batch_id}": "/uploads/{batch}",
    "/quarantine": "/quarantine",
    "/quarantine/export.csv": "/quarantine/export.csv",
    "/quarantine/{entry_id}": "/quarantine/{entry}",
    "/registrations": "/registrations",
    "/registrations/export.csv": "/registrations/export.csv",
    "/registrations/{record_type}/{record_id}": "/registrations/victim_registration/{registration}",
    "/api/uploads/{batch_id}": "/api/uploads/{batch}",
    "/api/quarantine": "/api/quarantine",
    "/api/registrations": "/api/registrations",
    "/api/registrations/{record_type}/{record_id}": (
        "/api/registrations/victim_registration/{registration}"
    ),
}
# Asking for another organisation's rows must not widen the scope either.
ASKING_FOR = ("", "?organisation={other}", "?source={other}")

# Routes whose "own" is not a partner organisation's rows but a platform's, a shelter's,
# a municipality's or a handling organisation's: their row-level scope is tested with
# the data of their area, by the test named here (checked to exist below).
SCOPED_ELSEWHERE: dict[str, str] = {
    "/ads": "tests/web/test_ads_pages.py::test_a_moderator_sees_only_their_platform",
    "/ads/activity": "tests/web/test_ads_pages.py::test_a_moderator_sees_only_their_platform",
    "/ads/{platform}/{ad_id}": (
        "tests/web/test_ads_pages.py::test_a_moderator_sees_only_their_platform"
    ),
    "/operators": "tests/web/test_ads_pages.py::test_a_moderator_sees_only_their_platform",
    "/operators/{cluster}": "tests/web/test_ads_pages.py::test_operators_and_their_audited_export",
    "/operators/{cluster}/export.csv": (
        "tests/web/test_ads_pages.py::test_operators_and_their_audited_export"
    ),
    "/licences/import": (
        "tests/web/test_ads_pages.py::test_a_municipality_imports_its_licences_on_a_page"
    ),
    "/notices": (
        "tests/platforms/notices/test_workflow.py::test_the_public_and_other_platforms_see_no_queue"
    ),
    "/notices/{notice_id}": (
        "tests/platforms/notices/test_workflow.py::test_the_public_and_other_platforms_see_no_queue"
    ),
    "/decisions/{decision_id}": (
        "tests/platforms/notices/test_people_decide.py"
        "::test_a_decision_is_read_by_its_own_platform_only"
    ),
    "/programme/assessment": (
        "tests/web/test_programme_pages.py::test_answers_are_private_until_published"
    ),
    "/shelter/places/{code}/address": (
        "tests/shelter/test_reserve.py::test_addresses_only_for_coordinators_and_own_staff"
    ),
    "/shelter/requests/{request_id}": (
        "tests/shelter/test_reserve.py::test_requests_are_checked_and_scoped"
    ),
    "/triage": (
        "tests/reporting/test_channel.py"
        "::test_a_report_goes_to_its_coordinator_and_only_its_key_reads_it"
    ),
    "/triage/{report_id}": (
        "tests/reporting/test_channel.py"
        "::test_a_report_goes_to_its_coordinator_and_only_its_key_reads_it"
    ),
}
# What a partner system's token may hold (a municipality's licence import is not one).
PARTNER_TOKEN_ACTIONS = [a for a in TOKEN_ACTIONS if a not in ("import_licences", "import_ads")]


def _own_scoped_actions() -> set[str]:
    """Actions some role holds only for its own organisation: those about records.

    A token holds every action "own", but the aggregate ones (dashboard figures,
    estimates, reports) are the published national figures, the same for everyone.
    """
    return {a for grants in ROLE_PERMISSIONS.values() for a, s in grants.items() if s == "own"}


def _get_routes(world: WebWorld) -> list[tuple[str, str]]:
    """(path, action) of every GET route of the app."""
    return [
        (route.path, str(route_action(route)))
        for route in all_routes(world.app.routes)  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and "GET" in route.methods
    ]


@pytest.fixture(scope="module")
def scope_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    folder = tmp_path_factory.mktemp("scope")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    yield build_world(engine, Cipher(generate_key()), folder)
    engine.dispose()


def _markers(engine: Engine, organisation: str) -> dict[str, set[str]]:
    """What identifies an organisation's rows, read straight from the tables."""
    markers: dict[str, set[str]] = {"record_id": set(), "file": set()}
    with engine.connect() as connection:
        for table in RECORD_TABLES.values():
            for row in connection.execute(
                select(table.source_record_id).where(table.source == organisation)
            ):
                markers["record_id"].add(str(row.source_record_id))
        for batch in connection.execute(
            select(IngestBatch.id, IngestBatch.file_name).where(IngestBatch.source == organisation)
        ):
            markers["file"].add(str(batch.file_name))
    return markers


def _first(engine: Engine, organisation: str) -> dict[str, int]:
    table = RECORD_TABLES["victim_registration"]
    with engine.connect() as connection:
        return {
            "registration": connection.execute(
                select(table.id).where(table.source == organisation).order_by(table.id).limit(1)
            ).scalar_one(),
            "batch": connection.execute(
                select(IngestBatch.id)
                .where(IngestBatch.source == organisation)
                .order_by(IngestBatch.id)
                .limit(1)
            ).scalar_one(),
            "entry": connection.execute(
                select(QuarantineRow.id)
                .where(QuarantineRow.source == organisation)
                .order_by(QuarantineRow.id)
                .limit(1)
            ).scalar_one(),
        }


def _sources(value: Any) -> set[str]:
    """Every value under a "source" key of a JSON document, however deep."""
    if isinstance(value, dict):
        found = {str(value["source"])} if "source" in value else set()
        for item in value.values():
            found |= _sources(item)
        return found
    if isinstance(value, list):
        return set().union(*(_sources(item) for item in value)) if value else set()
    return set()


def _assert_only_own(world: WebWorld, text: str, json_body: Any, own: str) -> None:
    for other in (o for o in ORGANISATIONS if o != own):
        markers = _markers(world.engine, other)
        for kind, values in markers.items():
            for value in values:
                assert not re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text), (kind, value)
    if json_body is not None:
        assert _sources(json_body) <= {own}


def test_every_own_scoped_route_has_a_case(scope_world: WebWorld) -> None:
    own = _own_scoped_actions()
    scoped = {path for path, action in _get_routes(scope_world) if action in own}
    assert scoped == set(OWN_SCOPED) | set(SCOPED_ELSEWHERE), (
        "add the new route to OWN_SCOPED, or to SCOPED_ELSEWHERE with the test of its scope"
    )


def test_the_tests_named_for_scopes_elsewhere_exist() -> None:
    root = Path(__file__).resolve().parents[2]
    for reference in set(SCOPED_ELSEWHERE.values()):
        file, name = reference.split("::")
        assert f"def {name}(" in (root / file).read_text(encoding="utf-8"), reference


def test_routes_of_all_scoped_actions_only_are_known(scope_world: WebWorld) -> None:
    """A GET route outside OWN_SCOPED holds an action nobody has with the "own" scope."""
    own = _own_scoped_actions()
    for path, action in _get_routes(scope_world):
        if path not in OWN_SCOPED and path not in SCOPED_ELSEWHERE:
            assert action not in own, path


@pytest.mark.parametrize("asking", ASKING_FOR)
@pytest.mark.parametrize("route", sorted(OWN_SCOPED))
def test_the_steward_sees_only_its_own_organisation(
    scope_world: WebWorld, route: str, asking: str
) -> None:
    own = STEWARD_ORGANISATION
    other = next(o for o in ORGANISATIONS if o != own)
    path = OWN_SCOPED[route].format(**_first(scope_world.engine, own))
    response = scope_world.client("data_steward").get(path + asking.format(other=other))
    if response.status_code == 400 and path.startswith("/api/"):
        # The API refuses a parameter it does not know, and shows nothing.
        assert "unknown query parameter" in response.text, path
        return
    assert response.status_code == 200, path
    body = response.json() if path.startswith("/api/") else None
    _assert_only_own(scope_world, response.text, body, own)


@pytest.mark.parametrize("organisation", ORGANISATIONS)
@pytest.mark.parametrize("route", sorted(r for r in OWN_SCOPED if r.startswith("/api/")))
def test_a_token_sees_only_its_own_organisation(
    scope_world: WebWorld, route: str, organisation: str
) -> None:
    path = OWN_SCOPED[route].format(**_first(scope_world.engine, organisation))
    token = scope_world.token(PARTNER_TOKEN_ACTIONS, organisation)
    other = next(o for o in ORGANISATIONS if o != organisation)
    for asking in ASKING_FOR:
        response = scope_world.client().get(
            path + asking.format(other=other), headers={"authorization": f"Bearer {token}"}
        )
        if response.status_code == 400:
            assert "unknown query parameter" in response.text, path
            continue
        assert response.status_code == 200, path
        _assert_only_own(scope_world, response.text, response.json(), organisation)


def test_api_quarantine_lists_exactly_the_stewards_own_open_rows(scope_world: WebWorld) -> None:
    """Planted bug 1 of issue 23: the own-organisation filter of GET /api/quarantine."""
    with scope_world.engine.connect() as connection:
        rows = connection.execute(
            select(QuarantineRow.id, QuarantineRow.source).where(QuarantineRow.status == "open")
        ).all()
    expected = sorted(r.id for r in rows if r.source == STEWARD_ORGANISATION)
    assert expected and len(expected) < len(rows)  # both organisations have open rows
    listing = scope_world.client("data_steward").get("/api/quarantine").json()
    assert sorted(item["id"] for item in listing) == expected
