"""The encoded file: one JSON header line, then one line per registration.

    {"zicht_pprl": 4, "secret_id": "...", "source": "police", "record_type": ...,
     "hardening": {...}, "fields": {"given_name": 256, ..., "birth_marks": 8}}
    {"row": 2, "record": {analytic fields}, "flags": [...],
     "encoding": {"given_name": "base64", ..., "birth_marks": "base64"}}

Format 2 added `birth_marks` (`zicht.pprl._fields.MARKS`): one byte per registration
with a 1-bit tag of the salt and whether the birth year is unknown or all that is
known of the date. Format 3 carries the age at registration as its CTDC age band
(`age_band`, with the minor flag), not in whole years (`clear_record`): an age and a
registration date give the birth year the names are salted with to within one, and
the frequency attack aligned within one birth year re-identifies about an eighth of
the names (docs/privacy.md). Format 4 salts the names with the whole date of birth
instead of the birth year (which the band and registration date still bound to about
four years: 5% re-identified) and drops the salt tag from the marks (bit 0 is 0). A
file of another format is refused (encode it again).

No identity value is in it: only the analytic fields of the standard (what Zicht
stores unencrypted anyway, the age as its band) and the encodings.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from zicht.pprl._bloom import Hardening, filter_bits
from zicht.pprl._fields import FIELDS, MARKS
from zicht.pprl._secret import LinkageSecret
from zicht.standard import age_band

__all__ = [
    "FORMAT_VERSION",
    "EncodedFile",
    "EncodedFileError",
    "EncodedRow",
    "clear_record",
    "read_encoded",
]

FORMAT_VERSION = 4


def clear_record(analytic: dict[str, Any]) -> dict[str, Any]:
    """The analytic record as an encoded file carries it: the age as its age band.

    The monitor, the open data and the CTDC export count ages by band and minor flag
    only (`zicht.standard.AGE_BANDS`, `MAJORITY`); the minor flag is kept as the
    standard derived it from the age.
    """
    record = dict(analytic)
    age = record.pop("age", None)
    if age is not None:
        record["age_band"] = age_band(int(age))
    return record


def _widths(hardening: Hardening) -> dict[str, int]:
    """Bits of every field's encoding (and of the marks byte), as the header lists them."""
    widths = {spec.name: filter_bits(spec, hardening) for spec in FIELDS}
    widths[MARKS] = 8
    return widths


class EncodedFileError(ValueError):
    """An encoded file cannot be used: which file, which line, which rule."""


@dataclass(frozen=True)
class EncodedRow:
    """One encoded registration: its row in the partner's file, analytic record, encodings."""

    row: int
    record: dict[str, Any]
    flags: tuple[str, ...]
    encoding: dict[str, bytes]


@dataclass
class EncodedFile:
    """The header of an encoded file and its rows (read lazily)."""

    path: Path
    secret_id: str
    source: str
    record_type: str
    hardening: Hardening
    rows: Iterator[EncodedRow]
    handle: IO[str] | None = None

    def close(self) -> None:
        """Close the file (reading `rows` to the end closes it too)."""
        if self.handle is not None:
            self.handle.close()


def header_line(secret: LinkageSecret, source: str, record_type: str, hardening: Hardening) -> str:
    """The first line of an encoded file."""
    fields = _widths(hardening)
    return json.dumps(
        {
            "zicht_pprl": FORMAT_VERSION,
            "secret_id": secret.secret_id,
            "source": source,
            "record_type": record_type,
            "hardening": hardening.as_dict(),
            "fields": fields,
        }
    )


def row_line(
    row: int, record: dict[str, Any], flags: tuple[str, ...], encoding: dict[str, bytes]
) -> str:
    """One registration's line."""
    text = {k: base64.b64encode(v).decode("ascii") for k, v in encoding.items()}
    return row_line_text(row, record, flags, text)


_compact = json.JSONEncoder(separators=(",", ":"))


def row_line_text(
    row: int, record: dict[str, Any], flags: tuple[str, ...], encoding: dict[str, str]
) -> str:
    """One registration's line, its encodings already in base64 (`row_line`)."""
    return _compact.encode(
        {"row": row, "record": record, "flags": list(flags), "encoding": encoding}
    )


def _header(path: Path, line: str, secret_id: str | None) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or "zicht_pprl" not in header:
        raise EncodedFileError(f"{path}: line 1: not an encoded file of this Zicht version")
    if header["zicht_pprl"] != FORMAT_VERSION:
        raise EncodedFileError(
            f"{path}: line 1: encoded file format {header['zicht_pprl']!r}, this Zicht reads "
            f"format {FORMAT_VERSION}: encode the partner file again with this version"
        )
    if secret_id is not None and header.get("secret_id") != secret_id:
        raise EncodedFileError(
            f"{path}: encoded with another secret (id {header.get('secret_id')}, "
            f"expected {secret_id}); its encodings cannot be compared"
        )
    try:
        hardening = Hardening(**header["hardening"])
        expected = _widths(hardening)
    except (KeyError, TypeError, ValueError):
        raise EncodedFileError(f"{path}: line 1: hardening missing or unknown") from None
    if header.get("fields") != expected:
        raise EncodedFileError(f"{path}: line 1: fields or filter lengths differ from this Zicht's")
    header["_hardening"] = hardening
    return header


def _row(path: Path, number: int, line: str, widths: dict[str, int]) -> EncodedRow:
    try:
        data = json.loads(line)
        encoding = {
            name: base64.b64decode(text, validate=True) for name, text in data["encoding"].items()
        }
        record, row, flags = data["record"], int(data["row"]), tuple(data.get("flags", ()))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        raise EncodedFileError(f"{path}: line {number}: not an encoded registration") from None
    for name, value in encoding.items():
        if name not in widths or len(value) * 8 != widths[name]:
            raise EncodedFileError(
                f"{path}: line {number}: field {name}: unknown field or wrong length"
            )
    if not isinstance(record, dict):
        raise EncodedFileError(f"{path}: line {number}: record is not an object")
    return EncodedRow(row, record, flags, encoding)


def read_encoded(path: Path, secret_id: str | None = None) -> EncodedFile:
    """Open an encoded file; refuse it when its secret id is not `secret_id` (when given).

    Rows are read lazily; a damaged line raises EncodedFileError with its line number.
    """
    try:
        handle = path.open(encoding="utf-8")
    except OSError:
        raise EncodedFileError(f"{path}: cannot be read") from None
    try:
        header = _header(path, handle.readline(), secret_id)
    except (EncodedFileError, UnicodeDecodeError) as exc:
        handle.close()
        if isinstance(exc, EncodedFileError):
            raise
        raise EncodedFileError(f"{path}: line 1: not UTF-8 text") from None
    widths = dict(header["fields"])

    def rows() -> Iterator[EncodedRow]:
        with handle:
            for number, line in enumerate(handle, start=2):
                if line.strip():
                    yield _row(path, number, line, widths)

    return EncodedFile(
        path=path,
        secret_id=str(header["secret_id"]),
        source=str(header.get("source")),
        record_type=str(header.get("record_type")),
        hardening=header["_hardening"],
        rows=rows(),
        handle=handle,
    )
