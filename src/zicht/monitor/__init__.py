"""The yearly monitor: statistics tables, disclosure control, charts, HTML/PDF/XLSX/CSV.

`build_report` reads aggregates from the store (never an identity), the latest link
run and its MSE estimates, protects every published count (`zicht.privacy._disclosure`)
and writes the report. See ``docs/report.md``.
"""

from zicht.estimate import Estimate, round_to_interval
from zicht.monitor._channel import channel_label
from zicht.monitor._data import load
from zicht.monitor._estimates import report_estimates
from zicht.monitor._i18n import SUPPRESSED
from zicht.monitor._publication import DashboardFigures, dashboard_figures, publication_system
from zicht.monitor._render_pdf import write_pdf
from zicht.monitor._report import DEFAULT_TARGETS, ReportError, ReportSummary, build_report

__all__ = [
    "DEFAULT_TARGETS",
    "SUPPRESSED",
    "DashboardFigures",
    "Estimate",
    "ReportError",
    "ReportSummary",
    "build_report",
    "channel_label",
    "dashboard_figures",
    "load",
    "publication_system",
    "report_estimates",
    "round_to_interval",
    "write_pdf",
]
