"""Record types of the standard, each split into analytic fields and identity fields.

The analytic part of a record (what was registered about whom, in codes) can be
counted and shared in aggregate; the identity part (names, birth, addresses, phone,
e-mail, document and bank numbers) is personal data that the store keeps encrypted.
The two are separate models so that an identity can never be serialised by accident
together with the statistics.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from zicht.standard._countries import COUNTRIES
from zicht.standard._exploitation import FORMS, MEANS_OF_CONTROL, RECRUITER_RELATIONS, SECTORS
from zicht.standard._fields import InVocabulary, described
from zicht.standard._organisations import ORGANISATIONS
from zicht.standard._people import (
    GENDERS,
    REPORT_CHANNELS,
    REPORTER_KINDS,
    SUSPECT_ROLES,
    VICTIM_STATUSES,
    is_bsn,
    majority,
    normalise_national_id,
)

__all__ = [
    "EARLIEST_DATE",
    "ReportIdentity",
    "ReportRecord",
    "SuspectIdentity",
    "SuspectRegistration",
    "VictimIdentity",
    "VictimRegistration",
]

# No control characters but tab and line breaks: a NUL is refused by PostgreSQL and
# stored by SQLite, so it is refused here, the same way on both.
_PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_PRINTABLE),
]
RecordId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=_PRINTABLE),
]
# Dates before this are typing errors (0001, 1850), not registrations or births of people
# alive in the monitor's years.
EARLIEST_DATE = dt.date(1900, 1, 1)
Organisation = Annotated[str, InVocabulary(ORGANISATIONS)]
Country = Annotated[str, InVocabulary(COUNTRIES)]
Forms = Annotated[tuple[str, ...], InVocabulary(FORMS)]


# The rules of the validators below are plain functions: mutation testing (mutmut) does
# not mutate decorated methods, and a rule it cannot mutate is a rule it cannot measure.


# `dt.date.today()` costs about 4 us (the local time zone is looked up on every call),
# and every record checks one or two dates (issue 17). It is `date.fromtimestamp(time())`,
# and a local date only changes on a whole second (time zone offsets and their
# transitions are whole seconds), so it is the same for every call within one second.
# (whole second of time.time(), its local date): one tuple, replaced whole, so that a
# thread never reads the second of one lookup with the date of another.
_today_at: tuple[int, dt.date] = (-1, dt.date.min)


def _today() -> dt.date:
    """`dt.date.today()`, looked up once per second of the clock."""
    now = time.time()
    second, today = _today_at
    if second != int(now):
        return _new_day(now)
    return today


def _new_day(now: float) -> dt.date:
    global _today_at
    today = dt.date.fromtimestamp(now)
    _today_at = (int(now), today)
    return today


def _check_date(name: str, date: dt.date) -> None:
    """Refuse a date after today or before 1900 (the message names the field)."""
    if date > _today():
        raise ValueError(f"{name} lies in the future")
    if date < EARLIEST_DATE:
        raise ValueError(f"{name} lies before 1900")


def _minor_of(age: int | None, minor: bool | None) -> bool | None:
    """Minor as given, derived from the age when not given; refused when they disagree."""
    if age is None:
        return minor
    derived = majority(age) == "minor"
    if minor is not None and minor != derived:
        raise ValueError("minor disagrees with age")
    return derived


def _birth_year_of(date_of_birth: dt.date | None, birth_year: int | None) -> int | None:
    """The birth year, derived from the date of birth, which must be a possible date."""
    if date_of_birth is None:
        return birth_year
    if birth_year is not None and birth_year != date_of_birth.year:
        raise ValueError("birth_year disagrees with date_of_birth")
    _check_date("date_of_birth", date_of_birth)
    return date_of_birth.year


def _national_id_of(number: str | None, country: str | None) -> tuple[str | None, str | None]:
    """The normalised national id number and its country (NL when none is given)."""
    if number is None:
        if country is not None:
            raise ValueError("national_id_country given without national_id_number")
        return None, None
    normalised = normalise_national_id(number)
    if not normalised:
        raise ValueError("national_id_number has no letters or digits")
    if country in (None, "NL"):
        if not is_bsn(normalised):
            raise ValueError("national_id_number fails the BSN eleven-test")
        return normalised, "NL"
    return normalised, country


def _referred(prosecutor_date: dt.date | None, registration_date: dt.date) -> bool:
    """True when a prosecutor date says the case was referred; it may not precede
    the registration."""
    if prosecutor_date is None:
        return False
    if prosecutor_date < registration_date:
        raise ValueError("prosecutor_date lies before registration_date")
    return True


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Registered(_Model):
    """Fields every record type shares: who registered it, which record, when."""

    source: Organisation = described(
        "Registrerende organisatie", "Registering organisation", vocabulary=ORGANISATIONS
    )
    source_record_id: RecordId = described(
        "Kenmerk bij de bron", "The record's id in the source's own system"
    )
    registration_date: dt.date = described("Registratiedatum", "Date of registration")

    @model_validator(mode="after")
    def _not_in_future(self) -> Any:
        _check_date("registration_date", self.registration_date)
        return self


class VictimRegistration(_Registered):
    """One organisation's registration of one (possible) victim on one date."""

    victim_status: Annotated[str, InVocabulary(VICTIM_STATUSES)] = described(
        "Status", "Victim status", vocabulary=VICTIM_STATUSES, default="possible"
    )
    forms: Forms = described(
        "Vormen van uitbuiting", "Forms of exploitation", vocabulary=FORMS, min_length=1
    )
    sectors: Annotated[tuple[str, ...], InVocabulary(SECTORS)] = described(
        "Sectoren", "Sectors of labour", vocabulary=SECTORS, default=()
    )
    means_of_control: Annotated[tuple[str, ...], InVocabulary(MEANS_OF_CONTROL)] = described(
        "Middelen van controle", "Means of control", vocabulary=MEANS_OF_CONTROL, default=()
    )
    gender: Annotated[str, InVocabulary(GENDERS)] = described(
        "Geslacht", "Gender", vocabulary=GENDERS, default="unknown"
    )
    age: int | None = described(
        "Leeftijd bij registratie", "Age at registration in whole years", default=None, ge=0, le=120
    )
    minor: bool | None = described("Minderjarig", "Minor (under 18) at registration", default=None)
    nationality: Country | None = described(
        "Nationaliteit", "Nationality (ISO 3166-1 alpha-2)", vocabulary=COUNTRIES, default=None
    )
    country_of_exploitation: Country | None = described(
        "Land van uitbuiting", "Country of exploitation", vocabulary=COUNTRIES, default=None
    )
    recruiter_relation: Annotated[str, InVocabulary(RECRUITER_RELATIONS)] | None = described(
        "Relatie met ronselaar",
        "Relation to recruiter",
        vocabulary=RECRUITER_RELATIONS,
        default=None,
    )
    referred_by: Organisation | None = described(
        "Doorverwezen door",
        "Organisation that referred the case",
        vocabulary=ORGANISATIONS,
        default=None,
    )

    @model_validator(mode="after")
    def _minor_agrees_with_age(self) -> VictimRegistration:
        object.__setattr__(self, "minor", _minor_of(self.age, self.minor))
        return self


