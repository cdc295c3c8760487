"""A generated world ingests without losing a row; bad rows land in quarantine for their rule."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from zicht.ingest import ingest_file, load_mapping, open_source, read_manifest
from zicht.ingest._convert import Converter
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.synth import WorldSummary


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'zicht.db'}")
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def _manifest(out: Path) -> list[dict[str, object]]:
    document: list[dict[str, object]] = json.loads(
        (out / "world" / "manifest.json").read_text(encoding="utf-8")
    )
    return document


def test_every_row_converts_or_breaks_exactly_its_rule(
    written_world: tuple[Path, WorldSummary],
) -> None:
    out, _ = written_world
    for entry in _manifest(out):
        mapping = load_mapping(out / "world" / str(entry["mapping"]))
        opened = open_source(
            out / "world" / str(entry["file"]),
            encoding=mapping.encoding,
            delimiter=mapping.delimiter,
            sheet=mapping.sheet,
        )
        converter = Converter(mapping, str(entry["source"]))
        expected = {d["row"]: d for d in entry["bad_rows_detail"]}  # type: ignore[attr-defined]
        rows = 0
        try:
            for row in opened.rows:
                rows += 1
                result = converter.convert(row)
                if row.number in expected:
                    assert isinstance(result, list), (entry["file"], row.number)
                    rules = {(p.field, p.rule) for p in result}
                    bad = expected[row.number]
                    assert rules == {(bad["field"], bad["rule"])}, (entry["file"], row.number)
                else:
                    assert not isinstance(result, list), (entry["file"], row.number, result)
        finally:
            opened.close()  # the workbook holds its file open until closed
        assert rows == entry["rows"]


def test_ingest_loses_no_row(
    written_world: tuple[Path, WorldSummary], sqlite_engine: Engine
) -> None:
    out, summary = written_world
    cipher = Cipher(generate_key())
    manifest = {str(entry["file"]): entry for entry in _manifest(out)}
    total = 0
    for item in read_manifest(out / "world" / "manifest.json"):
        result = ingest_file(
            item.file,
            source=item.source,
            engine=sqlite_engine,
            cipher=cipher,
            mapping=load_mapping(item.mapping),
        )
        entry = manifest[str(item.file.relative_to(out / "world"))]
        assert result.rows_read == entry["rows"]
        assert result.stored + result.quarantined == entry["rows"]
        assert result.quarantined == entry["bad_rows"]
        rules = Counter(d["rule"] for d in entry["bad_rows_detail"])  # type: ignore[attr-defined]
        assert result.rules == rules
        total += result.rows_read
    assert total == summary.registrations
