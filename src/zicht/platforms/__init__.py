"""Platforms: sex-work ads screened against the licence register, grouped into operators.

Always reasons, never a verdict: every flag carries the evidence that raised it.
"""

from zicht.platforms.licence_rows import LicenceMapping, LicenceRecord, load_licence_mapping
from zicht.platforms.register import LicenceImport, import_licences

__all__ = [
    "LicenceImport",
    "LicenceMapping",
    "LicenceRecord",
    "import_licences",
    "load_licence_mapping",
]
