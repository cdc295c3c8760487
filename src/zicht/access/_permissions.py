"""Who may do what: actions, roles and their scopes, declared as data.

Deny by default: a role has only the actions listed for it. The scope of an action
is "own" (records of the principal's own organisation) or "all". API tokens carry a
subset of TOKEN_ACTIONS, always scoped to the token's organisation. Every route
declares the one action it needs (in the web app, `zicht.web.deps.requires`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from zicht.i18n import N_

__all__ = [
    "ACTIONS",
    "PUBLIC_PERMISSIONS",
    "ROLES",
    "ROLE_PERMISSIONS",
    "TOKEN_ACTIONS",
    "Principal",
    "Scope",
    "authorize",
    "permission_table",
    "scope_of",
]

Scope = Literal["own", "all"]

# action -> description (a message of the catalogues, docs/language.md)
ACTIONS: dict[str, str] = {
    "view_dashboard": N_("View the dashboard of figures"),
    "view_aggregates": N_("Read aggregate figures"),
    "list_registrations": N_("List registrations"),
    "view_identity": N_("View identity data"),
    "upload": N_("Upload partner files"),
    "correct_quarantine": N_("Inspect and correct quarantine"),
    "view_persons": N_("View linked persons"),
    "view_networks": N_("View the networks behind the victims"),
    "view_network_identities": N_(
        "See who is behind a network's pseudonyms (with a purpose, audited)"
    ),
    "view_estimates": N_("View estimates"),
    "download_reports": N_("Download reports"),
    "read_audit": N_("Search the audit trail"),
    "manage_users": N_("Manage users"),
    "manage_tokens": N_("Manage API tokens"),
    "manage_organisations": N_("Manage organisations"),
    "request_shelter": N_("Request shelter places and follow the requests"),
    "coordinate_shelter": N_("Coordinate shelter: shelters, matching and reservations"),
    "manage_shelter": N_("Keep a shelter's availability and decide on its reservations"),
    "view_shelter_availability": N_("See which shelter places are free"),
    "view_shelter_address": N_("See a shelter's secret address"),
    "triage_reports": N_("Triage anonymous reports"),
    "edit_information_pages": N_("Write and review the reporting information pages"),
    "view_programme": N_("View the programme and published self-assessments"),
    "manage_programme": N_("Manage the programme, its figures and assessment rounds"),
    "self_assess": N_("Fill in the municipal self-assessment"),
    "file_notice": N_("File a notice of illegal content (DSA Art. 16)"),
    "list_notices": N_("See notices and their decisions"),
    "decide_notice": N_("Decide notices and approve decisions of others"),
    "review_complaint": N_("Review complaints against decisions"),
    "export_statements": N_("Export statements to the Transparency Database"),
    "receive_referrals": N_("Receive referrals of suspected crimes (DSA Art. 18)"),
    "manage_platforms": N_("Register platforms and trusted flaggers"),
    "view_ads": N_("See screened ads, their flags and operators (pseudonyms only)"),
    "lookup_licence": N_("Look up a licence number in the register (with a purpose)"),
    "export_cluster": N_("Export an operator cluster with its ads and evidence"),
    "import_licences": N_("Import a municipality's licences"),
    "view_deliveries": N_("See the delivery calendar of every organisation (counts, no records)"),
    "review_persons": N_("Confirm a linked person or split a registration off it"),
    "run_linkage": N_("Start a link run from the web"),
    "build_report": N_("Write the yearly report from the web"),
    "export_ctdc": N_("Download the k-anonymous CTDC file of linked persons"),
    "export_synthetic_data": N_("Download differentially private synthetic data"),
    "export_international_tables": N_("Download Eurostat's and GRETA's tables of victims"),
    "import_ads": N_("Deliver a platform's ads for screening"),
}

# role -> name (a message of the catalogues)
ROLES: dict[str, str] = {
    "administrator": N_("Administrator"),
    "data_steward": N_("Data steward of an organisation"),
    "coordinator": N_("Coordinator (central registry)"),
    "analyst": N_("Analyst (aggregates and networks)"),
    "auditor": N_("Auditor"),
    "caseworker": N_("Caseworker of a partner (shelter requests)"),
    "shelter_staff": N_("Shelter staff (own shelter)"),
    "report_handler": N_("Handler of anonymous reports"),
    "municipality": N_("Municipality (self-assessment)"),
    "platform_moderator": N_("Moderator of a platform (own platform only)"),
    "trusted_flagger": N_("Trusted flagger of a partner (own notices only)"),
}

ROLE_PERMISSIONS: dict[str, dict[str, Scope]] = {
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
    "auditor": {
        "read_audit": "all",
        "view_deliveries": "all",
    },
    # Shelter staff's "own" is the shelters they are staff of (zicht.shelter checks it).
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
    # A municipality account's organisation is its CBS code (GM0363).
    "municipality": {
        "view_programme": "all",
        "self_assess": "own",
        "import_licences": "own",
    },
    # A moderator's organisation is the platform (the tenant), not a partner.
    "platform_moderator": {
        "list_notices": "own",
        "decide_notice": "own",
        "review_complaint": "own",
        "export_statements": "own",
        "view_ads": "own",
        "lookup_licence": "all",
        "export_cluster": "own",
    },
    # A trusted flagger's organisation is the partner; "own" notices are its notices.
    "trusted_flagger": {
        "file_notice": "all",
        "list_notices": "own",
    },
}

# What anyone may do without logging in: file a notice or a complaint through the forms.
PUBLIC_PERMISSIONS: dict[str, Scope] = {"file_notice": "all"}

# Roles whose users belong to one organisation (their "own" scope needs one).
ROLES_WITH_ORGANISATION = frozenset(
    role for role, grants in ROLE_PERMISSIONS.items() if "own" in grants.values()
)

# Roles whose users are municipalities: their organisation is a CBS code (GM0363).
MUNICIPAL_ROLES = frozenset({"municipality"})

# What a partner system's API token may be granted; always for its own organisation.
TOKEN_ACTIONS: tuple[str, ...] = (
    "view_aggregates",
    "list_registrations",
    "view_identity",
    "upload",
    "correct_quarantine",
    "view_estimates",
    "download_reports",
    "request_shelter",
    "manage_shelter",
    "view_shelter_availability",
    "file_notice",
    "list_notices",
    "receive_referrals",
    "import_licences",
    "import_ads",
)


@dataclass(frozen=True)
class Principal:
    """Who is asking: a logged-in user or a partner system's API token."""

    kind: Literal["user", "token", "public"]
    id: int
    name: str
    role: str | None
    organisation: str | None
    permissions: Mapping[str, Scope] = field(default_factory=dict)
    csrf_token: str | None = None

    @classmethod
    def for_user(
        cls,
        user_id: int,
        username: str,
        role: str,
        organisation: str | None,
        csrf_token: str | None = None,
    ) -> Principal:
        """A user's principal: the grants of their role."""
        return cls(
            "user",
            user_id,
            username,
            role,
            organisation,
            ROLE_PERMISSIONS.get(role, {}),
            csrf_token,
        )

    @classmethod
    def for_token(
        cls, token_id: int, name: str, organisation: str, actions: list[str]
    ) -> Principal:
        """A token's principal: its actions, each for its own organisation only."""
        granted: dict[str, Scope] = {a: "own" for a in actions if a in TOKEN_ACTIONS}
        return cls("token", token_id, name, None, organisation, granted)

    @classmethod
    def public(cls, client: str = "public") -> Principal:
        """Anyone, logged out: only the public forms (PUBLIC_PERMISSIONS)."""
        return cls("public", 0, client, None, None, PUBLIC_PERMISSIONS)

    @property
    def actor(self) -> str:
        """How the audit trail names this principal."""
        if self.kind == "public":
            return "public"
        return self.name if self.kind == "user" else f"token:{self.name}"


def scope_of(principal: Principal, action: str) -> Scope | None:
    """The scope `principal` has for `action`, or None when it is not granted."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    scope = principal.permissions.get(action)
    if scope == "own" and principal.organisation is None:
        return None  # an "own" grant without an organisation grants nothing
    return scope


def authorize(principal: Principal, action: str, organisation: str | None = None) -> bool:
    """May `principal` do `action` (on a record of `organisation`, when given)?"""
    scope = scope_of(principal, action)
    if scope is None:
        return False
    if organisation is None or scope == "all":
        return True
    return organisation == principal.organisation


def permission_table() -> str:
    """The roles x actions table as Markdown (docs/web.md holds this very table)."""
    roles = list(ROLES)
    lines = [
        "| action | " + " | ".join(roles) + " | API token | public |",
        "|---|" + "---|" * (len(roles) + 2),
    ]
    for action, english in ACTIONS.items():
        cells = [ROLE_PERMISSIONS[role].get(action, "–") for role in roles]
        token = "own" if action in TOKEN_ACTIONS else "–"
        public = PUBLIC_PERMISSIONS.get(action, "–")
        lines.append(
            f"| `{action}` ({english}) | " + " | ".join(cells) + f" | {token} | {public} |"
        )
    return "\n".join(lines)
