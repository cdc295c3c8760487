"""The programme Samen tegen mensenhandel: themes, actions, indicators against targets,
the municipal self-assessment against the Kader mensenhandel, and the results table
for parliament (DOCX, PDF, SVG map).

Figures come from the monitor's and the dashboard's services (one count system, one
publication policy, one estimation policy); every change is audited by `zicht.access`;
SQL stays in `zicht.store.programme`.
"""

from zicht.programme._assessment import (
    MAX_NOTE,
    AnswerInput,
    AssessmentError,
    Coverage,
    can_see_answers,
    coverage,
    municipalities_with_policy,
    publish_assessment,
    save_assessment,
    visible_answers,
)
from zicht.programme._demo import DemoProgramme, fill_demo_programme
from zicht.programme._documents import LABOUR_NOTE, ResultFiles, coverage_rows, write_results
from zicht.programme._indicators import Figure, compute_indicators
from zicht.programme._labour import DEFINITIONS, LabourReports, labour_reports
from zicht.programme._map import BANDS, band_of, coverage_map
from zicht.programme._model import (
    ANSWERS,
    COMPUTED_INDICATORS,
    STATUSES,
    Action,
    Block,
    Indicator,
    Programme,
    ProgrammeError,
    Theme,
    dump_programme,
    load_programme,
    seed_programme,
)
from zicht.programme._results import (
    STATUS_LABELS,
    Results,
    build_results,
    labour_table,
    programme_of,
)
from zicht.programme._service import (
    ProgrammeImport,
    available_years,
    current_programme,
    enter_figure,
    export_programme,
    import_programme,
    stored_programme,
)

__all__ = [
    "ANSWERS",
    "BANDS",
    "COMPUTED_INDICATORS",
    "DEFINITIONS",
    "LABOUR_NOTE",
    "MAX_NOTE",
    "STATUSES",
    "STATUS_LABELS",
    "Action",
    "AnswerInput",
    "AssessmentError",
    "Block",
    "Coverage",
    "DemoProgramme",
    "Figure",
    "Indicator",
    "LabourReports",
    "Programme",
    "ProgrammeError",
    "ProgrammeImport",
    "ResultFiles",
    "Results",
    "Theme",
    "available_years",
    "band_of",
    "build_results",
    "can_see_answers",
    "compute_indicators",
    "coverage",
    "coverage_map",
    "coverage_rows",
    "current_programme",
    "dump_programme",
    "enter_figure",
    "export_programme",
    "fill_demo_programme",
    "import_programme",
    "labour_reports",
    "labour_table",
    "load_programme",
    "municipalities_with_policy",
    "programme_of",
    "publish_assessment",
    "save_assessment",
    "seed_programme",
    "stored_programme",
    "visible_answers",
    "write_results",
]
