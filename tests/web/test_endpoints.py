"""Every endpoint: 401 (API) or a redirect to the login page when anonymous, 403 for every
role without its action, admitted for every role with it, 404 outside the caller's scope."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from tests.access.test_permissions import EXPECTED
from tests.web.conftest import WebWorld, build_world
from zicht.access import ROLES, TOKEN_ACTIONS, AccountError, Actor, add_user, create_token
from zicht.privacy import Cipher, generate_key
from zicht.store import RECORD_TABLES, make_engine, upgrade
from zicht.web.app import PUBLIC_PATHS, all_routes, route_action

# (method, route path, action, concrete path); {person} is filled in from the world.
ENDPOINTS: list[tuple[str, str, str, str]] = [
    ("GET", "/dashboard", "view_dashboard", "/dashboard"),
    ("GET", "/upload", "upload", "/upload"),
    ("POST", "/upload", "upload", "/upload"),
    ("GET", "/uploads/{batch_id}", "upload", "/uploads/1"),
    ("GET", "/quarantine", "correct_quarantine", "/quarantine"),
    ("GET", "/quarantine/export.csv", "correct_quarantine", "/quarantine/export.csv"),
    ("GET", "/quarantine/{entry_id}", "correct_quarantine", "/quarantine/1"),
    ("POST", "/quarantine/{entry_id}", "correct_quarantine", "/quarantine/2"),
    ("GET", "/registrations", "list_registrations", "/registrations"),
    ("POST", "/registrations", "list_registrations", "/registrations"),
    ("GET", "/registrations/export.csv", "list_registrations", "/registrations/export.csv"),
    ("POST", "/registrations/export.csv", "list_registrations", "/registrations/export.csv"),
    (
        "POST",
        "/registrations/{record_type}/{record_id}",
        "list_registrations",
        "/registrations/victim_registration/1",
    ),
    (
        "GET",
        "/registrations/{record_type}/{record_id}",
        "list_registrations",
        "/registrations/victim_registration/1",
    ),
    ("GET", "/deliveries", "view_deliveries", "/deliveries"),
    ("GET", "/persons", "view_persons", "/persons"),
    ("GET", "/persons/{person_id}", "view_persons", "/persons/{person}"),
    ("POST", "/persons/{person_id}", "view_persons", "/persons/{person}"),
    ("POST", "/persons/{person_id}/review", "review_persons", "/persons/{person}/review"),
    ("GET", "/networks", "view_networks", "/networks"),
    ("GET", "/networks/{network}", "view_networks", "/networks/1"),
    ("POST", "/networks/{network}", "view_networks", "/networks/1"),
    ("GET", "/estimates", "view_estimates", "/estimates"),
    ("GET", "/reports", "download_reports", "/reports"),
    ("GET", "/jobs", "run_linkage", "/jobs"),
    ("GET", "/jobs/{job_id}", "run_linkage", "/jobs/999999"),
    ("POST", "/jobs/link", "run_linkage", "/jobs/link"),
    ("POST", "/jobs/report", "build_report", "/jobs/report"),
    ("GET", "/reports/{name:path}", "download_reports", "/reports/monitor-2023.csv"),
    ("GET", "/opendata", "export_international_tables", "/opendata"),
    ("POST", "/opendata/ctdc", "export_ctdc", "/opendata/ctdc"),
    ("POST", "/opendata/synthetic", "export_synthetic_data", "/opendata/synthetic"),
    ("POST", "/opendata/tables", "export_international_tables", "/opendata/tables"),
    ("GET", "/programme", "view_programme", "/programme"),
    ("GET", "/programme/assessment", "self_assess", "/programme/assessment"),
    ("POST", "/programme/assessment", "self_assess", "/programme/assessment"),
    (
        "GET",
        "/programme/municipalities/{code}",
        "view_programme",
        "/programme/municipalities/GM0363",
    ),
    ("GET", "/notices", "list_notices", "/notices"),
    ("GET", "/notices/{notice_id}", "decide_notice", "/notices/999999"),
    ("POST", "/notices/{notice_id}/take", "decide_notice", "/notices/999999/take"),
    ("POST", "/notices/{notice_id}/decide", "decide_notice", "/notices/999999/decide"),
    ("GET", "/decisions/{decision_id}", "decide_notice", "/decisions/999999"),
    ("POST", "/decisions/{decision_id}/approve", "decide_notice", "/decisions/999999/approve"),
    ("POST", "/decisions/{decision_id}/reject", "decide_notice", "/decisions/999999/reject"),
    (
        "POST",
        "/complaints/{complaint_id}/review",
        "review_complaint",
        "/complaints/999999/review",
    ),
    ("GET", "/ads", "view_ads", "/ads"),
    ("GET", "/ads/activity", "view_ads", "/ads/activity"),
    ("GET", "/ads/{platform}/{ad_id}", "view_ads", "/ads/kinky-nl/no-such-ad"),
    ("GET", "/operators", "view_ads", "/operators"),
    ("GET", "/operators/{cluster}", "view_ads", "/operators/1"),
    ("GET", "/operators/{cluster}/export.csv", "export_cluster", "/operators/1/export.csv"),
    ("GET", "/licences/lookup", "lookup_licence", "/licences/lookup"),
    ("POST", "/licences/lookup", "lookup_licence", "/licences/lookup"),
    ("POST", "/api/licences", "import_licences", "/api/licences"),
    ("GET", "/licences/import", "import_licences", "/licences/import"),
    ("POST", "/licences/import", "import_licences", "/licences/import"),
    ("POST", "/api/ads", "import_ads", "/api/ads"),
    ("GET", "/audit", "read_audit", "/audit"),
    ("GET", "/audit/export.csv", "read_audit", "/audit/export.csv"),
    ("GET", "/admin/users", "manage_users", "/admin/users"),
    ("POST", "/admin/users", "manage_users", "/admin/users"),
    (
        "POST",
        "/admin/users/{username}/{operation}",
        "manage_users",
        "/admin/users/target-user/enable",
    ),
    ("GET", "/admin/tokens", "manage_tokens", "/admin/tokens"),
    ("POST", "/admin/tokens", "manage_tokens", "/admin/tokens"),
    ("POST", "/admin/tokens/{token_id}/revoke", "manage_tokens", "/admin/tokens/1/revoke"),
    ("GET", "/admin/organisations", "manage_organisations", "/admin/organisations"),
    ("POST", "/admin/organisations/{code}", "manage_organisations", "/admin/organisations/other"),
    ("GET", "/api/dashboard", "view_aggregates", "/api/dashboard"),
    ("POST", "/api/uploads", "upload", "/api/uploads"),
    ("GET", "/api/uploads/{batch_id}", "upload", "/api/uploads/1"),
    ("GET", "/api/quarantine", "correct_quarantine", "/api/quarantine"),
    ("GET", "/api/registrations", "list_registrations", "/api/registrations"),
    (
        "GET",
        "/api/registrations/{record_type}/{record_id}",
        "list_registrations",
        "/api/registrations/victim_registration/1",
    ),
    ("GET", "/api/persons", "view_persons", "/api/persons"),
    ("GET", "/api/persons/{person_id}", "view_persons", "/api/persons/{person}"),
    ("GET", "/api/estimates", "view_estimates", "/api/estimates"),
    ("GET", "/api/reports", "download_reports", "/api/reports"),
    ("GET", "/api/reports/{name}", "download_reports", "/api/reports/monitor-2023.csv"),
    ("GET", "/shelter", "view_shelter_availability", "/shelter"),
    ("POST", "/shelter/requests", "request_shelter", "/shelter/requests"),
    ("GET", "/shelter/requests/{request_id}", "request_shelter", "/shelter/requests/1"),
    (
        "POST",
        "/shelter/requests/{request_id}/reserve",
        "coordinate_shelter",
        "/shelter/requests/1/reserve",
    ),
    (
        "POST",
        "/shelter/reservations/{reservation_id}/{decision}",
        "manage_shelter",
        "/shelter/reservations/1/accept",
    ),
    ("POST", "/shelter/places/{code}/beds", "manage_shelter", "/shelter/places/a/beds"),
    ("GET", "/shelter/admin", "coordinate_shelter", "/shelter/admin"),
    ("POST", "/shelter/admin/places", "coordinate_shelter", "/shelter/admin/places"),
    ("POST", "/shelter/admin/staff", "coordinate_shelter", "/shelter/admin/staff"),
    (
        "GET",
        "/shelter/places/{code}/address",
        "view_shelter_address",
        "/shelter/places/a/address",
    ),
    ("GET", "/api/shelter/availability", "view_shelter_availability", "/api/shelter/availability"),
    ("POST", "/api/shelter/places/{code}/beds", "manage_shelter", "/api/shelter/places/a/beds"),
    ("GET", "/api/shelter/figures", "view_aggregates", "/api/shelter/figures"),
    ("GET", "/api/programme", "view_programme", "/api/programme"),
    ("GET", "/api/programme/indicators", "view_programme", "/api/programme/indicators?year=2021"),
    ("GET", "/api/programme/coverage", "view_programme", "/api/programme/coverage"),
    ("GET", "/triage", "triage_reports", "/triage"),
    ("GET", "/triage/{report_id}", "triage_reports", "/triage/1"),
    ("POST", "/triage/{report_id}/open", "triage_reports", "/triage/1/open"),
    ("POST", "/triage/{report_id}/answer", "triage_reports", "/triage/1/answer"),
    ("POST", "/triage/{report_id}/urgent", "triage_reports", "/triage/1/urgent"),
    ("POST", "/triage/{report_id}/refer", "triage_reports", "/triage/1/refer"),
    ("POST", "/triage/{report_id}/close", "triage_reports", "/triage/1/close"),
    ("POST", "/triage/{report_id}/register", "triage_reports", "/triage/1/register"),
    (
        "POST",
        "/triage/{report_id}/attachments/{attachment_id}",
        "triage_reports",
        "/triage/1/attachments/1",
    ),
    ("GET", "/information-pages", "edit_information_pages", "/information-pages"),
    ("POST", "/information-pages", "edit_information_pages", "/information-pages"),
    (
        "POST",
        "/information-pages/{page_id}/review",
        "edit_information_pages",
        "/information-pages/1/review",
    ),
]
API_ENDPOINTS = [case for case in ENDPOINTS if case[3].startswith("/api/")]
PUBLIC_ENDPOINTS = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/"),
    ("GET", "/health"),
    ("GET", "/api/health"),
    ("GET", "/meld"),
    ("GET", "/meld/{lang}"),
    ("GET", "/meld/{lang}/report/{audience}"),
    ("POST", "/meld/{lang}/report/{audience}"),
    ("GET", "/meld/{lang}/back"),
    ("POST", "/meld/{lang}/back"),
    ("POST", "/meld/{lang}/reply"),
    ("POST", "/api/platforms/{platform}/notices"),  # Art. 16: anyone may file a notice
    ("GET", "/report/{platform}"),
    ("POST", "/report/{platform}"),
    ("GET", "/report/{platform}/ad/{ad_id}"),
    ("POST", "/report/{platform}/ad/{ad_id}"),
    ("GET", "/api-docs"),  # the API documentation, like the schema it is drawn from
    ("GET", "/complaint"),  # Art. 20: the poster or notifier complains with a key
    ("POST", "/complaint"),
}
ORGANISATION_OF = {
    "administrator": None,
    "data_steward": "police",
    "coordinator": "comensha",
    "analyst": None,
    "auditor": None,
    "caseworker": "police",
    "shelter_staff": "shelter",
    "report_handler": "comensha",
    "municipality": "GM0363",
    "platform_moderator": "kinky-nl",
    "trusted_flagger": "police",
}


@pytest.fixture(scope="module")
def shared_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    """One world for the whole table (the cases only read, or change throw-away objects)."""
    folder = tmp_path_factory.mktemp("endpoints")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    world = build_world(engine, Cipher(generate_key()), folder)
    add_user(engine, Actor("test"), "target-user", "analyst", None, "x" * 20)
    create_token(engine, Actor("test"), "throwaway", "police", ["upload"], days=1)
    yield world
    engine.dispose()


def _path(world: WebWorld, path: str) -> str:
    return path.replace("{person}", str(world.linked_person))


def test_every_route_declares_an_action_or_is_public(shared_world: WebWorld) -> None:
    declared = {(m, p) for m, p, _, _ in ENDPOINTS}
    for route in all_routes(shared_world.app.routes):  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute):
            continue
        action = route_action(route)
        assert action is not None, route.path
        for method in route.methods - {"HEAD"}:
            if action == "public":
                assert route.path in PUBLIC_PATHS
                assert (method, route.path) in PUBLIC_ENDPOINTS
            else:
                assert (method, route.path) in declared, f"no test case for {method} {route.path}"
                expected = next(a for m, p, a, _ in ENDPOINTS if (m, p) == (method, route.path))
                assert action == expected


def test_an_undeclared_route_is_refused(shared_world: WebWorld) -> None:
    from fastapi import APIRouter

    from zicht.config import Settings
    from zicht.web.app import _check_routes, create_app
    from zicht.web.routers import dashboard

    app = create_app(
        Settings(database_url="sqlite://"), engine=shared_world.engine, cipher=shared_world.cipher
    )
    stray = APIRouter()

    @stray.get("/stray")
    def stray_page() -> dict[str, str]:
        return {}

    app.include_router(stray)
    with pytest.raises(RuntimeError, match="/stray"):
        _check_routes(app)
    del dashboard


def _request(world: WebWorld, role: str | None, method: str, path: str) -> int:
    client = world.client(role)
    if method == "GET":
        response = client.get(path, follow_redirects=False)
    else:
        data = {"csrf_token": world.csrf(client)} if role else {}
        response = client.post(path, data=data, follow_redirects=False)
    # A logged-in user is never sent to the login page.
    assert not response.headers.get("location", "").startswith("/login")
    return response.status_code


@pytest.mark.parametrize(("method", "route", "action", "path"), ENDPOINTS)
def test_anonymous(shared_world: WebWorld, method: str, route: str, action: str, path: str) -> None:
    client = shared_world.client()
    response = client.request(method, _path(shared_world, path), follow_redirects=False)
    if path.startswith("/api/"):
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("method", "route", "action", "path"), ENDPOINTS)
def test_role(
    shared_world: WebWorld, role: str, method: str, route: str, action: str, path: str
) -> None:
    status = _request(shared_world, role, method, _path(shared_world, path))
    # The oracle is the hand-written truth table of tests/access, not authorize() itself.
    if action in EXPECTED[role]:
        assert status not in (401, 403), status
        assert status < 500
    else:
        assert status == 403


@pytest.mark.parametrize(("method", "route", "action", "path"), API_ENDPOINTS)
def test_token_with_and_without_the_action(
    shared_world: WebWorld, method: str, route: str, action: str, path: str
) -> None:
    others = [a for a in TOKEN_ACTIONS if a != action][:2]
    cases = [(others, False)]
    if action in TOKEN_ACTIONS:
        cases.append(([action], True))
    else:  # a token can never be given this action
        with pytest.raises(AccountError):
            shared_world.token([action])
    for actions, admitted in cases:
        # a municipality's token (organisation = CBS code) is the only one to import
        # licences, a platform's (organisation = its code) the only one to deliver ads
        organisation = "police"
        if admitted and action == "import_licences":
            organisation = "GM0363"
        elif admitted and action == "import_ads":
            organisation = "kinky-nl"
        token = shared_world.token(actions, organisation)
        client = shared_world.client()
        response = client.request(
            method, _path(shared_world, path), headers={"authorization": f"Bearer {token}"}
        )
        if admitted:
            assert response.status_code not in (401, 403)
            assert response.status_code < 500
        else:
            assert response.status_code == 403


def _other_org_registration(world: WebWorld) -> int:
    table = RECORD_TABLES["victim_registration"]
    with world.engine.connect() as connection:
        return int(
            connection.execute(
                select(table.id).where(table.source == "fairwork").limit(1)
            ).scalar_one()
        )


NOT_FOUND = [
    ("data_steward", "/registrations/victim_registration/{other}"),
    ("data_steward", "/api/registrations/victim_registration/{other}"),
    ("data_steward", "/registrations/victim_registration/999999"),
    ("data_steward", "/api/registrations/victim_registration/999999"),
    ("data_steward", "/registrations/no_such_type/1"),
    ("data_steward", "/uploads/2"),  # FairWork's batch
    ("data_steward", "/api/uploads/2"),
    ("data_steward", "/uploads/999"),
    ("data_steward", "/quarantine/5"),  # FairWork's quarantined row
    ("data_steward", "/quarantine/999"),
    ("coordinator", "/persons/999999"),
    ("coordinator", "/api/persons/999999"),
    ("analyst", "/reports/nothing.pdf"),
    ("analyst", "/reports/../web.db"),
    ("analyst", "/api/reports/nothing.pdf"),
    ("analyst", "/no-such-page"),
]


@pytest.mark.parametrize(("role", "path"), NOT_FOUND)
def test_not_found_outside_scope(shared_world: WebWorld, role: str, path: str) -> None:
    other = _other_org_registration(shared_world)
    response = shared_world.client(role).get(path.replace("{other}", str(other)))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/admin/users/nobody/reset", "/admin/tokens/999/revoke", "/admin/organisations/xyz"]
)
def test_admin_not_found(shared_world: WebWorld, path: str) -> None:
    client = shared_world.client("administrator")
    response = client.post(path, data={"csrf_token": shared_world.csrf(client)})
    assert response.status_code == 404


def test_coordinator_sees_other_organisations(shared_world: WebWorld) -> None:
    other = _other_org_registration(shared_world)
    client = shared_world.client("coordinator")
    assert client.get(f"/registrations/victim_registration/{other}").status_code == 200
    listing = client.get("/api/registrations").json()
    assert {item["fields"]["source"] for item in listing["items"]} == {"police", "fairwork"}


def test_steward_list_is_own_organisation_even_when_asking_for_another(
    shared_world: WebWorld,
) -> None:
    client = shared_world.client("data_steward")
    listing = client.get("/api/registrations?organisation=fairwork").json()
    assert listing["items"]
    assert {item["fields"]["source"] for item in listing["items"]} == {"police"}
    page = client.get("/registrations?organisation=fairwork")
    assert "FairWork" not in page.text.split("<tbody>")[1]


def test_home_redirects_each_role_to_a_page_it_may_see(shared_world: WebWorld) -> None:
    for role in ROLES:
        response = shared_world.client(role).get("/", follow_redirects=False)
        assert response.status_code == 303
        assert shared_world.client(role).get(response.headers["location"]).status_code == 200


def test_health_is_public(shared_world: WebWorld) -> None:
    assert shared_world.client().get("/health").json() == {"status": "ok"}
    assert shared_world.client().get("/api/health").json() == {"status": "ok"}


def test_every_api_route_is_a_token_case(shared_world: WebWorld) -> None:
    """The token cases are the API routes of the route table, none left out."""
    api_routes = {
        (method, route.path)
        for route in all_routes(shared_world.app.routes)  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and route.path.startswith("/api/")
        for method in route.methods - {"HEAD"}
        if route_action(route) != "public"
    }
    assert api_routes == {(m, r) for m, r, _, _ in API_ENDPOINTS}
