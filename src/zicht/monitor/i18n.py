"""Report texts in Dutch and English, and number and date formatting (Babel)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal

__all__ = ["LANGUAGES", "SUPPRESSED", "Label", "fmt_date", "fmt_number", "pick", "text"]

LANGUAGES = ("nl", "en")
SUPPRESSED = "x"
"""How a suppressed cell is shown (CBS convention: 'x' = confidential)."""

Label = tuple[str, str]
"""A (Dutch, English) pair."""

_LOCALES = {"nl": "nl_NL", "en": "en_GB"}

STRINGS: dict[str, Label] = {
    "title": ("Monitor mensenhandel {year}", "Human trafficking monitor {year}"),
    "subtitle": (
        "Geregistreerde mogelijke slachtoffers, verdachten en de geschatte omvang",
        "Registered possible victims, suspects and the estimated total",
    ),
    "summary": ("Samenvatting", "Summary"),
    "contents": ("Inhoud", "Contents"),
    "headline_registrations": (
        "Registraties van mogelijke slachtoffers in {year}",
        "Registrations of possible victims in {year}",
    ),
    "headline_change": ("ten opzichte van {year}", "compared with {year}"),
    "headline_persons": (
        "Unieke personen na koppeling in {year}",
        "Unique persons after linkage in {year}",
    ),
    "headline_double": ("dubbeltellingen verwijderd", "double counts removed"),
    "headline_estimate": (
        "Geschat werkelijk aantal slachtoffers in {year}",
        "Estimated real number of victims in {year}",
    ),
    "headline_interval": ("95%-interval {low} – {high}", "95% interval {low} – {high}"),
    "headline_ratio": (
        "{ratio} keer het geregistreerde aantal",
        "{ratio} times the number registered",
    ),
    "headline_suspects": (
        "Verdachten aangebracht bij het OM in {year}",
        "Suspects brought to the prosecutor in {year}",
    ),
    "headline_target": ("doel {target}", "target {target}"),
    "headline_no_target": ("geen doel vastgesteld", "no target set"),
    "no_linkage": (
        "Er is geen koppeling in de database: dit rapport telt registraties, geen unieke "
        "personen, en bevat geen schatting van het werkelijke aantal (koppel eerst met "
        "`zicht link`).",
        "The database holds no linkage: this report counts registrations, not unique persons, "
        "and has no estimate of the real number (run `zicht link` first).",
    ),
    "not_estimable": ("niet te schatten", "cannot be estimated"),
    "too_few": ("te weinig personen", "too few persons"),
    "suppressed_note": (
        "x = niet gepubliceerd om personen te beschermen (aantal onder {k}, of af te leiden "
        "uit andere cellen).",
        "x = not published to protect persons (count below {k}, or derivable from other cells).",
    ),
    "form_note": (
        "Een registratie kan meer vormen van uitbuiting hebben: de rijen tellen haar bij "
        "elke vorm, het totaal één keer.",
        "A registration can have several forms of exploitation: the rows count it under "
        "each form, the total once.",
    ),
    "quality_note": (
        "Een rij kan meerdere regels overtreden: zij telt bij elke regel, in het totaal één keer.",
        "A row can break several rules: it counts under each rule, in the total once.",
    ),
    "total": ("Totaal", "Total"),
    "unknown": ("Onbekend", "Unknown"),
    "not_recorded": ("Niet vastgelegd", "Not recorded"),
    "other_countries": ("Overige landen", "Other countries"),
    "unknown_age": ("leeftijd onbekend", "age unknown"),
    "year": ("Jaar", "Year"),
    "source": ("Bron", "Source"),
    # sections
    "sec_victims": ("Geregistreerde mogelijke slachtoffers", "Registered possible victims"),
    "sec_victims_intro": (
        "Registraties van mogelijke slachtoffers per jaar van registratie. Een registratie "
        "is geen vaststelling: het gaat om mogelijke slachtoffers.",
        "Registrations of possible victims by year of registration. A registration is not a "
        "finding: these are possible victims.",
    ),
    "sec_linkage": ("Registraties en unieke personen", "Registrations and unique persons"),
    "sec_linkage_intro": (
        "Dezelfde persoon kan door meer organisaties of meer keren worden geregistreerd. "
        "Na koppeling telt elke persoon één keer per jaar.",
        "The same person can be registered by several organisations or several times. "
        "After linkage each person counts once a year.",
    ),
    "sec_estimate": (
        "Geschat werkelijk aantal slachtoffers",
        "Estimated real number of victims",
    ),
    "sec_estimate_intro": (
        "Multiple systems estimation (MSE) op de gekoppelde personen; lijsten zijn de "
        "registrerende organisaties. Het interval geeft alleen de steekproefonzekerheid, "
        "niet de onzekerheid over het model.",
        "Multiple systems estimation (MSE) on the linked persons; lists are the registering "
        "organisations. The interval shows sampling uncertainty only, not model uncertainty.",
    ),
    "sec_suspects": ("Verdachten en het doel", "Suspects against the target"),
    "sec_suspects_intro": (
        "Geregistreerde verdachten en verdachten aangebracht bij het Openbaar Ministerie, "
        "tegen het jaardoel van het programma Samen tegen mensenhandel.",
        "Registered suspects and suspects brought to the Public Prosecution Service, against "
        "the yearly target of the programme Together against human trafficking.",
    ),
    "sec_quality": ("Datakwaliteit", "Data quality"),
    "sec_quality_intro": (
        "Rijen die bij het inlezen niet aan de datastandaard voldeden staan in quarantaine; "
        "ontbrekende velden tellen per bron over het rapportjaar.",
        "Rows that failed the data standard on ingest are quarantined; missing fields are "
        "counted per source over the report year.",
    ),
    "sec_method": ("Verantwoording", "Method annex"),
    "colophon": ("Colofon", "Colophon"),
    "built_at": ("Gemaakt op {when}.", "Built on {when}."),
    # tables
    "t_total": ("Registraties per jaar", "Registrations per year"),
    "t_organisation": ("Naar registrerende organisatie", "By registering organisation"),
    "t_form": ("Naar vorm van uitbuiting", "By form of exploitation"),
    "t_age": ("Naar leeftijd", "By age"),
    "t_gender": ("Naar gender", "By gender"),
    "t_nationality": ("Naar nationaliteit", "By nationality"),
    "t_linkage": ("Registraties en unieke personen", "Registrations and unique persons"),
    "t_estimate_year": ("Schatting per jaar", "Estimate per year"),
    "t_estimate_form": ("Schatting per vorm, {year}", "Estimate per form, {year}"),
    "t_suspects": ("Verdachten", "Suspects"),
    "t_quarantine": (
        "Rijen in quarantaine per bron en regel",
        "Quarantined rows by source and rule",
    ),
    "t_missing": ("Ontbrekende velden per bron, {year}", "Missing fields by source, {year}"),
    "t_models": ("Gekozen MSE-modellen", "MSE models chosen"),
    "t_software": ("Software", "Software"),
    "row_registrations": ("Registraties", "Registrations"),
    "row_persons": ("Unieke personen", "Unique persons"),
    "row_removed": ("Dubbeltellingen", "Double counts"),
    "row_registered_suspects": ("Verdachten geregistreerd", "Suspects registered"),
    "row_prosecutor": ("Aangebracht bij het OM", "Brought to the prosecutor"),
    "row_target": ("Doel", "Target"),
    "row_target_share": ("Gerealiseerd (% van doel)", "Achieved (% of target)"),
    "col_stratum": ("Stratum", "Stratum"),
    "col_persons": ("Geregistreerde personen", "Registered persons"),
    "col_estimate": ("Schatting", "Estimate"),
    "col_lower": ("Ondergrens 95%", "Lower 95%"),
    "col_upper": ("Bovengrens 95%", "Upper 95%"),
    "col_ratio": ("Schatting / geregistreerd", "Estimate / registered"),
    "col_lists": ("Lijsten", "Lists"),
    "col_model": ("Model", "Model"),
    "col_rows": ("Rijen", "Rows"),
    "col_registrations": ("Registraties", "Registrations"),
    "col_package": ("Pakket", "Package"),
    "col_version": ("Versie", "Version"),
    "col_item": ("Onderdeel", "Item"),
    "col_value": ("Waarde", "Value"),
    "field_age": ("Leeftijd", "Age"),
    "field_nationality": ("Nationaliteit", "Nationality"),
    "field_gender": ("Gender", "Gender"),
    "field_forms": ("Vorm van uitbuiting", "Form of exploitation"),
    "field_identity_flagged": (
        "Identiteitsgegeven weggelaten (gemarkeerd)",
        "Identity value left out (flagged)",
    ),
    "field_country_of_exploitation": ("Land van uitbuiting", "Country of exploitation"),
    # charts
    "chart_trend": (
        "Registraties per jaar{extra}",
        "Registrations per year{extra}",
    ),
    "chart_bar": ("{title}, {year}", "{title}, {year}"),
    "chart_alt_bar": (
        "Staafdiagram: {title}, {year}. {items}.",
        "Bar chart: {title}, {year}. {items}.",
    ),
    "chart_alt_trend": ("Lijndiagram: {title}. {items}.", "Line chart: {title}. {items}."),
    "chart_table_follows": (
        "De tabel hieronder geeft de cijfers.",
        "The table below gives the figures.",
    ),
    # method annex
    "m_cutoff": ("Peildatum van de gegevens", "Data cut-off date"),
    "m_k": ("Kleinste gepubliceerde aantal (k)", "Smallest published count (k)"),
    "m_disclosure": (
        "Cellen onder k zijn onderdrukt, en zo veel andere cellen dat geen onderdrukte cel "
        "uit totalen en andere cellen (ook van gekoppelde tabellen) is terug te rekenen; "
        "gecontroleerd met lineair programmeren (zie docs/privacy.md).",
        "Cells below k are suppressed, and enough other cells that no suppressed cell can be "
        "recomputed from totals and other cells (also of linked tables); audited by linear "
        "programming (see docs/privacy.md).",
    ),
    "m_rounding": (
        "Schattingen zijn afgerond op {digits} significante cijfers van de halve "
        "intervalbreedte; de intervalgrenzen naar buiten afgerond (onder omlaag, boven omhoog).",
        "Estimates are rounded to {digits} significant digits of the interval half-width; "
        "the interval limits are rounded outwards (lower down, upper up).",
    ),
    "m_linkage_run": ("Koppelrun", "Link run"),
    "m_linkage_none": ("geen koppeling", "no linkage"),
    "m_mse_method": (
        "Modelkeuze: {method}, drempel p < {pthresh}; {level}-interval: {interval}. Een "
        "organisatie is een eigen lijst als zij in de koppelrun ten minste {merge} personen "
        "registreerde en bij de {max_lists} grootste hoort; de overige zijn samengevoegd tot "
        "OTHER. Geen "
        "schatting voor een groep met minder dan {min_persons} personen.",
        "Model selection: {method}, threshold p < {pthresh}; {level} interval: {interval}. An "
        "organisation is a list of its own when it registered at least {merge} persons in "
        "the link run and is among the {max_lists} largest; the others are merged into "
        "OTHER. No estimate for a group of fewer than {min_persons} persons.",
    ),
    "mse_stepwise": ("stapsgewijs (SparseMSE)", "stepwise (SparseMSE)"),
    "mse_aic": ("stapsgewijs op AIC (Home Office)", "stepwise by AIC (Home Office)"),
    "mse_aic-exhaustive": ("beste AIC van alle modellen", "best AIC of all models"),
    "mse_bic": ("beste BIC van alle modellen", "best BIC of all models"),
    "mse_main": ("alleen hoofdeffecten", "main effects only"),
    "ci_normal": ("normaal op log-schaal", "normal on the log scale"),
    "ci_profile": ("profiel-aannemelijkheid (Rcapture)", "profile likelihood (Rcapture)"),
    "ci_bootstrap": ("BCa-bootstrap", "BCa bootstrap"),
    "m_targets": ("Doelen verdachten OM", "Targets suspects to prosecutor"),
}


def text(key: str, lang: str, **values: object) -> str:
    """The text of `key` in `lang`, with `{name}` placeholders filled."""
    nl, en = STRINGS[key]
    template = nl if lang == "nl" else en
    return template.format(**values) if values else template


def pick(label: Label, lang: str) -> str:
    """The Dutch or English half of a label pair."""
    return label[0] if lang == "nl" else label[1]


def fmt_number(value: float | None, lang: str, digits: int = 0) -> str:
    """A number for people: 1.372 (nl) or 1,372 (en); None is the suppression mark."""
    if value is None:
        return SUPPRESSED
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[lang])


def fmt_date(value: dt.date, lang: str) -> str:
    """A date for people: 17 november 2021 (nl), 17 November 2021 (en)."""
    return format_date(value, format="long", locale=_LOCALES[lang])
