"""What each action code of the audit trail means, as a message of the catalogues.

The trail stores codes (stable, searchable); the auditor reads these labels in their
own language. A code without a label is shown as the code itself.
"""

from __future__ import annotations

from zicht.i18n import N_

__all__ = ["AUDIT_ACTIONS"]

AUDIT_ACTIONS: dict[str, str] = {
    "login": N_("Logged in"),
    "login_failed": N_("Failed login"),
    "logout": N_("Logged out"),
    "password_reset": N_("Password reset"),
    "user_added": N_("User added"),
    "user_enabled": N_("User enabled"),
    "user_disabled": N_("User disabled"),
    "token_created": N_("API token issued"),
    "token_revoked": N_("API token revoked"),
    "organisation_enabled": N_("Organisation enabled"),
    "organisation_disabled": N_("Organisation disabled"),
    "upload": N_("File uploaded"),
    "corrected_row_ingest": N_("Corrected rows ingested"),
    "list_registrations": N_("Registrations listed"),
    "view_registration": N_("Registration viewed"),
    "view_identity": N_("Identity data viewed"),
    "list_persons": N_("Persons listed"),
    "view_person": N_("Person viewed"),
    "view_quarantine_row": N_("Quarantined row viewed"),
    "export_quarantine": N_("Quarantine exported for correction"),
    "export_flagged": N_("Flagged records exported"),
    "download_report": N_("Report downloaded"),
    "search_audit": N_("Audit trail searched"),
    "export_audit": N_("Audit trail exported"),
    "export_open_data": N_("Open data exported"),
    "shelter_added": N_("Shelter added"),
    "shelter_staff_added": N_("Shelter staff added"),
    "shelter_changed": N_("Shelter changed"),
    "shelter_address_viewed": N_("Shelter address viewed"),
    "shelter_availability_set": N_("Shelter availability set"),
    "shelter_capacity_imported": N_("Shelter capacity imported"),
    "shelter_requested": N_("Shelter place requested"),
    "shelter_reserved": N_("Shelter beds reserved"),
    "shelter_reservation_failed": N_("Shelter reservation failed"),
    "shelter_hold_expired": N_("Shelter hold expired"),
    "list_ads": N_("Screened ads listed"),
    "view_ad": N_("Screened ad viewed"),
    "view_ad_activity": N_("Ads over time and cities viewed"),
    "list_operators": N_("Operators listed"),
    "view_operator": N_("Operator viewed"),
    "export_cluster": N_("Operator exported"),
    "lookup_licence": N_("Licence looked up"),
    "import_licences": N_("Licences imported by API"),
}
