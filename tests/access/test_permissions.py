"""Truth tables: every role x every action x own / other / no organisation."""

from __future__ import annotations

import pytest

from zicht.access import (
    ACTIONS,
    PUBLIC_PERMISSIONS,
    ROLE_PERMISSIONS,
    ROLES,
    TOKEN_ACTIONS,
    Principal,
    authorize,
    scope_of,
)

# The expected grants, written out by hand: a change to the permissions must be made
# here too, deliberately. "own" = own organisation only, "all" = every organisation.
EXPECTED: dict[str, dict[str, str]] = {
    "administrator": {
        "view_dashboard": "all",
        "view_aggregates": "all",
        "read_audit": "all",
        "manage_users": "all",
        "manage_tokens": "all",
        "manage_organisations": "all",
        "manage_platforms": "all",
    },
    "data_steward": {
        "view_dashboard": "all",
        "view_aggregates": "all",
        "list_registrations": "own",
        "view_identity": "own",
        "upload": "own",
        "correct_quarantine": "own",
        "view_estimates": "all",
        "download_reports": "all",
        "view_programme": "all",
        "receive_referrals": "own",
        "export_international_tables": "all",
    },
    "coordinator": {
        "view_dashboard": "all",
        "view_aggregates": "all",
        "list_registrations": "all",
        "view_identity": "all",
        "view_persons": "all",
        "view_networks": "all",
        "view_network_identities": "all",
        "view_estimates": "all",
        "download_reports": "all",
        "request_shelter": "all",
        "coordinate_shelter": "all",
        "manage_shelter": "all",
        "view_shelter_availability": "all",
        "view_shelter_address": "all",
        "view_programme": "all",
        "manage_programme": "all",
        "view_ads": "all",
        "lookup_licence": "all",
        "export_cluster": "all",
        "view_deliveries": "all",
        "review_persons": "all",
        "run_linkage": "all",
        "build_report": "all",
        "export_ctdc": "all",
        "export_synthetic_data": "all",
        "export_international_tables": "all",
    },
    "analyst": {
        "view_dashboard": "all",
        "view_aggregates": "all",
        "view_networks": "all",
        "view_network_identities": "all",
        "view_estimates": "all",
        "download_reports": "all",
        "view_programme": "all",
        "view_ads": "all",
        "lookup_licence": "all",
        "export_cluster": "all",
        "export_synthetic_data": "all",
        "export_international_tables": "all",
    },
    "auditor": {"read_audit": "all", "view_deliveries": "all"},
    "caseworker": {
        "view_dashboard": "all",
        "request_shelter": "own",
        "view_shelter_availability": "all",
    },
    "shelter_staff": {
        "view_dashboard": "all",
        "manage_shelter": "own",
        "view_shelter_availability": "all",
        "view_shelter_address": "own",
    },
    "report_handler": {
        "view_dashboard": "all",
        "triage_reports": "own",
        "edit_information_pages": "all",
    },
    "municipality": {"view_programme": "all", "self_assess": "own", "import_licences": "own"},
    "platform_moderator": {
        "list_notices": "own",
        "decide_notice": "own",
        "review_complaint": "own",
        "export_statements": "own",
        "view_ads": "own",
        "lookup_licence": "all",
        "export_cluster": "own",
    },
    "trusted_flagger": {"file_notice": "all", "list_notices": "own"},
}
OWN, OTHER = "police", "fairwork"
CASES = [
    (role, action, target)
    for role in ROLES
    for action in ACTIONS
    for target in ("own", "other", "none")
]


def _expected(role: str, action: str, target: str) -> bool:
    scope = EXPECTED[role].get(action)
    if scope is None:
        return False
    return scope == "all" or target in ("own", "none")


@pytest.mark.parametrize(("role", "action", "target"), CASES)
def test_role_truth_table(role: str, action: str, target: str) -> None:
    principal = Principal.for_user(1, "u", role, OWN)
    organisation = {"own": OWN, "other": OTHER, "none": None}[target]
    assert authorize(principal, action, organisation) is _expected(role, action, target)


