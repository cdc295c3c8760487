"""Registering organisations of the Dutch chain and their kind (HTCDS organisation type)."""

from __future__ import annotations

from zicht.standard._vocabulary import Term, Vocabulary

__all__ = ["ORGANISATIONS", "ORGANISATION_KINDS", "organisation_kind"]

ORGANISATION_KINDS = Vocabulary(
    name="organisation_kind",
    nl="Soort organisatie",
    en="Kind of organisation",
    terms=(
        Term(
            "law_enforcement", "Opsporing en handhaving", "Law enforcement", htcds="LawEnforcement"
        ),
        Term("ngo", "Maatschappelijke organisatie", "Non-governmental organisation", htcds="NGO"),
        Term(
            "central_government",
            "Rijksoverheid",
            "Central government",
            htcds="CentralGovernmentOrganisation",
        ),
        Term(
            "local_government",
            "Gemeente of regio",
            "Local government",
            htcds="LocalGovernmentOrganisation",
        ),
        Term("immigration", "Immigratiedienst", "Immigration service", htcds="ImmigrationService"),
        Term(
            "health_service",
            "Zorg en opvang",
            "Health or care service",
            htcds="HealthServiceOrganisation",
        ),
        Term("legal_service", "Juridische hulp", "Legal service", htcds="LegalService"),
    ),
)


def _org(code: str, nl: str, en: str, kind: str) -> Term:
    return Term(code, nl, en, htcds=ORGANISATION_KINDS.get(kind).htcds, extra=(("kind", kind),))


ORGANISATIONS = Vocabulary(
    name="organisation",
    nl="Registrerende organisatie",
    en="Registering organisation",
    description_en="The organisation that registered or reported the record.",
    terms=(
        _org("police", "Nationale Politie (AVIM)", "National Police (AVIM)", "law_enforcement"),
        _org("kmar", "Koninklijke Marechaussee", "Royal Marechaussee (KMar)", "law_enforcement"),
        _org(
            "inspectorate",
            "Nederlandse Arbeidsinspectie",
            "Netherlands Labour Authority (inspectorate)",
            "law_enforcement",
        ),
        _org("fairwork", "FairWork", "FairWork", "ngo"),
        _org("care_coordinator", "Zorgcoördinator", "Care coordinator", "local_government"),
        _org("shelter", "Opvangorganisatie", "Shelter", "health_service"),
        _org("comensha", "CoMensha", "CoMensha (national coordination centre)", "ngo"),
        _org(
            "ind", "Immigratie- en Naturalisatiedienst", "Immigration service (IND)", "immigration"
        ),
        _org("om", "Openbaar Ministerie", "Public Prosecution Service", "law_enforcement"),
        _org("lawyer", "Advocaat", "Lawyer", "legal_service"),
        _org("other", "Overig", "Other", "ngo"),
    ),
)


def organisation_kind(code: str) -> str:
    """The kind (an ORGANISATION_KINDS code) of a registering organisation."""
    kind = ORGANISATIONS.get(code).attribute("kind")
    assert kind is not None
    return kind