class _PersonIdentity(_Model):
    """Identity fields of a person: personal data, stored encrypted."""

    given_names: Text | None = described("Voornamen", "Given names", identity=True, default=None)
    middle_names: Text | None = described(
        "Overige voornamen of initialen",
        "Middle names or initials (when a source keeps them apart from the given name)",
        identity=True,
        default=None,
    )
    family_name: Text | None = described("Achternaam", "Family name", identity=True, default=None)
    date_of_birth: dt.date | None = described(
        "Geboortedatum", "Date of birth", identity=True, default=None
    )
    birth_year: int | None = described(
        "Geboortejaar",
        "Year of birth (when only the year is known)",
        identity=True,
        default=None,
        ge=1900,
        le=2100,
    )
    place_of_birth: Text | None = described(
        "Geboorteplaats", "Place of birth", identity=True, default=None
    )
    address: Text | None = described("Adres", "Street address", identity=True, default=None)
    postcode: Text | None = described("Postcode", "Postal code", identity=True, default=None)
    city: Text | None = described("Woonplaats", "City", identity=True, default=None)
    phone: Text | None = described("Telefoonnummer", "Phone number", identity=True, default=None)
    email: Text | None = described("E-mailadres", "E-mail address", identity=True, default=None)
    national_id_number: Text | None = described(
        "Nationaal identificatienummer",
        "National identification number: the BSN (eleven-test) when issued by the "
        "Netherlands or when no country is given, else the issuing country's number",
        identity=True,
        default=None,
    )
    national_id_country: Country | None = described(
        "Land van uitgifte identificatienummer",
        "Country that issued the national identification number (ISO 3166-1 alpha-2)",
        vocabulary=COUNTRIES,
        identity=True,
        default=None,
    )
    id_document_number: Text | None = described(
        "Nummer identiteitsbewijs",
        "Identity-document number (passport, identity card, residence permit)",
        identity=True,
        default=None,
    )
    bank_account: Text | None = described(
        "Bankrekening (IBAN)", "Bank account (IBAN)", identity=True, default=None
    )

    @model_validator(mode="after")
    def _birth_consistent(self) -> Any:
        object.__setattr__(self, "birth_year", _birth_year_of(self.date_of_birth, self.birth_year))
        return self

    @model_validator(mode="after")
    def _national_id(self) -> Any:
        number, country = _national_id_of(self.national_id_number, self.national_id_country)
        object.__setattr__(self, "national_id_number", number)
        object.__setattr__(self, "national_id_country", country)
        return self

    def is_empty(self) -> bool:
        """True when no identity field is filled."""
        return all(value is None for value in self.model_dump().values())