def test_the_table_is_the_data() -> None:
    assert ROLE_PERMISSIONS == EXPECTED
    assert set(ROLES) == set(EXPECTED)


@pytest.mark.parametrize("role", list(ROLES))
def test_analyst_and_others_never_see_identities_unless_granted(role: str) -> None:
    principal = Principal.for_user(1, "u", role, OWN)
    sees = authorize(principal, "view_identity", OTHER)
    assert sees is (role == "coordinator")


@pytest.mark.parametrize(("action", "target"), [(a, t) for a in ACTIONS for t in ("own", "other")])
def test_token_truth_table(action: str, target: str) -> None:
    principal = Principal.for_token(1, "system", OWN, list(ACTIONS))
    organisation = OWN if target == "own" else OTHER
    expected = action in TOKEN_ACTIONS and target == "own"
    assert authorize(principal, action, organisation) is expected


def test_own_scope_without_organisation_grants_nothing() -> None:
    principal = Principal.for_user(1, "u", "data_steward", None)
    assert not any(
        authorize(principal, action)
        for action in EXPECTED["data_steward"]
        if EXPECTED["data_steward"][action] == "own"
    )


def test_unknown_role_and_action() -> None:
    assert not any(authorize(Principal.for_user(1, "u", "ghost", OWN), a) for a in ACTIONS)
    with pytest.raises(KeyError):
        scope_of(Principal.for_user(1, "u", "administrator", None), "launch_rockets")


@pytest.mark.parametrize("role", list(ROLES))
def test_only_a_municipality_answers_and_only_for_itself(role: str) -> None:
    principal = Principal.for_user(1, "u", role, "GM0363")
    assert authorize(principal, "self_assess", "GM0363") is (role == "municipality")
    assert not authorize(principal, "self_assess", "GM0518")


@pytest.mark.parametrize("role", list(ROLES))
def test_only_analysts_and_coordinators_see_networks(role: str) -> None:
    principal = Principal.for_user(1, "u", role, OWN)
    assert authorize(principal, "view_networks") is (role in ("analyst", "coordinator"))
    assert authorize(principal, "view_network_identities") is (role in ("analyst", "coordinator"))
    token = Principal.for_token(1, "system", OWN, list(ACTIONS))
    assert not authorize(token, "view_networks")
    assert not authorize(token, "view_network_identities")


@pytest.mark.parametrize(("action", "target"), [(a, t) for a in ACTIONS for t in ("own", "none")])
def test_public_truth_table(action: str, target: str) -> None:
    # Logged out: the notice form, for any platform, and nothing else.
    principal = Principal.public("203.0.113.7")
    organisation = OWN if target == "own" else None
    assert authorize(principal, action, organisation) is (action == "file_notice")
    assert principal.actor == "public"
    assert PUBLIC_PERMISSIONS == {"file_notice": "all"}


def test_platform_pages_truth_table() -> None:
    """Written out by hand: who sees ads, looks licences up, exports clusters."""
    moderator = Principal.for_user(1, "m", "platform_moderator", "kinky-nl")
    analyst = Principal.for_user(2, "a", "analyst", "police")
    steward = Principal.for_user(3, "s", "data_steward", "police")
    assert authorize(moderator, "view_ads", "kinky-nl")
    assert not authorize(moderator, "view_ads", "other-platform")
    assert authorize(moderator, "export_cluster", "kinky-nl")
    assert not authorize(moderator, "export_cluster", "other-platform")
    assert authorize(analyst, "view_ads", "kinky-nl") and authorize(analyst, "view_ads", "x")
    assert not authorize(analyst, "view_identity")
    assert not any(authorize(steward, a) for a in ("view_ads", "lookup_licence", "export_cluster"))
    token = Principal.for_token(1, "gemeente", "GM0363", ["import_licences", "view_ads"])
    assert authorize(token, "import_licences", "GM0363")
    assert not authorize(token, "import_licences", "GM0014")
    assert not authorize(token, "view_ads")
    site = Principal.for_token(2, "site", "kinky-nl", ["import_ads", "view_ads"])
    assert authorize(site, "import_ads", "kinky-nl")
    assert not authorize(site, "import_ads", "other-platform")
    assert not authorize(site, "view_ads")
    municipality = Principal.for_user(3, "gemeente", "municipality", "GM0363")
    assert authorize(municipality, "import_licences", "GM0363")
    assert not authorize(municipality, "import_licences", "GM0014")
    assert not any(authorize(moderator, a) for a in ("import_licences", "import_ads"))


