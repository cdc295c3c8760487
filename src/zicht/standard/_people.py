"""Gender, age, victim status and the vocabularies of suspects and reports (meldingen)."""

from __future__ import annotations

from stdnum.nl import bsn as _bsn

from zicht.standard._vocabulary import Term, Vocabulary

__all__ = [
    "AGE_BANDS",
    "GENDERS",
    "MAJORITY",
    "REPORTER_KINDS",
    "REPORT_CHANNELS",
    "SUSPECT_ROLES",
    "VICTIM_STATUSES",
    "age_band",
    "is_bsn",
    "majority",
    "normalise_national_id",
]

GENDERS = Vocabulary(
    name="gender",
    nl="Geslacht",
    en="Gender",
    terms=(
        Term("female", "Vrouw", "Female", ctdc="Female", htcds="Feminine"),
        Term("male", "Man", "Male", ctdc="Male", htcds="Masculine"),
        Term(
            "transgender_female",
            "Transgender vrouw",
            "Transgender female",
            ctdc="Transgender/NonConforming",
            htcds="TransgenderFeminine",
        ),
        Term(
            "transgender_male",
            "Transgender man",
            "Transgender male",
            ctdc="Transgender/NonConforming",
            htcds="TransgenderMasculine",
        ),
        Term(
            "non_conforming",
            "Non-binair",
            "Non-conforming",
            ctdc="Transgender/NonConforming",
            htcds="NonConforming",
        ),
        Term("unknown", "Onbekend", "Unknown", ctdc="-99", htcds="NonSpecifiedUnknown"),
    ),
)

# CTDC `ageBroad` bands: (code, lowest age, highest age or None for open-ended).
_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0--8", 0, 8),
    ("9--17", 9, 17),
    ("18--20", 18, 20),
    ("21--23", 21, 23),
    ("24--26", 24, 26),
    ("27--29", 27, 29),
    ("30--38", 30, 38),
    ("39--47", 39, 47),
    ("48+", 48, None),
)

AGE_BANDS = Vocabulary(
    name="age_band",
    nl="Leeftijdsgroep",
    en="Age band",
    description_en="CTDC ageBroad bands of the age at registration.",
    terms=tuple(
        Term(
            code,
            f"{low}–{high} jaar" if high is not None else f"{low} jaar en ouder",
            f"{low}–{high} years" if high is not None else f"{low} years and over",
            ctdc=code,
        )
        for code, low, high in _BANDS
    ),
)

MAJORITY = Vocabulary(
    name="majority",
    nl="Minderjarig of meerderjarig",
    en="Minor or adult",
    terms=(
        Term("minor", "Minderjarig", "Minor", ctdc="Minor"),
        Term("adult", "Meerderjarig", "Adult", ctdc="Adult"),
    ),
)


def age_band(age: int) -> str:
    """The CTDC band code of an age in whole years."""
    if age < 0:
        raise ValueError("age must not be negative")
    for code, low, high in _BANDS:
        if low <= age and (high is None or age <= high):
            return code
    raise AssertionError("bands cover every age")  # pragma: no cover


def majority(age: int) -> str:
    """ "minor" under 18, else "adult"."""
    return "minor" if age < 18 else "adult"


VICTIM_STATUSES = Vocabulary(
    name="victim_status",
    nl="Status slachtoffer",
    en="Victim status",
    description_en="A registration is not a finding: most are possible victims.",
    terms=(
        Term(
            "possible",
            "Mogelijk slachtoffer",
            "Possible victim",
            htcds="PossibleVictimOfTrafficking",
        ),
        Term("actual", "Slachtoffer", "Actual victim", htcds="ActualVictimOfTrafficking"),
        Term("not_a_victim", "Geen slachtoffer", "Not a victim", htcds="NotAVictimOfTrafficking"),
    ),
)

SUSPECT_ROLES = Vocabulary(
    name="suspect_role",
    nl="Rol verdachte",
    en="Role of suspect",
    terms=(
        Term("recruiter", "Ronselaar", "Recruiter"),
        Term("exploiter", "Uitbuiter", "Exploiter"),
        Term("employer", "Werkgever", "Employer"),
        Term("transporter", "Vervoerder", "Transporter"),
        Term("facilitator", "Facilitator", "Facilitator"),
        Term("unknown", "Onbekend", "Unknown"),
    ),
)

REPORT_CHANNELS = Vocabulary(
    name="report_channel",
    nl="Kanaal van de melding",
    en="Reporting channel",
    terms=(
        Term("phone", "Telefoon", "Phone"),
        Term("online_form", "Webformulier", "Online form"),
        Term("chat", "Chat", "Chat"),
        Term("in_person", "Persoonlijk", "In person"),
        Term("email", "E-mail", "E-mail"),
        Term("inspection", "Bij inspectie of controle", "During an inspection"),
        Term("other", "Overig", "Other"),
    ),
)

REPORTER_KINDS = Vocabulary(
    name="reporter_kind",
    nl="Melder",
    en="Reporter",
    terms=(
        Term("victim", "Slachtoffer zelf", "The victim"),
        Term("third_party", "Derde", "A third party"),
        Term("client", "Klant van een sekswerker", "A client of a sex worker"),
        Term("professional", "Professional", "A professional"),
        Term("anonymous", "Anoniem", "Anonymous"),
    ),
)


def normalise_national_id(value: str) -> str:
    """A national identification number without spaces, dots and dashes, upper-case."""
    return "".join(ch for ch in value if ch.isalnum()).upper()


def is_bsn(value: str) -> bool:
    """True when `value` is a valid Dutch citizen service number (BSN).

    A BSN has nine digits (older ones eight, written with a leading zero) and passes
    the eleven-test ("elfproef": 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11);
    python-stdnum's `stdnum.nl.bsn` does both.
    """
    return bool(_bsn.is_valid(value))
