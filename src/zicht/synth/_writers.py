"""Deterministic file writers: CSV, JSON Lines and a minimal XLSX (same input, same bytes).

The XLSX writer produces the smallest valid workbook (one sheet, inline strings, one
default style) with fixed zip timestamps, so that a seed gives byte-identical files and
a million rows take seconds rather than the minutes a general library needs.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["write_csv", "write_jsonl", "write_xlsx"]

_EPOCH = (1980, 1, 1, 0, 0, 0)
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_ML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEET_ML}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_SHEET_ML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_SHEET_ML}.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_OFFICE}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), "").astype(str)


def write_csv(path: Path, frame: pd.DataFrame, delimiter: str, encoding: str) -> None:
    """CSV with a header row, minimal quoting, LF line ends."""
    _text(frame).to_csv(path, sep=delimiter, encoding=encoding, index=False, lineterminator="\n")


def write_jsonl(path: Path, frame: pd.DataFrame) -> None:
    """One JSON object per line with every column as a key; empty cells are null."""
    records = frame.astype(object).where(frame.notna(), None)
    columns = list(records.columns)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in records.itertuples(index=False, name=None):
            document = {
                key: (None if value == "" else value)
                for key, value in zip(columns, row, strict=True)
            }
            handle.write(json.dumps(document, ensure_ascii=False, default=_plain) + "\n")


def _plain(value: object) -> object:
    """numpy scalars as Python values (json cannot encode them)."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _sheet(frame: pd.DataFrame) -> bytes:
    # built with Arrow's vectorised string kernels: no Python loop over rows or cells
    n = len(frame) + 1
    numbers = pc.cast(pa.array(np.arange(1, n + 1)), pa.string())
    cells = []
    for position, column in enumerate(frame.columns):
        values = pa.array([str(column), *_text(frame[[column]])[column].tolist()], pa.string())
        for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            values = pc.replace_substring(values, raw, escaped)
        cell = pc.binary_join_element_wise(
            f'<c r="{_column_letters(position)}',
            numbers,
            '" t="inlineStr"><is><t xml:space="preserve">',
            values,
            "</t></is></c>",
            "",
        )
        cells.append(pc.if_else(pc.equal(values, ""), "", cell))
    rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")
    body = "".join(rows.to_pylist())
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def write_xlsx(path: Path, frame: pd.DataFrame) -> None:
    """A one-sheet workbook of text cells with a header row (fixed timestamps)."""
    parts = (
        ("[Content_Types].xml", _CONTENT_TYPES.encode()),
        ("_rels/.rels", _RELS.encode()),
        ("xl/workbook.xml", _WORKBOOK.encode()),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()),
        ("xl/styles.xml", _STYLES.encode()),
        ("xl/worksheets/sheet1.xml", _sheet(frame)),
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=6)
