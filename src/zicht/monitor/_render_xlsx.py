"""The report's tables as an XLSX workbook: a contents sheet, then one sheet per table.

Workbook properties and the times of the zip entries are fixed (the data cut-off), so
the same inputs give the same bytes. Every text cell passes `zicht.privacy._cells`, so
no cell is written as a formula (openpyxl writes a text starting with '=' as one).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from zicht.i18n import Translator
from zicht.monitor._i18n import SUPPRESSED
from zicht.monitor._model import Report
from zicht.privacy import neutralise, neutralise_row

__all__ = ["SHEET_NAME_LIMIT", "sheet_name", "write_xlsx"]

SHEET_NAME_LIMIT = 31


def sheet_name(table_name: str) -> str:
    """The sheet of a table (Excel allows 31 characters)."""
    return table_name[:SHEET_NAME_LIMIT]


def write_xlsx(report: Report, path: Path, cutoff: dt.date | None) -> Path:
    """Write the workbook; returns its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    moment = dt.datetime.combine(cutoff or dt.date(2000, 1, 1), dt.time())
    workbook.properties.creator = "Zicht"
    workbook.properties.title = report.title
    workbook.properties.language = report.lang
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.lastModifiedBy = "Zicht"
    bold = Font(bold=True)
    contents = workbook.active
    contents.title = "contents"
    contents.append([neutralise(report.title)])
    contents["A1"].font = bold
    t = Translator(report.lang)
    contents.append(neutralise_row([t("Data cut-off date"), report.cutoff]))
    contents.append([neutralise(report.suppressed_note)])
    contents.append([])
    contents.append([neutralise(t("Contents"))])
    for table in report.tables:
        contents.append(neutralise_row([sheet_name(table.name), table.title]))
        sheet = workbook.create_sheet(sheet_name(table.name))
        sheet.append([neutralise(table.title)])
        sheet["A1"].font = bold
        sheet.append(neutralise_row(table.header))
        for cell in sheet[2]:
            cell.font = bold
        for row in table.rows:
            sheet.append(neutralise_row(SUPPRESSED if v is None else v for v in row))
        if table.note:
            sheet.append([])
            sheet.append([neutralise(table.note)])
        sheet.column_dimensions["A"].width = max(
            12, min(60, max(len(str(r[0])) for r in table.rows) + 2 if table.rows else 12)
        )
    # Not `workbook.save`: it stamps `modified` with the current time. The zip entries
    # are copied with the cut-off as their time, so that the file is the same bytes too.
    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    stamp = (max(moment.year, 1980), moment.month, moment.day, 0, 0, 0)
    with ZipFile(buffer) as written, ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as final:
        for entry in written.infolist():
            info = ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = entry.external_attr  # the permissions openpyxl gave it
            final.writestr(info, written.read(entry))
    return path
