"""`zicht pprl encode`: a partner file to an encoded file, on the partner's own machine.

The file is read, mapped and validated exactly as `zicht ingest` does (the same
readers, mapping and `Converter`); a valid row leaves as its analytic record plus the
Bloom-filter encodings of its identity; a refused row is reported by row number,
field and rule only, never by value. The output appears only when the whole file is
done (written beside it, then renamed), so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import zicht.pprl._threads  # noqa: F401  (notes the threads there are now: see there)
from zicht.ingest import (
    Converter,
    IngestFileError,
    Mapping,
    RawRow,
    RowProblem,
    ValidRecord,
    default_mapping,
    open_checked,
)
from zicht.pprl._bloom import Bits, Encoder, Hardening
from zicht.pprl._fields import MARKS, YEAR_ONLY, YEAR_UNKNOWN, identity_values
from zicht.pprl._file import clear_record, header_line
from zicht.pprl._secret import LinkageSecret

__all__ = [
    "ChunkEncoder",
    "EncodeResult",
    "EncodedChunk",
    "Refusal",
    "birth_marks",
    "encode_file",
    "encode_identities",
    "encoded_json",
]

_CHUNK = 10_000
# Bytes of a CSV file a worker reads and encodes at a time (about 5,000 rows of the
# standard's columns; `zicht.ingest._blocks`).
_BLOCK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Refusal:
    """A refused row: its number and the rules it broke (field, column, rule; no value)."""

    row: int
    problems: tuple[RowProblem, ...]

    def describe(self, lang: str = "en") -> str:
        """One line: row N: field (column): rule; ..."""
        from zicht.i18n import Translator
        from zicht.ingest import rule_message

        parts = [
            f"{p.field}{'' if p.column in (None, p.field) else f' ({p.column})'}: "
            f"{rule_message(p.rule, lang)}"
            for p in self.problems
        ]
        t = Translator(lang)
        return t("row %(row)s: %(problems)s", row=self.row, problems="; ".join(parts))


@dataclass
class EncodeResult:
    """What one encoding run did."""

    source: str
    out: Path
    rows_read: int = 0
    encoded: int = 0
    flagged: int = 0
    refusals: list[Refusal] = field(default_factory=list)


def birth_marks(dates: Sequence[str | None]) -> list[int]:
    """The `MARKS` byte per record from its date of birth's text (`identity_values`):
    unknown, or the year alone (see `_fields`); no tag of the salt (format 4)."""
    return [YEAR_UNKNOWN if date is None else YEAR_ONLY if len(date) == 4 else 0 for date in dates]


def encode_identities(encoder: Encoder, identities: list[dict[str, Any]]) -> list[dict[str, bytes]]:
    """Encodings per record (field -> packed bits) of identity dicts (standard field names),
    with the `MARKS` byte of every record."""
    fields, marks = _encode_fields(encoder, identities)
    out: list[dict[str, bytes]] = [{} for _ in identities]
    for name, (packed, present) in fields.items():
        for number in present.nonzero()[0].tolist():
            out[number][name] = packed[number].tobytes()
    for encoding, mark in zip(out, marks, strict=True):
        encoding[MARKS] = bytes((mark,))
    return out


def _encode_fields(
    encoder: Encoder, identities: list[dict[str, Any]]
) -> tuple[dict[str, tuple[Bits, npt.NDArray[np.bool_]]], list[int]]:
    values = [identity_values(i) for i in identities]
    marks = birth_marks([v["date_of_birth"] for v in values])
    return encoder.encode(values), marks


def _base64_rows(packed: Bits) -> list[str]:
    """Base64 of every row of `packed`, as `base64.b64encode(row)` gives it, in one call.

    Rows are padded with zero bytes to a multiple of 3 bytes, encoded together and cut;
    the characters that only encode the padding bytes are the "=" of the padding.
    """
    rows, width = packed.shape
    pad = -width % 3
    if pad:
        packed = np.concatenate([packed, np.zeros((rows, pad), dtype=np.uint8)], axis=1)
    text = base64.b64encode(packed.tobytes()).decode("ascii")
    size = (width + pad) // 3 * 4
    keep = size - pad
    tail = "=" * pad
    return [text[start : start + keep] + tail for start in range(0, rows * size, size)]


def encoded_text(encoder: Encoder, identities: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Encodings per record (field -> base64 of packed bits, as the encoded file holds them)."""
    fields, marks = _encode_fields(encoder, identities)
    out: list[dict[str, str]] = [{} for _ in identities]
    for name, (packed, present) in fields.items():
        numbers = present.nonzero()[0]
        if len(numbers):
            for number, text in zip(numbers.tolist(), _base64_rows(packed[numbers]), strict=True):
                out[number][name] = text
    texts = {mark: base64.b64encode(bytes((mark,))).decode("ascii") for mark in set(marks)}
    for encoding, mark in zip(out, marks, strict=True):
        encoding[MARKS] = texts[mark]
    return out


