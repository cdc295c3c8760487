"""Platforms: sex-work ads screened against the licence register, grouped into operators.

Always reasons, never a verdict: every flag carries the evidence that raised it.
"""

from zicht.platforms._ads_upload import MAX_ADS_UPLOAD, screen_upload
from zicht.platforms._contacts import normalise_email, normalise_phone
from zicht.platforms._geo import municipalities
from zicht.platforms._licence_lookup import LicenceLookup, LookupRefused, lookup_licence
from zicht.platforms._licence_rows import LicenceMapping, LicenceRecord, load_licence_mapping
from zicht.platforms._licence_upload import MAX_LICENCE_UPLOAD, import_licence_upload
from zicht.platforms._register import LicenceImport, import_licences
from zicht.platforms._screen import ScreenResult, screen_file
from zicht.platforms._screening import FLAG_LABELS
from zicht.platforms._views import (
    LINK_TEXTS,
    Activity,
    AdDetail,
    AdsNotVisible,
    Operator,
    ad_activity,
    ad_detail,
    export_operator,
    flag_texts,
    link_text,
    operator_detail,
    operators_page,
    screened_page,
    visible_platform,
)

__all__ = [
    "FLAG_LABELS",
    "LINK_TEXTS",
    "MAX_ADS_UPLOAD",
    "MAX_LICENCE_UPLOAD",
    "Activity",
    "AdDetail",
    "AdsNotVisible",
    "LicenceImport",
    "LicenceLookup",
    "LicenceMapping",
    "LicenceRecord",
    "LookupRefused",
    "Operator",
    "ScreenResult",
    "ad_activity",
    "ad_detail",
    "export_operator",
    "flag_texts",
    "import_licence_upload",
    "import_licences",
    "link_text",
    "load_licence_mapping",
    "lookup_licence",
    "municipalities",
    "normalise_email",
    "normalise_phone",
    "operator_detail",
    "operators_page",
    "screen_file",
    "screen_upload",
    "screened_page",
    "visible_platform",
]
