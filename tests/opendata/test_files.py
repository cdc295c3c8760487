"""An export's files are written all or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicht.opendata._files import write_files


def test_all_files_are_written(tmp_path: Path) -> None:
    paths = write_files(tmp_path, {"a.csv": "x\r\n", "b.json": "{}\n"})
    assert [p.name for p in paths] == ["a.csv", "b.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.json"]
    assert (tmp_path / "a.csv").read_bytes() == b"x\r\n"


def test_a_failure_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("old\n")
    with pytest.raises(TypeError):
        write_files(tmp_path, {"a.csv": "new\n", "b.json": 42})  # type: ignore[dict-item]
    # the old file is untouched and no temporary file is left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]
    assert (tmp_path / "a.csv").read_text() == "old\n"
