"""A CSV file read in planned blocks gives the rows of the ordinary read of the whole file.

The oracle is `open_source`'s own read (one `csv.reader` over the whole file); the plan
may decline (None), never differ.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.ingest import IngestFileError, RawRow, open_source
from zicht.ingest import _blocks as blocks_module
from zicht.ingest._blocks import CsvPlan, csv_blocks, read_csv_block
from zicht.ingest._rows import MAX_CELL_CHARS

HEADER = "name,city,note\n"
# Pieces that move the csv module between its states: quotes (regular, doubled, stray),
# delimiters, every kind of line end, blanks, text that is not ASCII.
_PIECES = st.sampled_from(
    ['"', '""', ",", ";", "\n", "\r\n", "\r", " ", "  ", "a", "Ana", "é", "ł", "x,y", '"q"']
)
_CELL = st.one_of(
    st.text(st.sampled_from("abc é ;"), max_size=6),
    st.builds(
        lambda t: '"' + t.replace('"', '""') + '"',
        st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=8),
    ),
)


def _records() -> st.SearchStrategy[str]:
    # Records of cells, each ended by any line end (a lone CR ends a record as well).
    record = st.tuples(
        st.lists(_CELL, min_size=0, max_size=4), st.sampled_from(["\n", "\n", "\r\n", "\r"])
    )
    regular = st.lists(record, max_size=12).map(
        lambda rows: "".join(",".join(cells) + end for cells, end in rows)
    )
    anything = st.lists(_PIECES, max_size=60).map("".join)
    return st.one_of(regular, anything, st.tuples(regular, anything, regular).map("".join))


def _read_both(path: Path, size: int) -> tuple[CsvPlan | None, list[RawRow], list[RawRow]]:
    whole = open_source(path, encoding="utf-8", delimiter=",")
    try:
        plan = csv_blocks(whole, size)
        rows = [] if plan is None else [r for b in plan.blocks for r in read_csv_block(plan, b)]
        return plan, rows, list(whole.rows)
    finally:
        whole.close()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_records(), size=st.integers(1, 64), ending=st.sampled_from(["", "\n", "\r\n"]))
def test_blocks_read_the_rows_of_the_whole_file(
    tmp_path: Path, body: str, size: int, ending: str
) -> None:
    path = tmp_path / "partner.csv"
    path.write_bytes((HEADER + body + ending).encode("utf-8"))
    plan, rows, ordinary = _read_both(path, size)
    if plan is not None:
        assert rows == ordinary
        # The blocks tile the data: each starts where the one before ended.
        ends = [b.offset + b.size for b in plan.blocks]
        assert [b.offset for b in plan.blocks[1:]] == ends[:-1]
        assert not plan.blocks or ends[-1] == path.stat().st_size


def test_regular_files_are_planned_in_many_blocks(tmp_path: Path) -> None:
    lines = [
        f'N{i},"Street {i}, ""B""\nline two",' if i % 7 == 0 else f"N{i},City,x" for i in range(500)
    ]
    lines[40] = ""  # a blank record: numbered, not read
    lines[41] = "a,b"  # too few cells
    lines[42] = "a,b,c,d,e"  # too many
    lines[43] = "x," + "y" * (MAX_CELL_CHARS + 1) + ",z"  # too long
    path = tmp_path / "partner.csv"
    path.write_bytes((HEADER + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    plan, rows, ordinary = _read_both(path, 512)
    assert plan is not None and len(plan.blocks) > 10
    assert rows == ordinary
    assert {r.unreadable for r in rows} == {None, "cell_count", "too_long"}


def test_a_stray_quote_is_never_a_place_to_cut(tmp_path: Path) -> None:
    # csv reads `a"b` as a literal quote and then the line end ends the record; a count
    # of quotes would take the rest of the file for one quoted field.
    body = 'x,a"b,c\n' + "".join(f"n{i},c,d\n" for i in range(50)) + 'y,"q",z\n'
    path = tmp_path / "partner.csv"
    path.write_bytes((HEADER + body).encode("utf-8"))
    plan, rows, ordinary = _read_both(path, 32)
    assert plan is not None and len(plan.blocks) == 1  # all after the stray quote
    assert rows == ordinary and len(rows) == 52


def test_no_plan_when_the_text_does_not_decode_or_nothing_can_be_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "partner.csv"
    # (after the first 8 KB the ordinary read decodes before its header)
    path.write_bytes(HEADER.encode() + b"c,d,e\n" * 4000 + b"a,b,\xff\n" + b"c,d,e\n" * 10)
    source = open_source(path, encoding="utf-8", delimiter=",")
    assert csv_blocks(source, 1024) is None
    source.close()
    path.write_bytes((HEADER + 'a,"open' + ",b,c\n" * 200).encode())
    monkeypatch.setattr(blocks_module, "_CARRY", 256)
    source = open_source(path, encoding="utf-8", delimiter=",")
    assert csv_blocks(source, 64) is None
    source.close()


@pytest.mark.parametrize(("encoding", "planned"), [("cp1252", True), ("utf-16", False)])
def test_only_encodings_whose_ascii_bytes_are_ascii_are_planned(
    tmp_path: Path, encoding: str, planned: bool
) -> None:
    path = tmp_path / "partner.csv"
    path.write_bytes((HEADER + "Zoë,Köln,x\n" * 40).encode(encoding))
    source = open_source(path, encoding=encoding, delimiter=",")
    plan = csv_blocks(source, 64)
    assert (plan is not None) is planned
    if plan is not None:
        assert [r for b in plan.blocks for r in read_csv_block(plan, b)] == list(source.rows)
    source.close()


def test_a_file_cut_short_after_planning_is_an_error_not_fewer_rows(tmp_path: Path) -> None:
    path = tmp_path / "partner.csv"
    path.write_bytes((HEADER + "a,b,c\n" * 200).encode())
    source = open_source(path, encoding="utf-8", delimiter=",")
    plan = csv_blocks(source, 256)
    source.close()
    assert plan is not None
    path.write_bytes((HEADER + "a,b,c\n" * 100).encode())
    with pytest.raises(IngestFileError, match="changed while it was read"):
        read_csv_block(plan, plan.blocks[-1])


def _opened_and_planned(path: Path, body: str) -> tuple[CsvPlan, str]:
    path.write_bytes((HEADER + body).encode())
    source = open_source(path, encoding="utf-8", delimiter=",")
    try:
        plan = csv_blocks(source, 256)
    finally:
        source.close()
    assert plan is not None and len(plan.blocks) > 3
    return plan, body


def test_a_file_replaced_after_planning_is_an_error_not_another_files_rows(
    tmp_path: Path,
) -> None:
    # The new version has the same size: offsets and lengths alone would read it.
    path = tmp_path / "partner.csv"
    plan, body = _opened_and_planned(path, "".join(f"a{i:03d},b,c\n" for i in range(200)))
    newer = tmp_path / "partner.new"
    newer.write_bytes((HEADER + body.replace("a", "z")).encode())
    os.replace(newer, path)
    for block in plan.blocks:
        with pytest.raises(IngestFileError, match="changed while it was read"):
            read_csv_block(plan, block)


def test_a_file_moved_away_after_planning_is_an_error_naming_it(tmp_path: Path) -> None:
    # Not an error of the output (an OSError of opening, which the command would blame
    # on the file it writes): the partner's file, named.
    path = tmp_path / "partner.csv"
    plan, _body = _opened_and_planned(path, "".join(f"a{i:03d},b,c\n" for i in range(200)))
    path.rename(tmp_path / "archived.csv")
    with pytest.raises(IngestFileError, match="changed while it was read") as raised:
        read_csv_block(plan, plan.blocks[0])
    assert "partner.csv" in str(raised.value)


def test_a_file_replaced_after_opening_is_not_planned_under_the_old_header(
    tmp_path: Path,
) -> None:
    path = tmp_path / "partner.csv"
    path.write_bytes((HEADER + "Ana,Delft,x\n" * 300).encode())
    source = open_source(path, encoding="utf-8", delimiter=",")
    try:
        newer = tmp_path / "partner.new"  # two columns swapped, same size
        newer.write_bytes(("city,name,note\n" + "Delft,Ana,x\n" * 300).encode())
        os.replace(newer, path)
        with pytest.raises(IngestFileError, match="changed while it was read"):
            csv_blocks(source, 256)
    finally:
        source.close()


def test_a_file_edited_in_place_after_planning_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "partner.csv"
    plan, _ = _opened_and_planned(path, "a,b,c\n" * 200)
    with path.open("r+b") as handle:
        handle.seek(len(HEADER) + 6 * 150)
        handle.write(b"z")  # same size, same inode: the modification time tells
    os.utime(path, ns=(0, 10**18))
    with pytest.raises(IngestFileError, match="changed while it was read"):
        read_csv_block(plan, plan.blocks[-1])


def test_a_byte_that_no_longer_decodes_names_the_row_not_the_byte(tmp_path: Path) -> None:
    # Changed in place with its times kept (as rsync --inplace --times does): the check
    # of the file's identity cannot see it, the decode must still be the ordinary error.
    path = tmp_path / "partner.csv"
    plan, _ = _opened_and_planned(path, "a,b,c\n" * 200)
    times = path.stat()
    with path.open("r+b") as handle:
        handle.seek(len(HEADER) + 6 * 149 + 2)  # the "b" of row 150
        handle.write(b"\xff")
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    block = next(b for b in plan.blocks if b.offset <= len(HEADER) + 6 * 149 < b.offset + b.size)
    with pytest.raises(IngestFileError) as raised:
        read_csv_block(plan, block)
    message = str(raised.value)
    assert message.endswith("text is not valid utf-8 after row 149"), message
    assert "0xff" not in message and "xff" not in message and "position" not in message
