"""Dutch by default, English on request: page texts, numbers and dates.

The language comes from the `lang` query parameter (which also sets the `lang`
cookie), else the cookie, else Dutch. Labels of codes come from the standard's
vocabularies; numbers and dates are formatted by Babel for nl_NL or en_GB.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from starlette.requests import Request

from zicht.standard import VOCABULARIES

__all__ = ["LANGUAGES", "MESSAGES", "Translator", "language_of"]

LANGUAGES = {"nl": ("Nederlands", "nl_NL"), "en": ("English", "en_GB")}
DEFAULT_LANGUAGE = "nl"
LANG_COOKIE = "lang"

MESSAGES: dict[str, tuple[str, str]] = {
    "clear_filter": ("Filter wissen", "Clear the filter"),
    "delivered_value": ("Aangeleverd: {value}", "As delivered: {value}"),
    "export_quarantine_type": (
        "{type}: {count} regels downloaden (CSV)",
        "{type}: download {count} rows (CSV)",
    ),
    "identity_hidden": (
        "{count} velden met persoonsgegevens zijn verborgen. Ze blijven zoals aangeleverd, "
        "tenzij u ze toont (met een doel, dat wordt vastgelegd) en verbetert.",
        "{count} fields with personal data are hidden. They stay as delivered unless you "
        "show them (with a purpose, which is recorded) and correct them.",
    ),
    "quarantine_export_intro": (
        "Eén bestand per soort registratie, met alleen de kolommen daarvan. Verbeter het en"
        " lever het aan als die soort registratie, met dezelfde mapping.",
        "One file per record type, with only its columns. Correct it and upload it as that "
        "record type, with the same mapping.",
    ),
    "quarantine_export_title": (
        "Downloaden, verbeteren en opnieuw aanleveren",
        "Download, correct and upload again",
    ),
    "quarantine_groups": ("Per soort registratie en probleem", "By record type and problem"),
    "quarantine_groups_caption": (
        "Open regels per soort registratie en probleem",
        "Open rows by record type and problem",
    ),
    "quarantine_rows": ("Regels", "Rows"),
    "show_identity": ("Persoonsgegevens tonen", "Show personal data"),
    "upload_waiting": (
        "{count} regels van dit bestand stonden al in quarantaine uit een eerdere levering "
        "en zijn niet opnieuw toegevoegd. Verbeter ze in de quarantaine.",
        "{count} rows of this file were already quarantined from an earlier delivery and "
        "were not added again. Correct them in the quarantine.",
    ),
    "action": ("Handeling", "Action"),
    "actions": ("Acties", "Actions"),
    "actions_granted": ("Toegestane handelingen", "Actions granted"),
    "active": ("Actief", "Active"),
    "actor": ("Door", "By"),
    "add_user": ("Gebruiker toevoegen", "Add user"),
    "all": ("Alle", "All"),
    "analytic_fields": ("Gegevens van de registratie", "Registration data"),
    "apply": ("Toepassen", "Apply"),
    "audit": ("Audittrail", "Audit trail"),
    "audit_caption": ("{total} vermeldingen, nieuwste eerst", "{total} entries, newest first"),
    "audit_intro": (
        "Wie zag of wijzigde welke gegevens, wanneer, vanaf waar en met welk doel.",
        "Who saw or changed which data, when, from where and for what purpose.",
    ),
    "back_home": ("Terug naar de startpagina", "Back to the start page"),
    "back_to_list": ("Terug naar de lijst", "Back to the list"),
    "back_to_quarantine": ("Terug naar de quarantaine", "Back to the quarantine"),
    "batch": ("Levering", "Batch"),
    "chain_broken": (
        "De audittrail is aangetast vanaf vermelding {seq}: {problem}.",
        "The audit trail is broken from entry {seq}: {problem}.",
    ),
    "chain_ok": (
        "De audittrail is intact ({count} vermeldingen gecontroleerd).",
        "The audit trail is intact ({count} entries checked).",
    ),
    "client": ("Vanaf", "From"),
    "code": ("Code", "Code"),
    "column": ("Kolom", "Column"),
    "comparison": ("Vergelijking", "Comparison"),
    "correct_intro": (
        "Verbeter de waarden en lever de regel opnieuw aan. De fouten staan bij de velden.",
        "Correct the values and resubmit the row. The problems are shown at the fields.",
    ),
    "correct_row": ("Regel {row} corrigeren", "Correct row {row}"),
    "correct_title": ("Regel {row} van {file} corrigeren", "Correct row {row} of {file}"),
    "count": ("Aantal", "Count"),
    "create_token": ("API-sleutel aanmaken", "Create API token"),
    "dashboard": ("Dashboard", "Dashboard"),
    "dashboard_intro": (
        "Kerncijfers van de registraties van alle ketenpartners, zonder dubbeltellingen "
        "waar gekoppeld.",
        "Headline figures of the registrations of all chain partners, without double "
        "counting where linked.",
    ),
    "disable": ("Blokkeren", "Disable"),
    "enable": ("Deblokkeren", "Enable"),
    "error": ("Fout", "Error"),
    "error_summary": ("Er is een probleem", "There is a problem"),
    "estimate": ("Schatting", "Estimate"),
    "estimates": ("Schattingen", "Estimates"),
    "estimates_caption": (
        "Geschat aantal slachtoffers (koppelrun {run})",
        "Estimated number of victims (link run {run})",
    ),
    "estimates_intro": (
        "Schatting van het werkelijke aantal slachtoffers met multiple systems estimation, "
        "op basis van de gekoppelde personen.",
        "Estimate of the real number of victims by multiple systems estimation, from the "
        "linked persons.",
    ),
    "expires": ("Verloopt", "Expires"),
    "field": ("Veld", "Field"),
    "file": ("Bestand", "File"),
    "file_hint": (
        "CSV, TSV, XLSX of JSONL. Zonder koppelbestand moeten de kolommen de veldnamen "
        "van de standaard hebben.",
        "CSV, TSV, XLSX or JSONL. Without a mapping file the columns must carry the "
        "standard's field names.",
    ),
    "filter": ("Filteren", "Filter"),
    "footer": (
        "Zicht – één gedeeld beeld van mensenhandel in Nederland. Alleen synthetische "
        "gegevens in deze omgeving.",
        "Zicht – one shared view of human trafficking in the Netherlands. Synthetic data "
        "only in this environment.",
    ),
    "form": ("Vorm van uitbuiting", "Form of exploitation"),
    "headline_figures": ("Kerncijfers", "Headline figures"),
    "identity_fields": ("Identiteitsgegevens", "Identity data"),
    "inactive": ("Niet actief", "Inactive"),
    "interval_95": ("95%-interval", "95% interval"),
    "language": ("Taal", "Language"),
    "last_login": ("Laatst ingelogd", "Last login"),
    "level": ("Niveau", "Level"),
    "link_caption": (
        "Registratie {left} en {right}: gewicht {weight}, kans {probability}",
        "Registrations {left} and {right}: weight {weight}, probability {probability}",
    ),
    "linked_registrations": ("Gekoppelde registraties", "Linked registrations"),
    "login": ("Inloggen", "Log in"),
    "login_failed": (
        "De combinatie van gebruikersnaam en wachtwoord is onjuist, of het account is "
        "tijdelijk geblokkeerd.",
        "The username and password do not match, or the account is temporarily locked.",
    ),
    "login_help": (
        "Wachtwoord vergeten of account geblokkeerd? Neem contact op met de beheerder.",
        "Forgot your password or locked out? Contact your administrator.",
    ),
    "login_throttled": (
        "Te veel inlogpogingen vanaf dit adres. Probeer het over enkele minuten opnieuw.",
        "Too many login attempts from this address. Try again in a few minutes.",
    ),
    "login_title": ("Inloggen bij Zicht", "Log in to Zicht"),
    "logout": ("Uitloggen", "Log out"),
    "main_menu": ("Hoofdmenu", "Main menu"),
    "mapping_file": ("Koppelbestand (optioneel)", "Mapping file (optional)"),
    "mapping_hint": (
        "YAML-bestand dat de kolommen en codes van uw bestand vertaalt naar de standaard.",
        "YAML file that maps your file's columns and codes onto the standard.",
    ),
    "match_weight": ("Gewicht", "Match weight"),
    "model": ("Model", "Model"),
    "name": ("Naam", "Name"),
    "next": ("Volgende", "Next"),
    "no": ("Nee", "No"),
    "no_data": ("Geen gegevens.", "No data."),
    "no_link_run": (
        "Er is nog geen koppeling uitgevoerd (zicht link).",
        "No linkage has run yet (zicht link).",
    ),
    "no_links": ("Deze persoon heeft één registratie.", "This person has one registration."),
    "no_reports": ("Er zijn nog geen rapporten.", "There are no reports yet."),
    "none": ("Geen", "None"),
    "number": ("Nummer", "Number"),
    "observed": ("Waargenomen", "Observed"),
    "organisation": ("Organisatie", "Organisation"),
    "organisations": ("Organisaties", "Organisations"),
    "organisations_caption": ("Ketenpartners", "Chain partners"),
    "organisations_intro": (
        "Een geblokkeerde organisatie kan niet inloggen en haar API-sleutels werken niet.",
        "Users of a disabled organisation cannot log in and its API tokens stop working.",
    ),
    "page_of": ("Pagina {page} van {pages}", "Page {page} of {pages}"),
    "pagination": ("Paginering", "Pagination"),
    "password": ("Wachtwoord", "Password"),
    "password_once": (
        "Nieuw wachtwoord voor {username}. Het wordt maar één keer getoond:",
        "New password for {username}. It is shown only once:",
    ),
    "person": ("Persoon", "Person"),
    "person_intro": (
        "Volgens koppelrun {run} horen {count} registraties bij deze persoon.",
        "According to link run {run}, {count} registrations belong to this person.",
    ),
    "person_suspicious": ("Deze koppeling vraagt controle.", "This cluster needs review."),
    "person_title": ("Persoon {id}", "Person {id}"),
    "persons": ("Personen", "Persons"),
    "persons_caption": ("{total} personen", "{total} persons"),
    "persons_intro": (
        "Koppelrun {run}: {registrations} registraties van {persons} personen.",
        "Link run {run}: {registrations} registrations of {persons} persons.",
    ),
    "previous": ("Vorige", "Previous"),
    "problem": ("Probleem", "Problem"),
    "problems": ("Problemen", "Problems"),
    "problems_caption": ("Regels met fouten", "Rows with problems"),
    "purpose": ("Doel van inzage", "Purpose of access"),
    "purpose_hint": (
        "Verplicht om identiteitsgegevens te zien; het doel komt in de audittrail.",
        "Required to see identity data; the purpose is recorded in the audit trail.",
    ),
    "purpose_required": (
        "Geef het doel van de inzage op",
        "State the purpose of access",
    ),
    "quarantine": ("Quarantaine", "Quarantine"),
    "quarantine_caption": ("{count} open regels", "{count} open rows"),
    "quarantine_empty": ("Er staan geen regels in quarantaine.", "No rows are quarantined."),
    "quarantine_intro": (
        "Regels die niet aan de standaard voldeden. Corrigeer ze hier of download ze, "
        "verbeter ze en lever ze opnieuw aan.",
        "Rows that failed the standard. Correct them here, or download, fix and upload them.",
    ),
    "recent_uploads": ("Recente leveringen", "Recent uploads"),
    "record_id": ("Registratienummer", "Record id"),
    "record_type": ("Soort registratie", "Record type"),
    "records": ("Gegevens", "Records"),
    "registration_title": ("Registratie {id}", "Registration {id}"),
    "registrations": ("Registraties", "Registrations"),
    "registrations_caption": (
        "{total} registraties, pagina {page} van {pages}",
        "{total} registrations, page {page} of {pages}",
    ),
    "reports": ("Rapporten", "Reports"),
    "reports_caption": ("Beschikbare rapporten", "Available reports"),
    "reports_intro": (
        "De monitor met kleine aantallen onderdrukt, als HTML, PDF, XLSX en CSV.",
        "The monitor with small numbers suppressed, as HTML, PDF, XLSX and CSV.",
    ),
    "reset_password": ("Nieuw wachtwoord", "Reset password"),
    "resubmit": ("Opnieuw aanleveren", "Resubmit"),
    "revoke": ("Intrekken", "Revoke"),
    "role": ("Rol", "Role"),
    "row": ("Regel", "Row"),
    "row_fixed": ("Quarantaineregel {id} is verwerkt.", "Quarantined row {id} was stored."),
    "rows_new": ("Nieuw", "New"),
    "rows_quarantined": ("In quarantaine", "Quarantined"),
    "rows_read": ("Gelezen", "Read"),
    "rows_resolved": ("Uit quarantaine", "Resolved"),
    "rows_unchanged": ("Ongewijzigd", "Unchanged"),
    "rows_updated": ("Bijgewerkt", "Updated"),
    "search": ("Zoeken", "Search"),
    "show_identities": ("Identiteitsgegevens tonen", "Show identity data"),
    "since": ("Vanaf datum", "From date"),
    "size": ("Grootte", "Size"),
    "skip_to_content": ("Direct naar de inhoud", "Skip to content"),
    "sort": ("Sorteren op", "Sort by"),
    "status": ("Status", "Status"),
    "status_open": ("Open", "Open"),
    "status_resolved": ("Opgelost", "Resolved"),
    "stratum": ("Groep", "Stratum"),
    "suppression_note": (
        "x = niet gepubliceerd om personen te beschermen (aantal onder {threshold}, of af te "
        "leiden uit andere cellen), net als in het jaarrapport.",
        "x = not published to protect persons (count below {threshold}, or derivable from "
        "other cells), as in the yearly report.",
    ),
    "suspicious": ("Controle nodig", "Needs review"),
    "suspicious_only": ("Alleen koppelingen die controle vragen", "Only clusters needing review"),
    "table_behind": ("Tabel bij de grafiek: {title}", "Table of the chart: {title}"),
    "tagline": ("Samen zicht op mensenhandel", "Together against human trafficking"),
    "token_once": (
        "API-sleutel {name}. Hij wordt maar één keer getoond:",
        "API token {name}. It is shown only once:",
    ),
    "tokens": ("API-sleutels", "API tokens"),
    "tokens_caption": ("API-sleutels van partnersystemen", "API tokens of partner systems"),
    "until": ("Tot en met datum", "Until date"),
    "upload_another": ("Nog een bestand aanleveren", "Upload another file"),
    "upload_button": ("Aanleveren", "Upload"),
    "upload_intro": (
        "Lever een bestand van {organisation} aan. Elke regel wordt gecontroleerd tegen de "
        "standaard; foute regels gaan in quarantaine.",
        "Upload a file of {organisation}. Every row is checked against the standard; rows "
        "with problems are quarantined.",
    ),
    "upload_result_title": ("Resultaat van levering {batch}", "Result of batch {batch}"),
    "upload_summary": (
        "{file}: {read} regels gelezen, {stored} opgeslagen, {quarantined} in quarantaine.",
        "{file}: {read} rows read, {stored} stored, {quarantined} quarantined.",
    ),
    "upload_title": ("Bestand aanleveren", "Upload a file"),
    "uploaded_by": ("Door", "By"),
    "username": ("Gebruikersnaam", "Username"),
    "users": ("Gebruikers", "Users"),
    "users_caption": ("Gebruikers van Zicht", "Users of Zicht"),
    "valid_days": ("Geldig (dagen)", "Valid (days)"),
    "when": ("Wanneer", "When"),
    "why_linked": ("Waarom gekoppeld", "Why linked"),
    "year": ("Jaar", "Year"),
    "yes": ("Ja", "Yes"),
    # errors and states
    "error_400": ("Ongeldig verzoek", "Bad request"),
    "error_403": ("Geen toegang", "Access denied"),
    "error_403_text": (
        "U heeft geen toestemming voor deze pagina of handeling.",
        "You are not allowed to see this page or do this.",
    ),
    "error_404": ("Niet gevonden", "Not found"),
    "error_404_text": (
        "Deze pagina of dit gegeven bestaat niet, of valt buiten uw organisatie.",
        "This page or record does not exist, or lies outside your organisation.",
    ),
    "error_csrf": (
        "Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.",
        "The form has expired. Reload the page and try again.",
    ),
    "error_other": ("Er ging iets mis", "Something went wrong"),
    "field_required": ("Vul dit veld in", "Fill in this field"),
    "file_required": ("Kies een bestand", "Choose a file"),
    "users_empty": ("", ""),
    "persons_count": ("Personen (na koppeling)", "Persons (after linkage)"),
    "victim_registrations": ("Registraties slachtoffers", "Victim registrations"),
    "suspect_registrations": ("Registraties verdachten", "Suspect registrations"),
    "reports_count": ("Meldingen", "Reports (meldingen)"),
    "open_quarantine": ("Open quarantaineregels", "Open quarantined rows"),
    "chart_year": ("Registraties slachtoffers per jaar", "Victim registrations per year"),
    "chart_form": ("Registraties slachtoffers per vorm", "Victim registrations by form"),
    "chart_organisation": (
        "Registraties slachtoffers per organisatie",
        "Victim registrations by organisation",
    ),
    "chart_desc": (
        "Staafdiagram met {n} staven; de hoogste is {top} met {value}. De tabel hieronder "
        "geeft alle waarden.",
        "Bar chart with {n} bars; the highest is {top} at {value}. The table below gives "
        "all values.",
    ),
    "chart_estimates": ("Geschat aantal per groep", "Estimated number per stratum"),
    "whole_population": ("Alle slachtoffers", "All victims"),
    "id": ("Nr.", "No."),
    "sort_id": ("Nummer", "Number"),
    "sort_registration_date": ("Registratiedatum", "Registration date"),
    "sort_source": ("Organisatie", "Organisation"),
}


@lru_cache(maxsize=4096)
def _labels(lang: str, vocabulary: str, codes: str) -> str:
    terms = VOCABULARIES[vocabulary]
    return ", ".join(terms.label(c, lang) if c in terms else c for c in codes.split(";") if c)


# Babel's formatting costs tens of microseconds a call; pages show the same numbers and
# dates over and over (50 registration dates a list page), so results are remembered.
@lru_cache(maxsize=8192, typed=True)
def _number(locale: str, value: float | int, digits: int) -> str:
    pattern = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return format_decimal(value, format=pattern, locale=locale)


@lru_cache(maxsize=8192, typed=True)
def _date(locale: str, value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm", locale=locale)
    return format_date(value, "medium", locale=locale)


def language_of(request: Request) -> str:
    """The language of this request: query parameter, cookie, else Dutch."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


class Translator:
    """Texts, labels, numbers and dates in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self.locale = LANGUAGES[self.lang][1]
        self._index = 0 if self.lang == "nl" else 1

    def __call__(self, key: str, **values: Any) -> str:
        """The text `key`, with `{name}` placeholders filled in."""
        text = MESSAGES[key][self._index]
        return text.format(**values) if values else text

    def label(self, vocabulary: str, code: str | None) -> str:
        """The label of `code` in a vocabulary of the standard (the code when unknown)."""
        if code is None or code == "":
            return ""
        terms = VOCABULARIES[vocabulary]
        return terms.label(code, self.lang) if code in terms else code

    def labels(self, vocabulary: str, codes: str | None) -> str:
        """Labels of ';'-joined codes."""
        return _labels(self.lang, vocabulary, codes or "")

    def number(self, value: float | int | None, digits: int = 0) -> str:
        """A number as written in this language (nl: 1.372 and 3,5)."""
        if value is None:
            return ""
        return _number(self.locale, value, digits)

    def date(self, value: dt.date | dt.datetime | None) -> str:
        """A date (or date and time, in UTC) in this language."""
        if value is None:
            return ""
        return _date(self.locale, value)
