"""The bad-input corpus: hostile and clumsy partner files and mappings, with what must happen.

Run `python tests/ingest/corpus/make_corpus.py` to rewrite the small files in `files/`
and the oracle `cases.json`; large files (bombs, huge fields, deep nesting) are written
by `write_generated` at test time, so that nothing large is committed.

Every case names its file, its mapping (or none: the standard's own columns), and either
the error its one stderr line must hold (exit 2, nothing stored), or the rows read,
stored, quarantined and flagged, counted by hand from the file.
"""

# ruff: noqa: E501  (one case a line: the table reads best unbroken)

from __future__ import annotations

import codecs
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
FILES = HERE / "files"
H = "source_record_id,registration_date,forms"
R1 = "R1,2021-03-01,labour"
R2 = "R2,2021-03-02,criminal"
PEOPLE = "source_record_id,registration_date,forms,given_names,family_name,date_of_birth,age,minor,nationality,birth_year"
P1 = "R1,2021-03-01,labour,Anna,Jansen,1990-05-01,30,0,NL,"


def _csv(*lines: str, end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode("utf-8")


def _people(bad: str) -> bytes:
    return _csv(PEOPLE, P1, bad)


def _jsonl(*rows: Any) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode()


J1 = {"source_record_id": "R1", "registration_date": "2021-03-01", "forms": "labour"}
J2 = {"source_record_id": "R2", "registration_date": "2021-03-02", "forms": "criminal"}


def counted(read: int, stored: int, quarantined: int, flagged: int = 0) -> dict[str, int]:
    """Rows read, stored, quarantined and stored with an identity value left out, by hand."""
    return {"read": read, "stored": stored, "quarantined": quarantined, "flagged": flagged}


def error(text: str) -> dict[str, str]:
    """One stderr line holding `text`, exit 2, nothing stored."""
    return {"error": text}


ONE_BAD = counted(2, 1, 1)
TWO_GOOD = counted(2, 2, 0)
ONE_FLAGGED = counted(2, 2, 0, 1)  # a bad identity value costs the value, not the row

# name -> (file name, content or None when written at test time, mapping or None, outcome)
CSV_CASES: dict[str, tuple[str, bytes | None, str | None, dict[str, Any]]] = {
    "empty": ("empty.csv", b"", None, error("file is empty")),
    "whitespace_only": ("ws.csv", b"  \n\n\t\n", None, error("file is empty")),
    "header_only": ("header.csv", _csv(H), None, counted(0, 0, 0)),
    "bom_only": ("bom.csv", codecs.BOM_UTF8, None, error("empty")),
    "utf8_bom": ("utf8bom.csv", codecs.BOM_UTF8 + _csv(H, R1, R2), None, TWO_GOOD),
    "cp1252": (
        "cp1252.csv",
        (PEOPLE + "\n" + P1.replace("Anna", "Zoë") + "\n").encode("cp1252"),
        None,
        counted(1, 1, 0),
    ),
    "latin1": (
        "latin1.csv",
        (PEOPLE + "\n").encode() + P1.replace("Anna", "Jos\x81").encode("latin-1") + b"\n",
        None,
        counted(1, 1, 0),
    ),
    "utf16le_bom": ("u16le.csv", "\n".join([H, R1, R2, ""]).encode("utf-16"), None, TWO_GOOD),
    "utf16be_bom": (
        "u16be.csv",
        codecs.BOM_UTF16_BE + "\n".join([H, R1, R2, ""]).encode("utf-16-be"),
        None,
        TWO_GOOD,
    ),
    "utf32_bom": ("u32.csv", "\n".join([H, R1, R2, ""]).encode("utf-32"), None, TWO_GOOD),
    "utf16_without_bom": (
        "u16nobom.csv",
        "\n".join([H, R1, ""]).encode("utf-16-le"),
        None,
        error("binary"),
    ),
    "png_named_csv": (
        "png.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        None,
        error("binary"),
    ),
    "crlf": ("crlf.csv", _csv(H, R1, R2, end="\r\n"), None, TWO_GOOD),
    "cr_only": ("cr.csv", _csv(H, R1, R2, end="\r"), None, TWO_GOOD),
    "mixed_line_endings": (
        "mixed.csv",
        (H + "\r\n" + R1 + "\n" + R2 + "\r\n").encode(),
        None,
        TWO_GOOD,
    ),
    "semicolons": (
        "semi.csv",
        _csv(*(line.replace(",", ";") for line in (H, R1, R2))),
        None,
        TWO_GOOD,
    ),
    "tabs": ("tabs.tsv", _csv(*(line.replace(",", "\t") for line in (H, R1, R2))), None, TWO_GOOD),
    "pipes": ("pipes.csv", _csv(*(line.replace(",", "|") for line in (H, R1, R2))), None, TWO_GOOD),
    "txt_extension": ("plain.txt", _csv(H, R1, R2), None, TWO_GOOD),
    "quoted_newline": (
        "qnl.csv",
        _csv(PEOPLE, P1, 'R2,2021-03-01,labour,"Anna\nMaria",Jansen,,,,,'),
        None,
        TWO_GOOD,
    ),
    "quoted_delimiter": (
        "qdelim.csv",
        _csv(H, R1, 'R2,2021-03-01,"labour,criminal"'),
        None,
        ONE_BAD,
    ),
    "unbalanced_quote": ("unbal.csv", _csv(H, R1, 'R2,"2021-03-01,labour', R2), None, ONE_BAD),
    "duplicate_header": (
        "duphead.csv",
        _csv(H + ",forms", R1 + ",x"),
        None,
        error("appears twice"),
    ),
    "empty_header": ("emptyhead.csv", _csv(",,", R1), None, error("header row is empty")),
    "missing_required_column": (
        "noforms.csv",
        _csv("source_record_id,registration_date", "R1,2021-03-01"),
        None,
        error("missing required column"),
    ),
    "extra_cells": ("extra.csv", _csv(H, R1, R2 + ",surplus"), None, ONE_BAD),
    "fewer_cells": ("fewer.csv", _csv(H, R1, "R2,2021-03-02"), None, ONE_BAD),
    "blank_lines": ("blank.csv", _csv(H, "", R1, "", "", R2, ""), None, TWO_GOOD),
    "only_delimiter_rows": ("delims.csv", _csv(H, ",,", R1, ",,"), None, counted(1, 1, 0)),
    "padded_header": (
        "padhead.csv",
        _csv(" source_record_id , registration_date ,forms ", R1, R2),
        None,
        TWO_GOOD,
    ),
    "unknown_columns": (
        "unknowncol.csv",
        _csv(H + ",remark", R1 + ",x", R2 + ",y"),
        None,
        TWO_GOOD,
    ),
    "trailing_delimiter": ("trail.csv", _csv(H + ",", R1 + ",", R2 + ","), None, TWO_GOOD),
    "formula_cells": (
        "formula.csv",
        _csv(
            PEOPLE,
            "=HYPERLINK(\"http://x\"),2021-03-01,labour,=cmd|' /C calc'!A0,@SUM(1),,,,,",
            "+R2,2021-03-01,labour,-2+3,Jansen,,,,,",
        ),
        None,
        TWO_GOOD,
    ),
    "invalid_code": ("code.csv", _csv(H, R1, "R2,2021-03-01,slavery"), None, ONE_BAD),
    "future_date": ("future.csv", _csv(H, R1, "R2,2099-01-01,labour"), None, ONE_BAD),
    "date_1850": ("d1850.csv", _csv(H, R1, "R2,1850-06-01,labour"), None, ONE_BAD),
    "date_0001": ("d0001.csv", _csv(H, R1, "R2,0001-01-01,labour"), None, ONE_BAD),
    "date_wrong_format": ("dfmt.csv", _csv(H, R1, "R2,01/03/2021,labour"), None, ONE_BAD),
    "date_impossible": ("d0230.csv", _csv(H, R1, "R2,2021-02-30,labour"), None, ONE_BAD),
    "date_arabic_indic": ("darab.csv", _csv(H, R1, "R2,٢٠٢١-٠٣-٠١,labour"), None, ONE_BAD),
    "date_fullwidth": ("dfull.csv", _csv(H, R1, "R2,２０２１-０３-０１,labour"), None, ONE_BAD),
    "age_negative": ("ageneg.csv", _people("R2,2021-03-01,labour,,,,-5,,,"), None, ONE_BAD),
    "age_200": ("age200.csv", _people("R2,2021-03-01,labour,,,,200,,,"), None, ONE_BAD),
    "age_arabic_indic": ("agearab.csv", _people("R2,2021-03-01,labour,,,,٣٤,,,"), None, ONE_BAD),
    "age_devanagari": ("agedeva.csv", _people("R2,2021-03-01,labour,,,,३४,,,"), None, ONE_BAD),
    "age_decimal": ("agedec.csv", _people("R2,2021-03-01,labour,,,,34.5,,,"), None, ONE_BAD),
    "age_underscore": ("ageus.csv", _people("R2,2021-03-01,labour,,,,3_4,,,"), None, ONE_BAD),
    "age_huge": (
        "agehuge.csv",
        _people("R2,2021-03-01,labour,,,," + "9" * 40 + ",,,"),
        None,
        ONE_BAD,
    ),
    "minor_disagrees": ("minor.csv", _people("R2,2021-03-01,labour,,,,30,1,,"), None, ONE_BAD),
    "boolean_bad": ("bool.csv", _people("R2,2021-03-01,labour,,,,,maybe,,"), None, ONE_BAD),
    "nationality_word": (
        "natword.csv",
        _people("R2,2021-03-01,labour,,,,,,Nederland,"),
        None,
        ONE_BAD,
    ),
    "nationality_alpha3_lower": (
        "nat3.csv",
        _people("R2,2021-03-01,labour,,,,,,nld,"),
        None,
        TWO_GOOD,
    ),
    "birth_1850": (
        "b1850.csv",
        _people("R2,2021-03-01,labour,,,1850-01-01,,,,"),
        None,
        ONE_FLAGGED,
    ),
    "birth_after_registration": (
        "bafter.csv",
        _people("R2,2021-03-01,labour,,,2021-03-02,,,,"),
        None,
        ONE_FLAGGED,
    ),
    "birth_future": (
        "bfuture.csv",
        _people("R2,2021-03-01,labour,,,2099-01-01,,,,"),
        None,
        ONE_FLAGGED,
    ),
    "birth_year_disagrees": (
        "byear.csv",
        _people("R2,2021-03-01,labour,,,1990-01-01,,,,1991"),
        None,
        ONE_FLAGGED,
    ),
    "birth_year_1066": ("b1066.csv", _people("R2,2021-03-01,labour,,,,,,,1066"), None, ONE_FLAGGED),
    "bell_in_name": ("bell.csv", _people("R2,2021-03-01,labour,An\x07na,,,,,,"), None, ONE_FLAGGED),
    "escape_in_record_id": ("esc.csv", _csv(H, R1, "R\x1b[31m2,2021-03-01,labour"), None, ONE_BAD),
    "nul_in_csv": ("nul.csv", _csv(H, R1, "R\x002,2021-03-01,labour"), None, error("binary")),
    "record_id_too_long": (
        "idlong.csv",
        _csv(H, R1, "R" * 101 + ",2021-03-01,labour"),
        None,
        ONE_BAD,
    ),
    "record_id_blank": ("idblank.csv", _csv(H, R1, '"   ",2021-03-01,labour'), None, ONE_BAD),
    "duplicate_id_other_content": (
        "dupid.csv",
        _csv(H, R1, "R1,2021-03-01,criminal"),
        None,
        ONE_BAD,
    ),
    "duplicate_id_same_content": ("dupsame.csv", _csv(H, R1, R1), None, TWO_GOOD),
    "emoji_names": (
        "emoji.csv",
        _people("R2,2021-03-01,labour,Anna 🌷,Jansen 👩‍👩‍👧,,,,,"),
        None,
        TWO_GOOD,
    ),
    "arabic_names": (
        "arabic.csv",
        _people("R2,2021-03-01,labour,فاطمة,العلي,,,,,"),
        None,
        TWO_GOOD,
    ),
    "zero_width_in_code": ("zw.csv", _csv(H, R1, "R2,2021-03-01,labour\u200b"), None, ONE_BAD),
    "nbsp_around_code": (
        "nbsp.csv",
        _csv(H, R1, "R2,2021-03-01,\u00a0labour\u00a0"),
        None,
        TWO_GOOD,
    ),
    "two_forms": ("twoforms.csv", _csv(H, R1, "R2,2021-03-01,labour;criminal"), None, TWO_GOOD),
    "name_too_long": (
        "namelong.csv",
        _people("R2,2021-03-01,labour," + "A" * 300 + ",,,,,,"),
        None,
        ONE_FLAGGED,
    ),
    "long_header_name": (
        "longhead.csv",
        _csv(H + "," + "x" * 300, R1 + ",1"),
        None,
        error("longer than 200"),
    ),
    "many_columns": (
        "wide.csv",
        _csv(H + "," + ",".join(f"c{i}" for i in range(5000)), R1 + "," * 5000),
        None,
        counted(1, 1, 0),
    ),
    "xls_extension": (
        "old.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
        None,
        error("unsupported file type"),
    ),
    "no_extension": ("noext", _csv(H, R1), None, error("unsupported file type")),
    "json_extension": ("data.json", _csv(H, R1), None, error("unsupported file type")),
}

JSONL_CASES: dict[str, tuple[str, bytes | None, str | None, dict[str, Any]]] = {
    "jsonl_good": ("good.jsonl", _jsonl(J1, J2), None, TWO_GOOD),
    "jsonl_bad_lines": (
        "badlines.jsonl",
        _jsonl(J1, "not json", "{broken", "[1, 2]", '"text"'),
        None,
        counted(5, 1, 4),
    ),
    "jsonl_same_bad_line_twice": (
        "samebad.jsonl",
        _jsonl(J1, "oops", "oops"),
        None,
        counted(3, 1, 2),
    ),
    "jsonl_huge_integer": (
        "hugeint.jsonl",
        _jsonl(J1, '{"source_record_id": "R2", "age": ' + "9" * 5000 + "}"),
        None,
        ONE_BAD,
    ),
    "jsonl_nul_in_record_id": (
        "nulid.jsonl",
        _jsonl(J1, {**J2, "source_record_id": "R\u00002"}),
        None,
        ONE_BAD,
    ),
    "jsonl_list_of_forms": (
        "listforms.jsonl",
        _jsonl(J1, {**J2, "forms": ["labour", "criminal"]}),
        None,
        TWO_GOOD,
    ),
    "jsonl_object_as_forms": (
        "objforms.jsonl",
        _jsonl(J1, {**J2, "forms": {"a": 1}}),
        None,
        ONE_BAD,
    ),
    "jsonl_number_record_id": (
        "numid.jsonl",
        _jsonl(J1, {**J2, "source_record_id": 12345}),
        None,
        TWO_GOOD,
    ),
    "jsonl_true_as_forms": ("trueforms.jsonl", _jsonl(J1, {**J2, "forms": True}), None, ONE_BAD),
    "jsonl_null_forms": ("nullforms.jsonl", _jsonl(J1, {**J2, "forms": None}), None, ONE_BAD),
    "jsonl_string_age": ("strage.jsonl", _jsonl(J1, {**J2, "age": "٣٤"}), None, ONE_BAD),
    "jsonl_no_objects": (
        "noobj.jsonl",
        _jsonl("[1]", "[2]", "3"),
        None,
        error("no line of the file is a JSON object"),
    ),
    "jsonl_empty": ("empty.jsonl", b"", None, error("file is empty")),
    "jsonl_utf16": ("u16.jsonl", _jsonl(J1, J2).decode().encode("utf-16"), None, TWO_GOOD),
    "jsonl_cp1252": (
        "cp1252.jsonl",
        _jsonl(J1, {**J2, "given_names": "Zoë"}).decode().encode("cp1252"),
        None,
        TWO_GOOD,
    ),
    "jsonl_blank_lines": ("blank.jsonl", b"\n" + _jsonl(J1) + b"\n\n" + _jsonl(J2), None, TWO_GOOD),
    "jsonl_duplicate_keys": (
        "dupkeys.jsonl",
        _jsonl(
            J1,
            '{"source_record_id": "R2", "registration_date": "2021-03-02", "forms": "x", "forms": "labour"}',
        ),
        None,
        TWO_GOOD,
    ),
    "jsonl_crlf": ("crlf.jsonl", _jsonl(J1, J2).replace(b"\n", b"\r\n"), None, TWO_GOOD),
    "jsonl_unknown_keys": ("unknownkeys.jsonl", _jsonl({**J1, "zzz": 1}, J2), None, TWO_GOOD),
    "jsonl_missing_keys": (
        "missingkeys.jsonl",
        _jsonl(J1, {"source_record_id": "R2"}),
        None,
        ONE_BAD,
    ),
}

# Mappings (YAML text); the data file is the small CSV of two good rows unless named.
GOOD_CSV = _csv(H, R1, R2)
MAPPING_CASES: dict[str, tuple[str, bytes | None, str | None, dict[str, Any]]] = {
    "mapping_klingon": (
        "m1.csv",
        GOOD_CSV,
        "source: police\nencoding: klingon\n",
        error("not a known text encoding"),
    ),
    "mapping_rot13": (
        "m2.csv",
        GOOD_CSV,
        "source: police\nencoding: rot13\n",
        error("not a known text encoding"),
    ),
    "mapping_utf16": (
        "m3.csv",
        "\n".join([H, R1, R2, ""]).encode("utf-16"),
        "source: police\nencoding: utf-16\nallow_missing_columns: true\ncolumns: {source_record_id: source_record_id, registration_date: registration_date, forms: forms}\n",
        TWO_GOOD,
    ),
    "mapping_empty_separator": (
        "m4.csv",
        GOOD_CSV,
        "source: police\ncolumns: {source_record_id: source_record_id, registration_date: registration_date, forms: forms}\nseparators: {forms: ''}\n",
        error("separator must not be empty"),
    ),
    "mapping_quote_delimiter": (
        "m5.csv",
        GOOD_CSV,
        "source: police\ndelimiter: '\"'\n",
        error("delimiter must be one character"),
    ),
    "mapping_two_char_delimiter": (
        "m6.csv",
        GOOD_CSV,
        "source: police\ndelimiter: ';;'\n",
        error("delimiter must be one character"),
    ),
    "mapping_not_yaml": (
        "m7.csv",
        GOOD_CSV,
        "source: police\n  columns: [\n",
        error("not valid YAML"),
    ),
    "mapping_a_list": ("m8.csv", GOOD_CSV, "- source\n- police\n", error("must be a YAML mapping")),
    "mapping_unknown_field": (
        "m9.csv",
        GOOD_CSV,
        "source: police\ncolumns: {source_record_id: shoe_size}\n",
        error("unknown field"),
    ),
    "mapping_other_source": (
        "m10.csv",
        GOOD_CSV,
        "source: shelter\ncolumns: {source_record_id: source_record_id, registration_date: registration_date, forms: forms}\n",
        error("mapping is for source"),
    ),
    "mapping_unknown_source": (
        "m11.csv",
        GOOD_CSV,
        "source: nobody\n",
        error("not a known organisation"),
    ),
    "mapping_unknown_record_type": (
        "m12.csv",
        GOOD_CSV,
        "source: police\nrecord_type: spaceship\n",
        error("record_type must be one of"),
    ),
    "mapping_missing_column": (
        "m13.csv",
        GOOD_CSV,
        "source: police\ncolumns: {Nr: source_record_id, registration_date: registration_date, forms: forms}\n",
        error("missing required column"),
    ),
    "mapping_no_required_field": (
        "m14.csv",
        GOOD_CSV,
        "source: police\ncolumns: {source_record_id: source_record_id}\n",
        error("provides no column for required field"),
    ),
    "mapping_bad_date_format": (
        "m15.csv",
        GOOD_CSV,
        "source: police\ncolumns: {source_record_id: source_record_id, registration_date: registration_date, forms: forms}\ndate_formats: {registration_date: ['%Q']}\n",
        counted(2, 2, 0),
    ),
    "mapping_value_codes": (
        "m16.csv",
        _csv(H, "R1,2021-03-01,AU", "R2,2021-03-01,XX"),
        "source: police\ncolumns: {source_record_id: source_record_id, registration_date: registration_date, forms: forms}\nvalues: {forms: {AU: labour}}\n",
        ONE_BAD,
    ),
    "mapping_alias_bomb": (
        "m17.csv",
        GOOD_CSV,
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        error("Extra inputs"),
    ),
    "mapping_empty_file": ("m18.csv", GOOD_CSV, "", error("must be a YAML mapping")),
    "mapping_binary": ("m19.csv", GOOD_CSV, "\udcff\udcfe\x00\x01", error("not valid YAML")),
    "mapping_sheet_missing": (
        "m20.xlsx",
        None,
        "source: police\nsheet: Missing\ncolumns: {source_record_id: source_record_id, registration_date: registration_date, forms: forms}\n",
        error("no sheet"),
    ),
}

# Written at test time by write_generated (large, binary or special files).
GENERATED: dict[str, tuple[str, dict[str, Any]]] = {
    "huge_field_1mb": ("huge1mb.csv", ONE_BAD),
    "huge_field_20mb": ("huge20mb.csv", error("larger than 16 MB")),
    "jsonl_deep_nesting": ("deep.jsonl", ONE_BAD),
    "jsonl_long_cell": ("longcell.jsonl", ONE_BAD),
    "xlsx_good": ("good.xlsx", TWO_GOOD),
    "xlsx_beyond_header": ("beyond.xlsx", ONE_BAD),
    "xlsx_header_only": ("headonly.xlsx", counted(0, 0, 0)),
    "xlsx_date_cells": ("dates.xlsx", TWO_GOOD),
    "xlsx_formula_cells": ("formula.xlsx", ONE_BAD),
    "xlsx_number_ids": ("numids.xlsx", TWO_GOOD),
    "xlsx_float_age": ("floatage.xlsx", ONE_BAD),
    "xlsx_duplicate_header": ("duphead.xlsx", error("appears twice")),
    "xlsx_zip_bomb": ("bomb.xlsx", error("zip bomb")),
    "xlsx_long_cell": ("longcell.xlsx", error("cell larger than")),
    "xlsx_excerpt_cell": ("excerpt.xlsx", ONE_BAD),
    "xlsx_truncated": ("truncated.xlsx", error("not a valid XLSX")),
    "xlsx_text_named_xlsx": ("text.xlsx", error("not a valid XLSX")),
    "xlsx_empty": ("empty.xlsx", error("file is empty")),
    "fifo": ("fifo.csv", error("not a regular file")),
    "directory": ("folder.csv", error("is a directory")),
    "missing_file": ("missing.csv", error("does not exist")),
}


def all_cases() -> dict[str, dict[str, Any]]:
    """Every case: its file, its mapping file name (if any), where it lives, its outcome."""
    cases: dict[str, dict[str, Any]] = {}
    for group in (CSV_CASES, JSONL_CASES, MAPPING_CASES):
        for name, (file_name, content, mapping, outcome) in group.items():
            cases[name] = {
                "file": file_name,
                "generated": content is None,
                "mapping": f"{name}.mapping.yaml" if mapping is not None else None,
                "outcome": outcome,
            }
    for name, (file_name, outcome) in GENERATED.items():
        cases[name] = {"file": file_name, "generated": True, "mapping": None, "outcome": outcome}
    return cases


def write_committed(folder: Path = FILES, cases: Path = HERE / "cases.json") -> None:
    """The small files and mappings into `folder`, and the oracle into `cases`."""
    folder.mkdir(parents=True, exist_ok=True)
    for group in (CSV_CASES, JSONL_CASES, MAPPING_CASES):
        for name, (file_name, content, mapping, _) in group.items():
            if content is not None:
                (folder / file_name).write_bytes(content)
            if mapping is not None:
                data = mapping.encode("utf-8", errors="surrogateescape")
                (folder / f"{name}.mapping.yaml").write_bytes(data)
    text = json.dumps(all_cases(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    cases.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_committed(Path(sys.argv[1]) if len(sys.argv) > 1 else FILES)
