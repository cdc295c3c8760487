"""The corpus files written at test time: large, binary or special (a FIFO, a folder)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from openpyxl import Workbook

from tests.ingest.hostile_files import write_xlsx_parts

__all__ = ["write_generated"]

HEADER = ["source_record_id", "registration_date", "forms"]
ROW1 = ["R1", "2021-03-01", "labour"]


def _workbook(path: Path, rows: list[list[object]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def write_generated(folder: Path) -> None:
    """Write every generated case's file into `folder`."""
    head = ",".join(HEADER) + "\n" + ",".join(ROW1) + "\n"
    (folder / "huge1mb.csv").write_text(head + "R2,2021-03-01," + "x" * (1 << 20) + "\n")
    (folder / "huge20mb.csv").write_text(head + "R2,2021-03-01," + "x" * (20 << 20) + "\n")
    good = '{"source_record_id": "R1", "registration_date": "2021-03-01", "forms": "labour"}\n'
    (folder / "deep.jsonl").write_text(good + "[" * 200_000 + "]" * 200_000 + "\n")
    long_line = '{"source_record_id": "R2", "registration_date": "2021-03-01", "forms": "'
    (folder / "longcell.jsonl").write_text(good + long_line + "y" * 40_000 + '"}\n')
    _workbook(folder / "good.xlsx", [HEADER, ROW1, ["R2", "2021-03-02", "criminal"]])
    _workbook(folder / "beyond.xlsx", [HEADER, ROW1, ["R2", "2021-03-02", "criminal", "extra"]])
    _workbook(folder / "headonly.xlsx", [HEADER])
    _workbook(
        folder / "dates.xlsx",
        [
            HEADER,
            ["R1", dt.date(2021, 3, 1), "labour"],
            ["R2", dt.datetime(2021, 3, 2, 9), "labour"],
        ],
    )
    _workbook(folder / "formula.xlsx", [HEADER, ROW1, ["=A2", "2021-03-01", "labour"]])
    _workbook(
        folder / "numids.xlsx", [HEADER, [1, "2021-03-01", "labour"], [2.0, "2021-03-01", "labour"]]
    )
    _workbook(
        folder / "floatage.xlsx",
        [[*HEADER, "age"], [*ROW1, 34.0], ["R2", "2021-03-01", "labour", 34.5]],
    )
    _workbook(folder / "duphead.xlsx", [[*HEADER, "forms"], [*ROW1, "labour"]])
    _workbook(folder / "m20.xlsx", [HEADER, ROW1])
    write_xlsx_parts(folder / "bomb.xlsx", [HEADER, ROW1], huge_cell=(1, 2, 50 << 20))
    write_xlsx_parts(folder / "longcell.xlsx", [HEADER, ROW1], huge_cell=(1, 2, 300 << 10))
    excerpt = "".join(f"{n:06d}" for n in range(10_000))
    write_xlsx_parts(folder / "excerpt.xlsx", [HEADER, ROW1, ["R2", "2021-03-01", excerpt]])
    whole = (folder / "good.xlsx").read_bytes()
    (folder / "truncated.xlsx").write_bytes(whole[: len(whole) // 2])
    (folder / "text.xlsx").write_text(head)
    (folder / "empty.xlsx").write_bytes(b"")
    os.mkfifo(folder / "fifo.csv")
    (folder / "folder.csv").mkdir()
