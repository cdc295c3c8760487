"""`zicht pprl encode`: a partner file to an encoded file, on the partner's own machine.

The file is read, mapped and validated exactly as `zicht ingest` does (the same
readers, mapping and `Converter`); a valid row leaves as its analytic record plus the
Bloom-filter encodings of its identity; a refused row is reported by row number,
field and rule only, never by value. The output appears only when the whole file is
done (written beside it, then renamed), so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

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
from zicht.pprl._bloom import Encoder, Hardening
from zicht.pprl._fields import FIELDS, identity_values
from zicht.pprl._file import header_line, row_line
from zicht.pprl._secret import LinkageSecret

__all__ = ["EncodeResult", "Refusal", "birth_year_of", "encode_file", "encode_identities"]

_CHUNK = 10_000


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


def birth_year_of(identity: dict[str, Any]) -> int | None:
    """The birth year a record's salt uses (from the date of birth, else the year alone)."""
    born = identity.get("date_of_birth")
    if isinstance(born, dt.date):
        return born.year
    if isinstance(born, str) and len(born) >= 4 and born[:4].isdigit():
        return int(born[:4])
    year = identity.get("birth_year")
    return int(year) if year is not None and year == year else None


def encode_identities(encoder: Encoder, identities: list[dict[str, Any]]) -> list[dict[str, bytes]]:
    """Encodings per record (field -> packed bits) of identity dicts (standard field names)."""
    values = [identity_values(i) for i in identities]
    years = [birth_year_of(i) for i in identities]
    encoded = encoder.encode(values, years)
    out: list[dict[str, bytes]] = [{} for _ in identities]
    for spec in FIELDS:
        packed, present = encoded[spec.name]
        for number in present.nonzero()[0].tolist():
            out[number][spec.name] = packed[number].tobytes()
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _chunks(rows: Iterator[RawRow]) -> Iterator[list[RawRow]]:
    while chunk := list(islice(rows, _CHUNK)):
        yield chunk


def encode_file(
    path: Path,
    *,
    source: str,
    secret: LinkageSecret,
    out: Path,
    mapping: Mapping | None = None,
    hardening: Hardening | None = None,
    encoder: Encoder | None = None,
) -> EncodeResult:
    """Encode a partner file of `source` into `out` (JSON Lines, see `zicht.pprl._file`).

    Raises IngestFileError (and writes nothing) when the file as a whole is unusable.
    """
    mapping = mapping or default_mapping()
    if mapping.record_type != "victim_registration":
        raise IngestFileError(path, "only victim registrations are linked: use a victim mapping")
    hardening = hardening or Hardening()
    encoder = encoder or Encoder(secret, hardening)
    opened = open_checked(path, source=source, mapping=mapping)
    converter = Converter(mapping, source)
    result = EncodeResult(source=source, out=out)
    descriptor, temporary = tempfile.mkstemp(prefix=".zicht-pprl-", dir=out.parent or Path("."))
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(header_line(secret, source, mapping.record_type, encoder.hardening) + "\n")
            for chunk in _chunks(opened.rows):
                result.rows_read += len(chunk)
                valid: list[ValidRecord] = []
                for raw in chunk:
                    outcome = converter.convert(raw)
                    if isinstance(outcome, ValidRecord):
                        valid.append(outcome)
                    else:
                        result.refusals.append(Refusal(raw.number, tuple(outcome)))
                identities = [
                    {k: v for k, v in r.identity.__dict__.items() if v is not None} for r in valid
                ]
                encodings = encode_identities(encoder, identities)
                lines = []
                for record, encoding in zip(valid, encodings, strict=True):
                    flags = tuple(sorted({f"{f.field}:{f.rule}" for f in record.flags}))
                    result.flagged += bool(flags)
                    analytic = {k: _jsonable(v) for k, v in record.analytic.__dict__.items()}
                    lines.append(row_line(record.number, analytic, flags, encoding) + "\n")
                handle.writelines(lines)
                result.encoded += len(valid)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        opened.close()
    return result
