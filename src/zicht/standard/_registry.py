"""The record types and vocabularies of the standard, by name, and their JSON Schemas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from zicht.standard._countries import COUNTRIES
from zicht.standard._exploitation import FORMS, MEANS_OF_CONTROL, RECRUITER_RELATIONS, SECTORS
from zicht.standard._organisations import ORGANISATION_KINDS, ORGANISATIONS
from zicht.standard._people import (
    AGE_BANDS,
    GENDERS,
    MAJORITY,
    REPORT_CHANNELS,
    REPORTER_KINDS,
    SUSPECT_ROLES,
    VICTIM_STATUSES,
)
from zicht.standard._records import (
    ReportIdentity,
    ReportRecord,
    SuspectIdentity,
    SuspectRegistration,
    VictimIdentity,
    VictimRegistration,
)
from zicht.standard._vocabulary import Vocabulary

__all__ = ["RECORD_TYPES", "VOCABULARIES", "RecordType", "field_label", "json_schemas"]

STANDARD_VERSION = "1.0"


@dataclass(frozen=True)
class RecordType:
    """A record type: its analytic model and its identity model."""

    name: str
    nl: str
    en: str
    analytic: type[BaseModel]
    identity: type[BaseModel]

    @property
    def analytic_fields(self) -> tuple[str, ...]:
        """Names of the analytic fields."""
        return tuple(self.analytic.model_fields)

    @property
    def identity_fields(self) -> tuple[str, ...]:
        """Names of the identity fields."""
        return tuple(self.identity.model_fields)

    @property
    def fields(self) -> tuple[str, ...]:
        """All field names, analytic first."""
        return self.analytic_fields + self.identity_fields

    @property
    def required_fields(self) -> tuple[str, ...]:
        """Fields a row must provide."""
        return tuple(
            name for name, info in self.analytic.model_fields.items() if info.is_required()
        )


RECORD_TYPES: dict[str, RecordType] = {
    record_type.name: record_type
    for record_type in (
        RecordType(
            "victim_registration",
            "Registratie (mogelijk) slachtoffer",
            "Registration of a (possible) victim",
            VictimRegistration,
            VictimIdentity,
        ),
        RecordType(
            "suspect_registration",
            "Registratie verdachte",
            "Registration of a suspect",
            SuspectRegistration,
            SuspectIdentity,
        ),
        RecordType("report", "Melding", "Report (melding)", ReportRecord, ReportIdentity),
    )
}

VOCABULARIES: dict[str, Vocabulary] = {
    vocabulary.name: vocabulary
    for vocabulary in (
        ORGANISATIONS,
        ORGANISATION_KINDS,
        FORMS,
        SECTORS,
        MEANS_OF_CONTROL,
        RECRUITER_RELATIONS,
        GENDERS,
        AGE_BANDS,
        MAJORITY,
        VICTIM_STATUSES,
        SUSPECT_ROLES,
        REPORT_CHANNELS,
        REPORTER_KINDS,
        COUNTRIES,
    )
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema (draft 2020-12) per record type, analytic and identity parts."""
    schemas: dict[str, dict[str, Any]] = {}
    for record_type in RECORD_TYPES.values():
        analytic = record_type.analytic.model_json_schema()
        identity = record_type.identity.model_json_schema()
        schemas[record_type.name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://zicht.example/standard/{STANDARD_VERSION}/{record_type.name}.json",
            "title": record_type.en,
            "description": (
                f"{record_type.en} / {record_type.nl} (Zicht standard {STANDARD_VERSION})"
            ),
            "type": "object",
            "properties": {
                "record": analytic,
                "identity": identity,
            },
            "required": ["record"],
            "additionalProperties": False,
        }
    return schemas


def field_label(record_type: str, name: str, lang: str) -> str | None:
    """The label of a field of `record_type` in `lang` (Dutch for nl, else English);
    None for a name that is no field of the record type."""
    kind = RECORD_TYPES.get(record_type)
    if kind is None:
        return None
    info = kind.analytic.model_fields.get(name) or kind.identity.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    if not isinstance(extra, dict):
        return None
    label = extra.get("label_nl" if lang == "nl" else "label_en")
    return label if isinstance(label, str) else None
