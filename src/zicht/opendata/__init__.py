"""Open statistics for international exchange: CTDC export, DP synthetic data, tables.

The linked persons of a period leave Zicht in three forms, each with privacy that can
be checked: IOM CTDC's victim-level file made k-anonymous (generalisation, then
suppression) with a codebook and a disclosure-risk report; differentially private
synthetic microdata (OpenDP) with a utility report; and Eurostat's and GRETA's yearly
tables through the publication policy. Every export is audited.
"""

from zicht.opendata._codebook import MULTI_VALUED, CodebookEntry, codebook
from zicht.opendata._ctdc import CTDC_COLUMNS, MISSING, ctdc_frame
from zicht.opendata._domain import SYNTHETIC_COLUMNS, coarsen, synthetic_domain
from zicht.opendata._hierarchy import QUASI_IDENTIFIERS, dimensions
from zicht.opendata._kanon import DisclosureRisk, anonymise
from zicht.opendata._persons import LinkedPerson, linked_persons
from zicht.opendata._release import BudgetYear, budget_overview
from zicht.opendata._service import (
    ExportResult,
    OpenDataError,
    export_ctdc,
    export_open_data,
    export_synthetic,
    export_tables,
    load_persons,
)
from zicht.opendata._synthetic import SyntheticRelease, synthesise
from zicht.opendata._tables import InternationalTables, international_tables
from zicht.opendata._utility import UtilityReport, total_variation, utility

__all__ = [
    "CTDC_COLUMNS",
    "MISSING",
    "MULTI_VALUED",
    "QUASI_IDENTIFIERS",
    "SYNTHETIC_COLUMNS",
    "BudgetYear",
    "CodebookEntry",
    "DisclosureRisk",
    "ExportResult",
    "InternationalTables",
    "LinkedPerson",
    "OpenDataError",
    "SyntheticRelease",
    "UtilityReport",
    "anonymise",
    "budget_overview",
    "coarsen",
    "codebook",
    "ctdc_frame",
    "dimensions",
    "export_ctdc",
    "export_open_data",
    "export_synthetic",
    "export_tables",
    "international_tables",
    "linked_persons",
    "load_persons",
    "synthesise",
    "synthetic_domain",
    "total_variation",
    "utility",
]
