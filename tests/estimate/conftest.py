"""Shared fixtures: the UK 2013 reference table and a sparse table with a non-overlap."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicht.estimate import CaptureTable, read_capture_csv

UK_CSV = Path("/work/shared/reference/mse/ukdat.csv")
UK_ROWS = """LA,NG,PF,GO,GP,NCA,count
1,0,0,0,0,0,54
0,1,0,0,0,0,463
0,0,1,0,0,0,907
0,0,0,1,0,0,695
0,0,0,0,1,0,316
0,0,0,0,0,1,57
1,1,0,0,0,0,15
1,0,1,0,0,0,19
1,0,0,1,0,0,3
0,1,1,0,0,0,56
0,1,0,1,0,0,19
0,1,0,0,1,0,1
0,1,0,0,0,1,3
0,0,1,1,0,0,69
0,0,1,0,1,0,10
0,0,1,0,0,1,31
0,0,0,1,1,0,8
0,0,0,1,0,1,6
0,0,0,0,1,1,1
1,1,1,0,0,0,1
1,1,0,1,0,0,1
0,1,1,1,0,0,4
0,1,1,0,0,1,3
0,0,1,1,0,1,1
1,1,1,1,0,0,1
"""


@pytest.fixture(scope="session")
def uk_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The UK table as a file (the shared reference copy when present)."""
    if UK_CSV.exists():
        return UK_CSV
    path = tmp_path_factory.mktemp("mse") / "ukdat.csv"
    path.write_text(UK_ROWS)
    return path


@pytest.fixture(scope="session")
def uk(uk_csv: Path) -> CaptureTable:
    """UK 2013 (Silverman 2014): six lists, 2,744 cases."""
    return read_capture_csv(uk_csv)


@pytest.fixture(scope="session")
def sparse() -> CaptureTable:
    """Four lists where A and D never share a case (a Chan–Silverman–Vincent situation)."""
    rows = [
        ((1, 0, 0, 0), 30),
        ((0, 1, 0, 0), 40),
        ((0, 0, 1, 0), 50),
        ((0, 0, 0, 1), 20),
        ((1, 1, 0, 0), 5),
        ((1, 0, 1, 0), 6),
        ((0, 1, 1, 0), 7),
        ((0, 1, 0, 1), 3),
        ((0, 0, 1, 1), 4),
        ((1, 1, 1, 0), 2),
        ((0, 1, 1, 1), 1),
    ]
    return CaptureTable.from_rows("ABCD", [r for r, _ in rows], [c for _, c in rows])
