"""Each organisation's export files and mapping files, from the world's registrations."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pycountry
import yaml
from anyascii import anyascii

from zicht.synth._badrows import BadRow, spoil
from zicht.synth._dialects import DIALECTS, Dialect
from zicht.synth._scenario import BadRows
from zicht.synth._writers import write_csv, write_jsonl, write_xlsx

__all__ = ["ExportedFile", "export_all"]

_DATE_FIELDS = ("registration_date", "date_of_birth", "prosecutor_date")
_MULTI_FIELDS = ("forms", "sectors", "means_of_control")
_COUNTRY_FIELDS = ("nationality", "country_of_exploitation")


@dataclass(frozen=True)
class ExportedFile:
    """One written export: where, for whom, how many rows, which are bad and why."""

    file: str
    mapping: str
    source: str
    record_type: str
    rows: int
    bad_rows: tuple[BadRow, ...]
    row_ids: npt.NDArray[np.object_]

    def manifest_entry(self) -> dict[str, Any]:
        """The entry of this file in manifest.json."""
        return {
            "file": self.file,
            "mapping": self.mapping,
            "source": self.source,
            "record_type": self.record_type,
            "rows": self.rows,
            "bad_rows": len(self.bad_rows),
            "bad_row_numbers": [bad.row for bad in self.bad_rows],
            "bad_rows_detail": [bad.as_dict() for bad in self.bad_rows],
        }


@cache
def _country_names() -> dict[str, str]:
    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    return {c.alpha_2: dutch.gettext(c.name) for c in pycountry.countries}


@cache
def _alpha3() -> dict[str, str]:
    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


def _country(values: pd.Series, style: str) -> pd.Series:
    codes = values.astype(object).fillna("")
    if style == "alpha2":
        return codes
    if style == "alpha2_lower":
        return codes.str.lower()
    if style == "dutch_name":
        return codes.map(lambda c: _country_names().get(c, "") if c else "")
    alpha3 = codes.map(lambda c: _alpha3().get(c, "") if c else "")
    return alpha3.str.lower() if style == "alpha3_lower" else alpha3


def _recode(values: pd.Series, table: dict[str, str], separator: str | None) -> pd.Series:
    """Standard codes -> own codes; multi-valued cells item by item (on unique values)."""
    cells = values.astype(object).fillna("")
    unique = pd.unique(cells)
    converted = {}
    for cell in unique:
        items = [item for item in str(cell).split(";") if item] if separator else [str(cell)]
        own = [table.get(item, item) for item in items]
        converted[cell] = (separator or "").join(own) if separator else (own[0] if own else "")
    return cells.map(converted)


def _fits(values: pd.Series, encoding: str) -> pd.Series:
    """Text the encoding can hold: characters it lacks are transliterated to ASCII."""
    if encoding.startswith("utf"):
        return values
    cells = values.astype(object).fillna("")
    fixed = {}
    for cell in pd.unique(cells):
        text = str(cell)
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            fixed[cell] = "".join(ch if _encodable(ch, encoding) else anyascii(ch) for ch in text)
    if not fixed:
        return cells  # the usual case for codes and dates: nothing to change
    return cells.map(lambda cell: fixed.get(cell, cell))


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _frame(dialect: Dialect, records: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The export table in the dialect, and the matching mapping document."""
    out: dict[str, Any] = {}
    values_map: dict[str, dict[str, str]] = {}
    structured = dialect.format == "jsonl"
    for field, column in dialect.columns.items():
        series = records[field] if field in records else pd.Series([""] * len(records))
        series = series.reset_index(drop=True)
        if field in _DATE_FIELDS:
            dates = pd.to_datetime(series)
            series = dates.dt.strftime(dialect.date_format).astype(object).fillna("")
        elif field in _COUNTRY_FIELDS:
            series = _country(series, dialect.countries)
            if dialect.countries == "dutch_name":
                present = sorted(set(records[field].dropna().astype(str)) - {""})
                values_map[field] = {_country_names()[c]: c for c in present}
        elif field == "referred_to_prosecutor":
            yes, no = dialect.true_false
            flags = series.fillna(False).astype(bool)
            series = flags.astype(object) if structured else flags.map({True: yes, False: no})
        elif field in ("age", "birth_year", "persons_involved"):
            series = series.astype("Int64").astype(object).where(series.notna(), "")
            series = (
                series.map(lambda v: "" if v == "" else int(v))
                if structured
                else series.astype(str)
            )
        if field in dialect.codes:
            table = dialect.codes[field]
            separator = dialect.separators.get(field, ";") if field in _MULTI_FIELDS else None
            series = _recode(series, table, separator)
            values_map[field] = {own: code for code, own in table.items()}
        elif field in _MULTI_FIELDS and dialect.separators.get(field, ";") != ";":
            series = series.astype(object).fillna("").str.replace(";", dialect.separators[field])
        if field == "family_name" and dialect.upper_family_name:
            series = series.astype(object).fillna("").str.upper()
        if structured and field in _MULTI_FIELDS:
            separator = dialect.separators.get(field, ";")
            series = (
                series.astype(object)
                .fillna("")
                .map(lambda cell, sep=separator: [item for item in str(cell).split(sep) if item])
            )
        out[column] = series.astype(object).where(series.notna(), "").to_numpy(object)
    for field, flag_columns in dialect.flags.items():
        present = records[field].astype(object).fillna("").reset_index(drop=True)
        for column, code in flag_columns.items():
            has = present.str.split(";").map(lambda items, c=code: c in items)
            out[column] = np.where(has.to_numpy(bool), "1", "0").astype(object)
    frame = pd.DataFrame(out)
    if not structured:
        for column in frame.columns:
            frame[column] = _fits(frame[column].astype(object), dialect.encoding)
    mapping: dict[str, Any] = {
        "source": dialect.source,
        "record_type": dialect.record_type,
        "format": dialect.format,
    }
    if dialect.format == "csv":
        mapping["delimiter"] = dialect.delimiter
        mapping["encoding"] = dialect.encoding
    mapping["columns"] = {column: field for field, column in dialect.columns.items()}
    if dialect.flags:
        mapping["flags"] = {field: dict(cols) for field, cols in dialect.flags.items()}
    if values_map:
        mapping["values"] = values_map
    separators = {
        field: dialect.separators.get(field, ";")
        for field in _MULTI_FIELDS
        if field in dialect.columns and not structured
    }
    if separators:
        mapping["separators"] = separators
    dates = [field for field in _DATE_FIELDS if field in dialect.columns]
    if dates:
        mapping["date_formats"] = {field: [dialect.date_format] for field in dates}
    if "referred_to_prosecutor" in dialect.columns:
        mapping["true_values"] = [dialect.true_false[0]]
        mapping["false_values"] = [dialect.true_false[1]]
    return frame, mapping