class VictimIdentity(_PersonIdentity):
    """Identity of the (possible) victim of a victim registration."""


class SuspectRegistration(_Registered):
    """One organisation's registration of one suspect of trafficking."""

    forms: Forms = described(
        "Vormen van uitbuiting", "Forms of exploitation", vocabulary=FORMS, min_length=1
    )
    role: Annotated[str, InVocabulary(SUSPECT_ROLES)] = described(
        "Rol", "Role of the suspect", vocabulary=SUSPECT_ROLES, default="unknown"
    )
    gender: Annotated[str, InVocabulary(GENDERS)] = described(
        "Geslacht", "Gender", vocabulary=GENDERS, default="unknown"
    )
    age: int | None = described(
        "Leeftijd bij registratie", "Age at registration in whole years", default=None, ge=0, le=120
    )
    nationality: Country | None = described(
        "Nationaliteit", "Nationality (ISO 3166-1 alpha-2)", vocabulary=COUNTRIES, default=None
    )
    referred_to_prosecutor: bool = described(
        "Ingestroomd bij OM", "Brought to the Public Prosecution Service", default=False
    )
    prosecutor_date: dt.date | None = described(
        "Datum instroom OM", "Date the case reached the prosecutor", default=None
    )

    @model_validator(mode="after")
    def _prosecutor_consistent(self) -> SuspectRegistration:
        referred = _referred(self.prosecutor_date, self.registration_date)
        if referred:
            object.__setattr__(self, "referred_to_prosecutor", True)
        return self


class SuspectIdentity(_PersonIdentity):
    """Identity of a suspect, with the company they run or act for."""

    company_registration_number: Text | None = described(
        "KvK-nummer",
        "Company registration number (Chamber of Commerce)",
        identity=True,
        default=None,
    )


class ReportRecord(_Registered):
    """A report (melding): a signal of possible trafficking received by an organisation."""

    forms: Forms = described(
        "Vormen van uitbuiting", "Forms of exploitation", vocabulary=FORMS, min_length=1
    )
    channel: Annotated[str, InVocabulary(REPORT_CHANNELS)] = described(
        "Kanaal", "Reporting channel", vocabulary=REPORT_CHANNELS, default="other"
    )
    reporter_kind: Annotated[str, InVocabulary(REPORTER_KINDS)] = described(
        "Melder", "Who reported", vocabulary=REPORTER_KINDS, default="anonymous"
    )
    sectors: Annotated[tuple[str, ...], InVocabulary(SECTORS)] = described(
        "Sectoren", "Sectors of labour", vocabulary=SECTORS, default=()
    )
    municipality: Text | None = described(
        "Gemeente", "Municipality where it happened", default=None
    )
    persons_involved: int | None = described(
        "Aantal betrokkenen", "Number of possible victims involved", default=None, ge=0, le=10000
    )


class ReportIdentity(_Model):
    """Personal data in a report: the reporter's contact details and the free text."""

    reporter_name: Text | None = described(
        "Naam melder", "Reporter's name", identity=True, default=None
    )
    reporter_phone: Text | None = described(
        "Telefoon melder", "Reporter's phone", identity=True, default=None
    )
    reporter_email: Text | None = described(
        "E-mail melder", "Reporter's e-mail", identity=True, default=None
    )
    description: Annotated[str, StringConstraints(max_length=5000)] | None = described(
        "Omschrijving", "Free-text description (may name people)", identity=True, default=None
    )

    def is_empty(self) -> bool:
        """True when no identity field is filled."""
        return all(value is None for value in self.model_dump().values())
