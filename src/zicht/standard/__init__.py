"""The shared data standard v1: vocabularies (nl/en, CTDC/HTCDS) and record models.

Pure: imports nothing else from Zicht and does no I/O.
"""

from zicht.standard.countries import COUNTRIES, country_code
from zicht.standard.exploitation import FORMS, MEANS_OF_CONTROL, RECRUITER_RELATIONS, SECTORS
from zicht.standard.organisations import ORGANISATION_KINDS, ORGANISATIONS, organisation_kind
from zicht.standard.people import (
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
from zicht.standard.records import (
    ReportIdentity,
    ReportRecord,
    SuspectIdentity,
    SuspectRegistration,
    VictimIdentity,
    VictimRegistration,
)
from zicht.standard.registry import RECORD_TYPES, VOCABULARIES, RecordType, json_schemas
from zicht.standard.vocabulary import Term, Vocabulary

__all__ = [
    "AGE_BANDS",
    "COUNTRIES",
    "FORMS",
    "GENDERS",
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
    "json_schemas",
    "majority",
    "organisation_kind",
]