def export_all(
    registrations: pd.DataFrame, world_dir: Path, bad_rows: BadRows, seed: int
) -> list[ExportedFile]:
    """Write every organisation's exports and mappings under ``world_dir``."""
    exported = []
    for index, dialect in enumerate(DIALECTS):
        records = registrations[
            (registrations["source"] == dialect.source)
            & (registrations["record_type"] == dialect.record_type)
        ]
        frame, mapping = _frame(dialect, records)
        rng = np.random.default_rng([seed, 1000 + index])
        bad = spoil(frame, dialect, bad_rows, rng, structured=dialect.format == "jsonl")
        folder = world_dir / dialect.source
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / dialect.file
        if dialect.format == "csv":
            write_csv(path, frame, dialect.delimiter, dialect.encoding)
        elif dialect.format == "xlsx":
            write_xlsx(path, frame)
        else:
            write_jsonl(path, frame)
        (folder / dialect.mapping_file).write_text(
            "# Mapping of this synthetic export for `zicht ingest` (written by zicht synth).\n"
            + yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        exported.append(
            ExportedFile(
                file=f"{dialect.source}/{dialect.file}",
                mapping=f"{dialect.source}/{dialect.mapping_file}",
                source=dialect.source,
                record_type=dialect.record_type,
                rows=len(frame),
                bad_rows=tuple(bad),
                row_ids=records["source_record_id"].to_numpy(object),
            )
        )
    return sorted(exported, key=lambda item: item.file)