def _base64_matrix(packed: Bits) -> Bits:
    """`_base64_rows` as a (rows x characters) array of ASCII codes."""
    rows, width = packed.shape
    pad = -width % 3
    if pad:
        packed = np.concatenate([packed, np.zeros((rows, pad), dtype=np.uint8)], axis=1)
    size = (width + pad) // 3 * 4
    text = np.frombuffer(base64.b64encode(packed.tobytes()), dtype=np.uint8)
    matrix = text.reshape(rows, size).copy()
    if pad:
        matrix[:, size - pad :] = ord("=")
    return matrix


def encoded_json(encoder: Encoder, identities: list[dict[str, Any]]) -> list[str]:
    """`encoded_text` of every record as the encoded file writes it: its JSON object,
    compact, fields in the same order, the marks last.

    Built as text: names and base64 need no escaping, so this is what `json` writes.
    Every field's piece (`"name":"base64",`) has one width, so all records' pieces are
    laid out as one (records x characters) array, the pieces of absent fields left out
    by a mask, and cut into records once (not ten small strings joined per record).
    """
    fields, marks = _encode_fields(encoder, identities)
    rows = len(identities)
    if not rows:
        return []
    pieces: list[Bits] = [np.full((rows, 1), ord("{"), dtype=np.uint8)]
    kept: list[npt.NDArray[np.bool_]] = [np.ones((rows, 1), dtype=bool)]
    for name, (packed, present) in fields.items():
        if not present.any():
            continue
        text = _base64_matrix(packed)
        key = np.frombuffer(f'"{name}":"'.encode("ascii"), dtype=np.uint8)
        piece = np.empty((rows, len(key) + text.shape[1] + 2), dtype=np.uint8)
        piece[:, : len(key)] = key
        piece[:, len(key) : -2] = text
        piece[:, -2:] = np.frombuffer(b'",', dtype=np.uint8)
        pieces.append(piece)
        kept.append(np.broadcast_to(present[:, None], piece.shape))
    key = np.frombuffer(f'"{MARKS}":"'.encode("ascii"), dtype=np.uint8)
    mark_text = _base64_matrix(np.array(marks, dtype=np.uint8).reshape(rows, 1))
    piece = np.empty((rows, len(key) + mark_text.shape[1] + 2), dtype=np.uint8)
    piece[:, : len(key)] = key
    piece[:, len(key) : -2] = mark_text
    piece[:, -2:] = np.frombuffer(b'"}', dtype=np.uint8)
    pieces.append(piece)
    kept.append(np.ones(piece.shape, dtype=bool))
    mask = np.concatenate(kept, axis=1)
    joined = np.concatenate(pieces, axis=1)[mask].tobytes().decode("ascii")
    ends: list[int] = np.cumsum(mask.sum(axis=1)).tolist()
    return [joined[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def _json_date(value: Any) -> str:
    """Dates of the analytic record in ISO form (what `json` does not know)."""
    if type(value) is dt.date:
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_text() -> Callable[[Any], str]:
    """The analytic record's line text: compact, dates in ISO form; tuples are written as
    arrays as lists are (`json`'s own rule).

    `JSONEncoder.encode` builds a new C encoder (and a dict to catch cycles) on every call,
    about 5 us of a record's 12; this one C encoder is built once and called directly,
    without the cycle check (plain records of the standard hold no cycles). The text is
    `JSONEncoder(separators=(",", ":"), default=_json_date).encode`'s.
    """
    try:
        from _json import make_encoder
    except ImportError:  # pragma: no cover  (a Python without json's C accelerator)
        return json.JSONEncoder(separators=(",", ":"), default=_json_date).encode
    chunks = make_encoder(
        None, _json_date, encode_basestring_ascii, None, ":", ",", False, False, True
    )
    return lambda value: "".join(chunks(value, 0))


_record_json = _json_text()


@dataclass
class EncodedChunk:
    """A chunk of rows encoded: the file's lines (joined), refusals, counts."""

    # One str, not a list of lines: a worker sends it back, and the main process writes
    # it, in one piece (pickling and writing 10,000 small strings cost the main process
    # about 3 us a row).
    text: str
    refusals: list[Refusal]
    encoded: int
    flagged: int


class ChunkEncoder:
    """Validates and encodes chunks of raw rows of one mapping (in any process)."""

    def __init__(self, mapping: Mapping, source: str, encoder: Encoder) -> None:
        self.converter = Converter(mapping, source)
        self.encoder = encoder

    def encode(self, chunk: list[RawRow]) -> EncodedChunk:
        """The lines of the valid rows of `chunk`, in order, and its refused rows."""
        valid: list[ValidRecord] = []
        refusals = []
        for raw, outcome in zip(chunk, self.converter.convert_many(chunk), strict=True):
            if isinstance(outcome, ValidRecord):
                valid.append(outcome)
            else:
                refusals.append(Refusal(raw.number, tuple(outcome)))
        # Absent and None are alike to the encoder: the identity's own fields, as they are.
        encodings = encoded_json(self.encoder, [r.identity.__dict__ for r in valid])
        # Each line is what `zicht.pprl._file.row_line_text` writes, put together here
        # from its parts' JSON (row_line_text would convert and encode every value).
        lines, flagged = [], 0
        for record, encoding in zip(valid, encodings, strict=True):
            if record.flags:
                flags = _record_json(sorted({f"{f.field}:{f.rule}" for f in record.flags}))
                flagged += 1
            else:
                flags = "[]"
            lines.append(
                f'{{"row":{int(record.number)},"record":'
                f"{_record_json(clear_record(record.analytic.__dict__))},"
                f'"flags":{flags},"encoding":{encoding}}}'
            )
        text = "\n".join(lines) + "\n" if lines else ""
        return EncodedChunk(text, refusals, len(valid), flagged)


def encode_file(
    path: Path,
    *,
    source: str,
    secret: LinkageSecret,
    out: Path,
    mapping: Mapping | None = None,
    hardening: Hardening | None = None,
    encoder: Encoder | None = None,
    workers: int = 1,
) -> EncodeResult:
    """Encode a partner file of `source` into `out` (JSON Lines, see `zicht.pprl._file`).

    `workers` > 1 validates and encodes in that many processes (`zicht.pprl._parallel`;
    a given `encoder` is then used for its secret and hardening only).
    Raises IngestFileError (and writes nothing) when the file as a whole is unusable.
    """
    mapping = mapping or default_mapping()
    if mapping.record_type != "victim_registration":
        raise IngestFileError(path, "only victim registrations are linked: use a victim mapping")
    hardening = hardening or Hardening()
    encoder = encoder or Encoder(secret, hardening)
    opened = open_checked(path, source=source, mapping=mapping)
    result = EncodeResult(source=source, out=out)
    descriptor, temporary = tempfile.mkstemp(prefix=".zicht-pprl-", dir=out.parent or Path("."))
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(header_line(secret, source, mapping.record_type, encoder.hardening) + "\n")
            from zicht.ingest import csv_blocks
            from zicht.pprl._parallel import encoded_chunks, fewer_collections

            chunks = encoded_chunks(
                opened.rows,
                ChunkEncoder(mapping, source, encoder),
                mapping=mapping,
                source=source,
                secret=secret,
                hardening=encoder.hardening,
                workers=workers,
                chunk_size=_CHUNK,
                # Workers read their own byte ranges of a CSV file when it can be cut.
                plan=csv_blocks(opened, _BLOCK_BYTES) if workers > 1 else None,
            )
            with fewer_collections():  # the rows read and their chunks: few are garbage
                for size, chunk in chunks:
                    result.rows_read += size
                    result.refusals.extend(chunk.refusals)
                    result.encoded += chunk.encoded
                    result.flagged += chunk.flagged
                    handle.write(chunk.text)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        opened.close()
    return result
