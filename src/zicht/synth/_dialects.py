"""How each organisation exports: its files, column names, codes, dates and encodings.

A dialect is plain data; :mod:`zicht.synth._exports` applies it to the registrations and
writes the matching mapping file for ``zicht ingest``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from zicht.standard import (
    FORMS,
    MEANS_OF_CONTROL,
    ORGANISATIONS,
    RECRUITER_RELATIONS,
    REPORT_CHANNELS,
    REPORTER_KINDS,
    SECTORS,
    SUSPECT_ROLES,
    VICTIM_STATUSES,
    Vocabulary,
)

__all__ = ["DIALECTS", "Dialect"]

CountryStyle = Literal["alpha2", "alpha2_lower", "alpha3", "alpha3_lower", "dutch_name"]


@dataclass(frozen=True)
class Dialect:
    """One export file of one organisation.

    ``columns`` maps standard field -> own column name, in file order. ``codes`` maps a
    field's standard codes to the organisation's own; fields not listed keep the
    standard's codes. ``flags`` writes a multi-valued field as 0/1 columns instead.
    """

    source: str
    record_type: str
    file: str
    columns: dict[str, str]
    date_format: str = "%Y-%m-%d"
    delimiter: str = ","
    encoding: str = "utf-8"
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    separators: dict[str, str] = field(default_factory=dict)
    flags: dict[str, dict[str, str]] = field(default_factory=dict)
    countries: CountryStyle = "alpha2"
    upper_family_name: bool = False
    true_false: tuple[str, str] = ("ja", "nee")

    @property
    def format(self) -> str:
        """csv, xlsx or jsonl, from the file name."""
        suffix = self.file.rsplit(".", 1)[-1]
        return "csv" if suffix in ("csv", "tsv", "txt") else suffix

    @property
    def mapping_file(self) -> str:
        """The name of the mapping file beside the export."""
        return self.file.rsplit(".", 1)[0] + ".mapping.yaml"


def _dutch(vocabulary: Vocabulary) -> dict[str, str]:
    return {term.code: term.nl for term in vocabulary}


_POLICE_FORMS = {
    "sexual_domestic": "SU-BI",
    "sexual_cross_border": "SU-GO",
    "labour": "AU",
    "criminal": "CU",
    "organ_removal": "OV",
    "other": "OB",
}
_POLICE_GENDER = {
    "female": "V",
    "male": "M",
    "transgender_female": "TV",
    "transgender_male": "TM",
    "non_conforming": "X",
    "unknown": "O",
}
_SHORT_GENDER = {
    "female": "F",
    "male": "M",
    "transgender_female": "TF",
    "transgender_male": "TM",
    "non_conforming": "X",
    "unknown": "U",
}
_ORG_SHORT = {term.code: term.code.upper()[:4] for term in ORGANISATIONS}
_IDENTITY_NL = {
    "family_name": "Achternaam",
    "given_names": "Voornamen",
    "date_of_birth": "Geboortedatum",
    "birth_year": "Geboortejaar",
    "address": "Adres",
    "postcode": "Postcode",
    "city": "Woonplaats",
    "phone": "Telefoon",
    "email": "Email",
    "id_document_number": "ID_nummer",
    "bank_account": "IBAN",
}
_IDENTITY_EN = {
    "family_name": "surname",
    "given_names": "givenNames",
    "date_of_birth": "dateOfBirth",
    "birth_year": "birthYear",
    "address": "street",
    "postcode": "postalCode",
    "city": "city",
    "phone": "phone",
    "email": "email",
    "id_document_number": "documentNumber",
    "bank_account": "iban",
}

DIALECTS: tuple[Dialect, ...] = (
    Dialect(
        source="police",
        record_type="victim_registration",
        file="victims.csv",
        delimiter=";",
        encoding="cp1252",
        date_format="%d-%m-%Y",
        countries="alpha3",
        upper_family_name=True,
        columns={
            "source_record_id": "Registratienummer",
            "registration_date": "Datum_registratie",
            "victim_status": "Status",
            "forms": "Uitbuitingsvorm",
            "sectors": "Sector",
            "means_of_control": "Middelen",
            "gender": "Geslacht",
            "age": "Leeftijd",
            "nationality": "Nationaliteit",
            "country_of_exploitation": "Land_uitbuiting",
            "recruiter_relation": "Relatie_ronselaar",
            **_IDENTITY_NL,
        },
        codes={
            "forms": _POLICE_FORMS,
            "gender": _POLICE_GENDER,
            "victim_status": {"possible": "MOG", "actual": "SLO", "not_a_victim": "GEEN"},
            "sectors": _dutch(SECTORS),
        },
        separators={"forms": "/", "sectors": "/", "means_of_control": "/"},
    ),
    Dialect(
        source="police",
        record_type="suspect_registration",
        file="suspects.xlsx",
        date_format="%d-%m-%Y",
        countries="alpha3",
        upper_family_name=True,
        columns={
            "source_record_id": "Registratienummer",
            "registration_date": "Datum_registratie",
            "forms": "Uitbuitingsvorm",
            "role": "Rol",
            "gender": "Geslacht",
            "age": "Leeftijd",
            "nationality": "Nationaliteit",
            "referred_to_prosecutor": "Ingestroomd_OM",
            "prosecutor_date": "Datum_OM",
            "company_registration_number": "KvK_nummer",
            **{k: v for k, v in _IDENTITY_NL.items() if k != "email"},
        },
        codes={
            "forms": _POLICE_FORMS,
            "gender": _POLICE_GENDER,
            "role": {
                "recruiter": "RONS",
                "exploiter": "UITB",
                "employer": "WG",
                "transporter": "VERV",
                "facilitator": "FAC",
                "unknown": "ONB",
            },
        },
        separators={"forms": "/"},
    ),
    Dialect(
        source="kmar",
        record_type="victim_registration",
        file="victims.jsonl",
        countries="alpha3_lower",
        columns={
            "source_record_id": "caseId",
            "registration_date": "registeredOn",
            "victim_status": "status",
            "forms": "exploitationTypes",
            "gender": "sex",
            "age": "age",
            "nationality": "nationality",
            "country_of_exploitation": "countryOfExploitation",
            "means_of_control": "meansOfControl",
            **_IDENTITY_EN,
        },
        codes={
            "forms": {
                "sexual_domestic": "SEX_NL",
                "sexual_cross_border": "SEX_XB",
                "labour": "LAB",
                "criminal": "CRIM",
                "organ_removal": "ORG",
                "other": "OTH",
            },
            "gender": _SHORT_GENDER,
        },
    ),
    Dialect(
        source="inspectorate",
        record_type="victim_registration",
        file="victims.csv",
        encoding="utf-8-sig",
        date_format="%d/%m/%Y",
        columns={
            "source_record_id": "zaaknummer",
            "registration_date": "datum_intake",
            "sectors": "sector",
            "means_of_control": "indicatoren",
            "gender": "geslacht",
            "age": "leeftijd",
            "nationality": "nationaliteit",
            "recruiter_relation": "relatie_werver",
            "family_name": "achternaam",
            "given_names": "voornaam",
            "date_of_birth": "geboortedatum",
            "address": "verblijfadres",
            "postcode": "postcode",
            "city": "plaats",
            "phone": "telefoon",
            "bank_account": "rekeningnummer",
            "id_document_number": "documentnummer",
        },
        flags={
            "forms": {
                "is_arbeid": "labour",
                "is_seksueel_nl": "sexual_domestic",
                "is_seksueel_gr": "sexual_cross_border",
                "is_crimineel": "criminal",
                "is_orgaan": "organ_removal",
                "is_overig": "other",
            }
        },
        codes={
            "sectors": _dutch(SECTORS),
            "means_of_control": _dutch(MEANS_OF_CONTROL),
            "gender": {
                "female": "v",
                "male": "m",
                "transgender_female": "tv",
                "transgender_male": "tm",
                "non_conforming": "x",
                "unknown": "o",
            },
        },
        separators={"sectors": ";", "means_of_control": ";"},
    ),
    Dialect(
        source="inspectorate",
        record_type="suspect_registration",
        file="suspects.csv",
        delimiter="|",
        columns={
            "source_record_id": "dossier",
            "registration_date": "datum",
            "forms": "vorm",
            "role": "rol",
            "gender": "geslacht",
            "age": "leeftijd",
            "nationality": "nationaliteit",
            "referred_to_prosecutor": "naar_om",
            "prosecutor_date": "datum_om",
            "company_registration_number": "kvk",
            "family_name": "achternaam",
            "given_names": "voornamen",
            "date_of_birth": "geboortedatum",
            "address": "adres",
            "postcode": "postcode",
            "city": "plaats",
            "phone": "telefoon",
            "bank_account": "iban",
        },
        codes={
            "forms": _dutch(FORMS),
            "role": _dutch(SUSPECT_ROLES),
            "gender": {
                "female": "v",
                "male": "m",
                "transgender_female": "tv",
                "transgender_male": "tm",
                "non_conforming": "x",
                "unknown": "o",
            },
        },
        true_false=("1", "0"),
    ),
    Dialect(
        source="inspectorate",
        record_type="report",
        file="reports.xlsx",
        date_format="%d-%m-%Y",
        columns={
            "source_record_id": "meldingnummer",
            "registration_date": "datum_melding",
            "forms": "vorm",
            "channel": "kanaal",
            "reporter_kind": "melder",
            "sectors": "sector",
            "municipality": "gemeente",
            "persons_involved": "aantal_betrokkenen",
            "reporter_name": "naam_melder",
            "reporter_phone": "telefoon_melder",
            "description": "omschrijving",
        },
        codes={
            "forms": _dutch(FORMS),
            "channel": _dutch(REPORT_CHANNELS),
            "reporter_kind": _dutch(REPORTER_KINDS),
            "sectors": _dutch(SECTORS),
        },
    ),
    Dialect(
        source="fairwork",
        record_type="victim_registration",
        file="victims.xlsx",
        date_format="%d-%m-%Y",
        countries="dutch_name",
        columns={
            "source_record_id": "Dossiernummer",
            "registration_date": "Aanmelddatum",
            "victim_status": "Status",
            "forms": "Vorm",
            "sectors": "Sector",
            "gender": "Geslacht",
            "age": "Leeftijd",
            "nationality": "Nationaliteit",
            "country_of_exploitation": "Land",
            "means_of_control": "Signalen",
            "given_names": "Voornaam",
            "family_name": "Achternaam",
            "date_of_birth": "Geboortedatum",
            "birth_year": "Geboortejaar",
            "phone": "Telefoonnummer",
            "email": "E-mail",
            "address": "Adres",
            "postcode": "Postcode",
            "city": "Woonplaats",
            "bank_account": "Rekeningnummer",
        },
        codes={
            "forms": _dutch(FORMS),
            "sectors": _dutch(SECTORS),
            "gender": {
                "female": "vrouw",
                "male": "man",
                "transgender_female": "trans vrouw",
                "transgender_male": "trans man",
                "non_conforming": "non-binair",
                "unknown": "onbekend-geslacht",
            },
            "victim_status": _dutch(VICTIM_STATUSES),
            "means_of_control": _dutch(MEANS_OF_CONTROL),
        },
        separators={"forms": ",", "sectors": ",", "means_of_control": ","},
    ),
    Dialect(
        source="fairwork",
        record_type="report",
        file="reports.jsonl",
        columns={
            "source_record_id": "id",
            "registration_date": "received",
            "forms": "forms",
            "channel": "channel",
            "reporter_kind": "reporter",
            "sectors": "sectors",
            "persons_involved": "people",
            "reporter_name": "contactName",
            "reporter_phone": "contactPhone",
            "description": "summary",
        },
    ),
    Dialect(
        source="care_coordinator",
        record_type="victim_registration",
        file="victims.tsv",
        delimiter="\t",
        encoding="latin-1",
        date_format="%d.%m.%Y",
        countries="alpha2_lower",
        columns={
            "source_record_id": "client_nr",
            "registration_date": "datum_aanmelding",
            "referred_by": "verwijzer",
            "forms": "vorm",
            "gender": "geslacht",
            "age": "leeftijd",
            "nationality": "nationaliteit",
            "recruiter_relation": "relatie_dader",
            "victim_status": "status",
            "given_names": "voornamen",
            "family_name": "achternaam",
            "date_of_birth": "geb_datum",
            "address": "adres",
            "postcode": "postcode",
            "city": "woonplaats",
            "phone": "tel",
            "email": "email",
        },
        codes={
            "referred_by": _ORG_SHORT,
            "forms": _POLICE_FORMS,
            "gender": _POLICE_GENDER,
            "recruiter_relation": _dutch(RECRUITER_RELATIONS),
        },
        separators={"forms": ","},
    ),
    Dialect(
        source="shelter",
        record_type="victim_registration",
        file="victims.csv",
        date_format="%d/%m/%Y",
        countries="dutch_name",
        columns={
            "source_record_id": "intake_id",
            "registration_date": "intake_datum",
            "forms": "uitbuiting",
            "gender": "gender",
            "age": "leeftijd",
            "nationality": "land_herkomst",
            "referred_by": "verwezen_door",
            "given_names": "voornaam",
            "family_name": "achternaam",
            "date_of_birth": "geboortedatum",
            "phone": "telefoon",
            "id_document_number": "id_document",
        },
        codes={
            "forms": _dutch(FORMS),
            "gender": _SHORT_GENDER,
            "referred_by": _dutch(ORGANISATIONS),
        },
        separators={"forms": "+"},
    ),
    Dialect(
        source="other",
        record_type="victim_registration",
        file="victims.jsonl",
        columns={
            name: name
            for name in (
                "source_record_id",
                "registration_date",
                "victim_status",
                "forms",
                "sectors",
                "gender",
                "age",
                "nationality",
                "country_of_exploitation",
                "given_names",
                "family_name",
                "date_of_birth",
                "birth_year",
                "phone",
                "email",
                "id_document_number",
            )
        },
    ),
    Dialect(
        source="comensha",
        record_type="victim_registration",
        file="victims.csv",
        delimiter=";",
        encoding="utf-8-sig",
        columns={
            "source_record_id": "Kenmerk",
            "registration_date": "Datum_melding",
            "referred_by": "Melder",
            "victim_status": "Status",
            "forms": "Vormen",
            "sectors": "Sectoren",
            "means_of_control": "Middelen_controle",
            "gender": "Gender",
            "age": "Leeftijd",
            "nationality": "Nationaliteit",
            "country_of_exploitation": "Land_uitbuiting",
            "recruiter_relation": "Relatie_ronselaar",
            **_IDENTITY_NL,
        },
        separators={"forms": ",", "sectors": ",", "means_of_control": ","},
    ),
)
