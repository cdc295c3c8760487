"""Platforms: sex-work ads screened against the licence register, grouped into operators.

Always reasons, never a verdict: every flag carries the evidence that raised it.
"""

from zicht.platforms._contacts import normalise_email, normalise_phone
from zicht.platforms._geo import municipalities
from zicht.platforms._licence_rows import LicenceMapping, LicenceRecord, load_licence_mapping
from zicht.platforms._register import LicenceImport, import_licences
from zicht.platforms._screen import ScreenResult, screen_file

__all__ = [
    "LicenceImport",
    "LicenceMapping",
    "LicenceRecord",
    "ScreenResult",
    "import_licences",
    "load_licence_mapping",
    "municipalities",
    "normalise_email",
    "normalise_phone",
    "screen_file",
]
