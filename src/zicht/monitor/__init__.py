"""The yearly monitor: statistics tables, disclosure control, charts, HTML/PDF/XLSX/CSV.

`build_report` reads aggregates from the store (never an identity), the latest link
run and its MSE estimates, protects every published count (`zicht.privacy.disclosure`)
and writes the report. See ``docs/report.md``.
"""

from zicht.estimate import Estimate, round_to_interval
from zicht.monitor.report import DEFAULT_TARGETS, ReportError, ReportSummary, build_report

__all__ = [
    "DEFAULT_TARGETS",
    "Estimate",
    "ReportError",
    "ReportSummary",
    "build_report",
    "round_to_interval",
]