def test_a_user_s_principal_carries_what_it_was_given() -> None:
    principal = Principal.for_user(5, "anna", "coordinator", "comensha", "csrf-5")
    assert (principal.kind, principal.id, principal.name) == ("user", 5, "anna")
    assert (principal.role, principal.organisation) == ("coordinator", "comensha")
    assert dict(principal.permissions) == EXPECTED["coordinator"]
    assert principal.csrf_token == "csrf-5" and principal.actor == "anna"
    assert Principal.for_user(6, "bo", "auditor", None).csrf_token is None
    ghost = Principal.for_user(7, "gh", "ghost", OWN)
    assert dict(ghost.permissions) == {} and scope_of(ghost, "view_dashboard") is None


def test_a_token_s_principal_holds_its_token_actions_for_its_organisation() -> None:
    token = Principal.for_token(9, "police-system", OWN, ["upload", "view_networks", "nonsense"])
    assert (token.kind, token.id, token.name, token.role) == ("token", 9, "police-system", None)
    assert token.organisation == OWN and token.csrf_token is None
    assert dict(token.permissions) == {"upload": "own"}  # only actions a token may hold
    assert token.actor == "token:police-system"


def test_the_public_principal() -> None:
    anyone = Principal.public()
    assert (anyone.kind, anyone.id, anyone.name, anyone.role) == ("public", 0, "public", None)
    assert anyone.organisation is None and dict(anyone.permissions) == {"file_notice": "all"}
    assert Principal.public("203.0.113.7").name == "203.0.113.7"
    assert Principal.public("203.0.113.7").actor == "public"


def test_scopes_by_hand() -> None:
    steward = Principal.for_user(1, "s", "data_steward", OWN)
    assert scope_of(steward, "upload") == "own" and scope_of(steward, "view_dashboard") == "all"
    assert scope_of(steward, "manage_users") is None
    assert scope_of(Principal.for_user(1, "s", "data_steward", None), "upload") is None
    assert scope_of(Principal.for_user(1, "s", "data_steward", None), "view_aggregates") == "all"
    with pytest.raises(KeyError, match="unknown action 'launch_rockets'"):
        scope_of(steward, "launch_rockets")


def test_the_permission_table_for_the_docs() -> None:
    """Rows written out by hand from EXPECTED, in the roles' order."""
    from zicht.access import permission_table

    lines = permission_table().splitlines()
    header = (
        "| action | administrator | data_steward | coordinator | analyst | auditor | "
        "caseworker | shelter_staff | report_handler | municipality | platform_moderator | "
        "trusted_flagger | API token | public |"
    )
    assert lines[0] == header
    assert lines[1] == "|---|" + "---|" * 13
    assert len(lines) == 2 + len(ACTIONS)
    assert lines[2] == (
        "| `view_dashboard` (View the dashboard of figures) | all | all | all | all | – | all "
        "| all | all | – | – | – | – | – |"
    )
    assert (
        "| `view_identity` (View identity data) | – | own | all | – | – | – | – | – | – | – "
        "| – | own | – |"
    ) in lines
    assert (
        "| `file_notice` (File a notice of illegal content (DSA Art. 16)) | – | – | – | – | – "
        "| – | – | – | – | – | all | own | all |"
    ) in lines
