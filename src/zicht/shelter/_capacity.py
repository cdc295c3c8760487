"""`zicht shelter capacity`: a file of beds and free beds per shelter and kind.

Columns `shelter` (code), `kind` (a bed kind), `beds` (all beds of that kind) and
`free` (on offer now), read with ingest's readers (CSV, XLSX, JSON Lines). Every row is
checked; valid rows are stored in one transaction, refused ones are listed with file,
row, field and rule (never a value). A problem with the file as a whole stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zicht.access import Principal, audited_transaction, scope_of
from zicht.i18n import N_, translator
from zicht.ingest import RULES, IngestFileError, RawRow, open_source
from zicht.shelter._scope import audit, require
from zicht.shelter._vocabulary import BED_KINDS
from zicht.store.shelter_beds import member_shelters, set_beds, shelter_facts

__all__ = ["CAPACITY_COLUMNS", "CAPACITY_RULES", "CapacityImport", "import_capacity"]

CAPACITY_COLUMNS = ("shelter", "kind", "beds", "free")
CAPACITY_RULES: dict[str, str] = {
    "unknown_shelter": N_("no shelter with this code"),
    "not_own_shelter": N_("not a shelter you keep"),
    "repeated": N_("shelter and kind occur earlier in this file"),
    "free_over_beds": N_("more free beds than beds"),
    "fewer_than_reserved": N_("fewer beds than are reserved or occupied"),
}
_MAX_BEDS = 10_000


@dataclass
class CapacityImport:
    """What happened to every row of one capacity file."""

    file: str
    rows_read: int = 0
    stored: int = 0
    refusals: list[str] = field(default_factory=list)


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip() if value is not None else ""
    # isdigit alone takes '²' and other digits int() refuses; only ASCII 0-9 count
    return int(text) if text.isascii() and text.isdigit() else None


def _check(row: RawRow, codes: dict[str, int]) -> tuple[tuple[str, str] | None, tuple[Any, ...]]:
    """(field, rule) of the first broken rule, or None and (shelter id, kind, beds, free)."""
    if row.unreadable is not None:
        return (row.column or "row", row.unreadable), ()
    cells = {str(k).strip().lower(): v for k, v in row.cells.items()}
    values: dict[str, Any] = {}
    for column in CAPACITY_COLUMNS:
        value = cells.get(column)
        if value is None or str(value).strip() == "":
            return (column, "required"), ()
        values[column] = value
    code = str(values["shelter"]).strip()
    if code not in codes:
        return ("shelter", "unknown_shelter"), ()
    kind = str(values["kind"]).strip()
    if kind not in BED_KINDS:
        return ("kind", "code"), ()
    beds, free = _integer(values["beds"]), _integer(values["free"])
    if beds is None:
        return ("beds", "integer"), ()
    if free is None:
        return ("free", "integer"), ()
    if beds > _MAX_BEDS:
        return ("beds", "range"), ()
    if free > beds:
        return ("free", "free_over_beds"), ()
    return None, (codes[code], kind, beds, free)


def _message(rule: str, lang: str) -> str:
    text = CAPACITY_RULES.get(rule) or RULES.get(rule) or RULES["invalid"]
    return translator(lang)(text)


def import_capacity(
    path: Path, *, engine: Engine, principal: Principal, lang: str = "en"
) -> CapacityImport:
    """Store the beds of a capacity file in one transaction; refused rows listed.

    Coordinators may set every shelter; shelter staff only the shelters they keep.
    Raises IngestFileError when the file cannot be read as a whole (nothing is stored).
    """
    require(principal, "manage_shelter")
    result = CapacityImport(path.name)
    source = open_source(path)
    try:
        header = {column.strip().lower() for column in source.header}
        missing = [column for column in CAPACITY_COLUMNS if column not in header]
        if missing:
            raise IngestFileError(path, f"missing column(s): {', '.join(missing)}")
        with audited_transaction(engine) as transaction:
            connection = transaction.connection
            codes = {f.code: f.id for f in shelter_facts(connection)}
            everywhere = scope_of(principal, "manage_shelter") == "all"
            own = set() if everywhere else member_shelters(connection, principal.actor)
            seen: set[tuple[int, str]] = set()
            for row in source.rows:
                result.rows_read += 1
                problem, checked = _check(row, codes)
                if problem is None:
                    shelter_id, kind, beds, free = checked
                    if not everywhere and shelter_id not in own:
                        problem = ("shelter", "not_own_shelter")
                    elif (shelter_id, kind) in seen:
                        problem = ("kind", "repeated")
                if problem is None:
                    seen.add((shelter_id, kind))
                    try:
                        set_beds(connection, shelter_id, kind, beds, free)
                    except ValueError:
                        problem = ("beds", "fewer_than_reserved")
                if problem is not None:
                    result.refusals.append(
                        f"{path.name} row {row.number}, field {problem[0]}: "
                        f"{_message(problem[1], lang)}"
                    )
                    continue
                result.stored += 1
            if result.stored:
                audit(
                    transaction,
                    principal,
                    "shelter_capacity_imported",
                    "shelter",
                    sorted({shelter_id for shelter_id, _kind in seen}),
                    file=path.name,
                    rows=result.rows_read,
                    stored=result.stored,
                )
    finally:
        source.close()
    return result
