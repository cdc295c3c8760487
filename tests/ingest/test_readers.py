"""Readers: encodings, delimiters and formats are detected; bad files get one clear error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.ingest import IngestFileError, open_source
from zicht.ingest._readers import detect_encoding

CELL = st.text(alphabet=st.characters(codec="cp1252", exclude_categories=("Cs", "Cc")), max_size=12)


def _write_csv(path: Path, rows: list[list[str]], delimiter: str, encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(
        st.text(alphabet="abcdefghijklmnop_", min_size=1, max_size=8),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    body=st.lists(st.lists(CELL, min_size=5, max_size=5), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_csv_round_trips_with_any_delimiter_and_encoding(
    tmp_path: Path, header: list[str], body: list[list[str]], delimiter: str, encoding: str
) -> None:
    rows = [row[: len(header)] for row in body]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    path = tmp_path / "f.csv"
    _write_csv(path, [header, *rows], delimiter, encoding)
    opened = open_source(path, delimiter=delimiter)
    assert opened.header == header
    read = [list(row.cells.values()) for row in opened.rows]
    assert read == rows


def test_encodings_are_told_apart(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("naam\nJosé\n".encode())
    assert detect_encoding(path) == "utf-8"
    path.write_bytes(b"\xef\xbb\xbf" + "naam\nJosé\n".encode())
    assert detect_encoding(path) == "utf-8-sig"
    path.write_bytes("naam\nJosé – €\n".encode("cp1252"))
    assert detect_encoding(path) == "cp1252"
    path.write_bytes(b"naam\nJos\xe9\x81\n")
    assert detect_encoding(path) == "latin-1"


def test_delimiter_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a;b;c\n1;2,5;3\n4;5;6\n", encoding="utf-8")
    opened = open_source(path)
    assert opened.delimiter == ";"
    assert next(row.cells for row in opened.rows) == {"a": "1", "b": "2,5", "c": "3"}


def test_row_with_wrong_cell_count_is_marked_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n3\n4,5\n", encoding="utf-8")
    rows = list(open_source(path).rows)
    assert [row.number for row in rows] == [1, 2, 3]
    assert rows[1].unreadable == "cell_count"


def test_jsonl_bad_line_is_a_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text('{"a": 1}\nnot json\n[1]\n{"a": 2, "b": "x"}\n', encoding="utf-8")
    opened = open_source(path)
    assert opened.header == ["a", "b"]
    rows = list(opened.rows)
    assert [row.unreadable for row in rows] == [None, "invalid_json", "invalid_json", None]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.csv", b"", "file is empty"),
        ("blank.csv", b"  \n\n", "file is empty"),
        ("binary.csv", b"\x00\x01\x02PK\x03", "binary"),
        ("report.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("noext", b"a,b\n", "unsupported file type '(none)'"),
        ("fake.xlsx", b"a,b\n1,2\n", "not a valid XLSX"),
        ("empty.jsonl", b"\n\n", "file is empty"),
        ("array.jsonl", b"[1, 2]\n", "no line of the file is a JSON object"),
        ("twice.csv", b"a,a\n1,2\n", "appears twice"),
    ],
)
def test_bad_files_get_one_clear_error(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestFileError) as caught:
        list(open_source(path).rows)
    assert problem in str(caught.value)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestFileError, match="does not exist"):
        open_source(tmp_path / "nope.csv")
