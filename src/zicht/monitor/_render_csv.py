"""One CSV per table: UTF-8, the row label first, suppressed cells as 'x'.

Text cells cannot start a spreadsheet formula and rows end in CRLF (`zicht.privacy._cells`).
"""

from __future__ import annotations

from pathlib import Path

from zicht.monitor._i18n import SUPPRESSED
from zicht.monitor._model import Report, Value
from zicht.privacy import CsvWriter

__all__ = ["write_csv"]


def _cell(value: Value) -> str:
    if value is None:
        return SUPPRESSED
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv(report: Report, folder: Path) -> list[Path]:
    """Write every table of `report` to `folder/<table>.csv`; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in report.tables:
        path = folder / f"{table.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = CsvWriter(handle)
            writer.writerow(table.header)
            for row in table.rows:
                writer.writerow([_cell(v) for v in row])
        paths.append(path)
    return paths
