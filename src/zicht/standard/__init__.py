"""The shared data standard v1: vocabularies (nl/en, CTDC/HTCDS) and record models.

Pure: imports nothing else from Zicht and does no I/O.
"""

from zicht.standard._countries import COUNTRIES, country_code
from zicht.standard._docs import data_standard_markdown
from zicht.standard._exploitation import FORMS, MEANS_OF_CONTROL, RECRUITER_RELATIONS, SECTORS
from zicht.standard._fast import FastValidator
from zicht.standard._fields import InVocabulary
from zicht.standard._licence import (
    LICENCE_STATUSES,
    LicenceNumber,
    LicenceNumberError,
    format_licence_number,
    parse_licence_number,
)
from zicht.standard._municipalities import municipalities, safety_regions
from zicht.standard._organisations import ORGANISATION_KINDS, ORGANISATIONS, organisation_kind
from zicht.standard._people import (
    AGE_BANDS,
    GENDERS,
    MAJORITY,
    REPORT_CHANNELS,
    REPORTER_KINDS,
    SUSPECT_ROLES,
    VICTIM_STATUSES,
    age_band,
    majority,
)
from zicht.standard._records import (
    ReportIdentity,
    ReportRecord,
    SuspectIdentity,
    SuspectRegistration,
    VictimIdentity,
    VictimRegistration,
)
from zicht.standard._registry import (
    RECORD_TYPES,
    VOCABULARIES,
    RecordType,
    field_label,
    json_schemas,
)
from zicht.standard._vocabulary import Term, Vocabulary

__all__ = [
    "AGE_BANDS",
    "COUNTRIES",
    "FORMS",
    "GENDERS",
    "LICENCE_STATUSES",
    "MAJORITY",
    "MEANS_OF_CONTROL",
    "ORGANISATIONS",
    "ORGANISATION_KINDS",
    "RECORD_TYPES",
    "RECRUITER_RELATIONS",
    "REPORTER_KINDS",
    "REPORT_CHANNELS",
    "SECTORS",
    "SUSPECT_ROLES",
    "VICTIM_STATUSES",
    "VOCABULARIES",
    "FastValidator",
    "InVocabulary",
    "LicenceNumber",
    "LicenceNumberError",
    "RecordType",
    "ReportIdentity",
    "ReportRecord",
    "SuspectIdentity",
    "SuspectRegistration",
    "Term",
    "VictimIdentity",
    "VictimRegistration",
    "Vocabulary",
    "age_band",
    "country_code",
    "data_standard_markdown",
    "field_label",
    "format_licence_number",
    "json_schemas",
    "majority",
    "municipalities",
    "organisation_kind",
    "parse_licence_number",
    "safety_regions",
]
