"""One raw row + its mapping -> a valid standard record, or the rules it breaks.

Conversion is pure: text cells become typed candidate values (codes through the
source's value maps, dates through its formats), then the standard's models decide.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from pydantic import BaseModel, ValidationError

from zicht.ingest._dates import date_parser
from zicht.ingest._identity import validate_identity
from zicht.ingest._mapping import RESERVED_PREFIX, Mapping
from zicht.ingest._problems import RowProblem
from zicht.ingest._readers import RawRow
from zicht.ingest._rowcode import RowFunction, row_function
from zicht.standard import FastValidator, country_code

__all__ = ["Converter", "ValidRecord"]

_COUNTRY_FIELDS = frozenset({"nationality", "country_of_exploitation", "national_id_country"})


# At most this many mapped columns get a row function of their own (`convert_many`); a
# mapping may send any number of columns to a multi-valued field.
GENERATED_COLUMNS = 256
# Converted cells `convert_many` keeps per column from one batch to the next; a memo
# holding more is emptied before the next batch (memory stays bounded).
MEMO_KEPT = 20_000
# Only cells of at most this many characters are remembered. The remembered columns hold
# dates, numbers, codes and vocabulary terms: their values, repeated from row to row,
# are mostly short (a date-time with zone, a list of one or two forms). A longer cell (a
# long list of codes) is converted each time, the same but without the memo; remembering
# cells of up to MAX_CELL_CHARS (32,767) would let MEMO_KEPT of them hold about 0.65 GB a
# column; with this bound a memo holds about 6 MB at most (measured: 36 MB for six
# columns of 25,000 cells of 64 characters).
MEMO_CELL_CHARS = 64


@dataclass(frozen=True, slots=True)
class ValidRecord:
    """A row that passed: its analytic record and its identity (possibly empty).

    `flags` are identity values left out for breaking a rule; `originals` holds their
    cells as read (source column -> text), to be kept encrypted for correction.
    """

    number: int
    analytic: BaseModel
    identity: BaseModel
    flags: tuple[RowProblem, ...] = ()
    originals: dict[str, str] = dataclass_field(default_factory=dict)


def _kind_of(annotation: Any) -> str:
    """'date', 'int', 'bool', 'multi' or 'text' for a model field's annotation."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and args:
        return _kind_of(args[0])
    if origin is typing.Annotated:
        return _kind_of(args[0])
    if annotation is dt.date:
        return "date"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if origin is tuple:
        return "multi"
    return "text"


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")
_FAILED = object()  # a cell that broke a rule (the problem is already recorded)
_SKIPPED = object()  # an empty or null cell: no value
Handler = Callable[[Any, str, str, list[RowProblem]], Any]
# A column's converted cells by text: (value or _SKIPPED or _FAILED, the rules broken).
_Memo = dict[str, tuple[Any, tuple[RowProblem, ...]]]
# One step of the row loop: column, field, handler, free text?, memo (None: not remembered).
_Step = tuple[str, str, Handler, bool, _Memo | None]


class Converter:
    """Turns raw rows of one mapping into standard records.

    The mapping is compiled once into a plan of (column, field, handler) so that the
    per-row work is a loop of direct calls: ingest speed is set here.
    """

    def __init__(self, mapping: Mapping, source: str) -> None:
        self.mapping = mapping
        self.source = source
        kind = mapping.kind
        self._analytic = kind.analytic
        self._identity = kind.identity
        # Same outcomes as their `model_validate`, faster for rows that pass.
        self._validate_analytic = FastValidator(kind.analytic).validate
        self._validate_identity = FastValidator(kind.identity).validate
        kinds = {
            name: _kind_of(info.annotation)
            for name, info in {**kind.analytic.model_fields, **kind.identity.model_fields}.items()
        }
        self._identity_names = frozenset(kind.identity_fields)
        self._nulls = frozenset(value.strip().lower() for value in mapping.null_values)
        self._true = frozenset(value.lower() for value in mapping.true_values)
        self._false = frozenset(value.lower() for value in mapping.false_values)
        self._values = {
            field: {key.strip(): code for key, code in table.items()}
            for field, table in mapping.values.items()
        }
        self._values_folded = {
            field: {key.strip().lower(): code for key, code in table.items()}
            for field, table in mapping.values.items()
        }
        self._field_column = {field: column for column, field in mapping.columns.items()}
        self._base: dict[str, Any] = {"source": source, **mapping.constants}
        self._plan: list[tuple[str, str, Handler]] = [
            (column, field, self._handler(field, kinds.get(field, "text")))
            for column, field in mapping.columns.items()
            if not column.startswith(RESERVED_PREFIX)
        ]
        self._plan += [
            (column, field, self._handler(field, kinds.get(field, "text")))
            for field, column in mapping.derived_columns().items()
        ]
        # Which plan entries parse or look up (dates, codes, lists, numbers, booleans):
        # `convert_many` remembers their cells; free text, which rarely repeats, is
        # taken as it is, without a call to its handler.
        self._remembered = tuple(
            kinds.get(field, "text") != "text" or field in self._values or field in _COUNTRY_FIELDS
            for _, field, _ in self._plan
        )
        self._derives = bool(mapping.combine or mapping.split)
        self._plain_steps = self._steps(None)  # `convert`: nothing remembered
        self._generated: tuple[RowFunction, list[_Memo | None]] | None = None

    def _handler(self, field: str, kind: str) -> Handler:
        if kind == "multi":
            return self._multi
        if kind == "date":
            parsers = [date_parser(f) for f in self.mapping.formats_for(field)]
            return lambda cell, column, name, problems: self._date(
                parsers, cell, column, name, problems
            )
        if kind == "bool":
            return self._bool
        if kind == "int":
            return self._int
        if field in self._values or field in _COUNTRY_FIELDS:
            return lambda cell, column, name, problems: self._code(name, str(cell))
        return lambda cell, column, name, problems: cell if isinstance(cell, str) else str(cell)

    def convert(self, row: RawRow) -> ValidRecord | list[RowProblem]:
        """Validate one row."""
        return self._convert(row, self._plain_steps)

    def _steps(self, memos: list[_Memo | None] | None) -> list[_Step]:
        """The plan as the row loop walks it: (column, field, handler, free text?, memo)."""
        return [
            (column, field, handler, not remembered, None if memos is None else memo)
            for (column, field, handler), remembered, memo in zip(
                self._plan, self._remembered, memos or [None] * len(self._plan), strict=True
            )
        ]

    def convert_many(self, rows: list[RawRow]) -> list[ValidRecord | list[RowProblem]]:
        """Validate many rows: the same outcomes as `convert` row by row, in order.

        A cell text seen before in the same column (in this batch or, with the generated
        row function, an earlier one; up to `MEMO_KEPT` per column, of at most
        `MEMO_CELL_CHARS` characters) is not parsed again:
        its converted value (or the rule it broke) is taken from the first time.
        Conversion is a pure function of column and text, so nothing else changes.
        """
        # Steps that need all values at once, or more columns than a generated function
        # pays for (its compile time and memory grow with them): the loop.
        if self._derives or self.mapping.flags or len(self._plan) > GENERATED_COLUMNS:
            memos: list[_Memo | None] = [
                {} if remembered else None for remembered in self._remembered
            ]
            steps = self._steps(memos)
            return [self._convert(row, steps) for row in rows]
        convert_row = self._row_function()
        base_analytic = {k: v for k, v in self._base.items() if k not in self._identity_names}
        base_identity = {k: v for k, v in self._base.items() if k in self._identity_names}
        outcomes: list[ValidRecord | list[RowProblem]] = []
        for row in rows:
            if row.unreadable is not None:
                outcomes.append(self._unreadable(row))
                continue
            analytic, identity = base_analytic.copy(), base_identity.copy()
            problems: list[RowProblem] = []
            flags: list[RowProblem] = []
            convert_row(row.cells, analytic, identity, problems, flags)
            if problems:
                outcomes.append([*problems, *flags])
            else:
                outcomes.append(
                    self._validate_split(row.number, analytic, identity, flags, row.cells)
                )
        return outcomes

    def _row_function(self) -> RowFunction:
        """The generated row loop of `convert_many`, compiled once per converter (about
        3 ms, per batch before); its memos are kept across batches, each emptied when it
        holds more than `MEMO_KEPT` cells."""
        if self._generated is None:
            memos: list[_Memo | None] = [
                {} if remembered else None for remembered in self._remembered
            ]
            function = row_function(
                self._steps(memos),
                self._identity_names,
                {
                    "nulls": self._nulls,
                    "convert_text": self._convert_text,
                    "other": self._other_cell,
                    "skipped": _SKIPPED,
                    "failed": _FAILED,
                    "memo_chars": MEMO_CELL_CHARS,
                },
            )
            self._generated = (function, memos)
        function, memos = self._generated
        for memo in memos:
            if memo is not None and len(memo) > MEMO_KEPT:
                memo.clear()
        return function

    def _unreadable(self, row: RawRow) -> list[RowProblem]:
        field = self.mapping.columns.get(row.column or "", "(row)")
        return [RowProblem(field=field, rule=row.unreadable or "", column=row.column)]

    def _other_cell(
        self,
        cell: Any,
        column: str,
        field: str,
        handler: Handler,
        record: dict[str, Any],
        problems: list[RowProblem],
    ) -> None:
        """A cell the row loop does not take as plain text: as `_convert`'s last steps."""
        if isinstance(cell, str):
            cell = cell.strip()
            if not cell or cell.lower() in self._nulls:
                return
        elif isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        converted = handler(cell, column, field, problems)
        if converted is not _FAILED:
            record[field] = converted

    def _convert(self, row: RawRow, steps: list[_Step]) -> ValidRecord | list[RowProblem]:
        if row.unreadable is not None:
            return self._unreadable(row)
        problems: list[RowProblem] = []
        flags: list[RowProblem] = []  # identity values that are left out, not fatal
        values = dict(self._base)
        cells = row.cells
        nulls = self._nulls
        identity_names = self._identity_names
        if self._derives:
            cells = {**cells, **self.mapping.derived_cells(cells, nulls)}
        for column, field, handler, free, memo in steps:
            cell = cells.get(column)
            if cell is None:
                continue
            if type(cell) is str:
                if free:  # free text: the handler would return it as it is
                    cell = cell.strip()
                    if cell and cell.lower() not in nulls:
                        values[field] = cell
                    continue
                if memo is not None:
                    seen = memo.get(cell)
                    if seen is None:
                        seen = self._convert_text(cell, column, field, handler)
                        if len(cell) <= MEMO_CELL_CHARS:
                            memo[cell] = seen
                    converted, broken = seen
                    if broken:
                        (flags if field in identity_names else problems).extend(broken)
                    elif converted is not _SKIPPED and converted is not _FAILED:
                        values[field] = converted
                    continue
            if isinstance(cell, str):
                cell = cell.strip()
                if not cell or cell.lower() in nulls:
                    continue
            elif isinstance(cell, float) and cell.is_integer():
                cell = int(cell)
            converted = handler(cell, column, field, flags if field in identity_names else problems)
            if converted is not _FAILED:
                values[field] = converted
        for field, flag_columns in self.mapping.flags.items():
            codes = list(values.get(field, ()))
            for column, code in flag_columns.items():
                cell = self._clean(cells.get(column))
                if cell is None:
                    continue
                flag = self._boolean(cell)
                if flag is None:
                    problems.append(RowProblem(field, "boolean", column))
                elif flag and code not in codes:
                    codes.append(code)
            if codes:
                values[field] = tuple(codes)
        if problems:
            return [*problems, *flags]
        return self._validate(row.number, values, flags, cells)

    def _convert_text(
        self, cell: str, column: str, field: str, handler: Handler
    ) -> tuple[Any, tuple[RowProblem, ...]]:
        """One text cell as `_convert` takes it: (value or _SKIPPED or _FAILED, problems)."""
        text = cell.strip()
        if not text or text.lower() in self._nulls:
            return _SKIPPED, ()
        broken: list[RowProblem] = []
        return handler(text, column, field, broken), tuple(broken)

    def _clean(self, cell: Any) -> Any:
        if cell is None:
            return None
        if isinstance(cell, str):
            text = cell.strip()
            return None if text.lower() in self._nulls else text
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        return cell

    def _boolean(self, cell: Any) -> bool | None:
        if isinstance(cell, bool):
            return cell
        text = str(cell).strip().lower()
        if text in self._true:
            return True
        if text in self._false:
            return False
        return None

    def _code(self, field: str, text: str) -> str:
        table = self._values.get(field)
        if table is not None:
            code = table.get(text)
            if code is not None:
                return code
            folded = self._values_folded[field].get(text.lower())
            if folded is not None:
                return folded
        if field in _COUNTRY_FIELDS:
            return country_code(text) or text
        return text

    def _multi(self, cell: Any, column: str, field: str, problems: list[RowProblem]) -> Any:
        parts = (
            cell
            if isinstance(cell, list)
            else str(cell).split(self.mapping.separators.get(field, ";"))
        )
        return tuple(self._code(field, str(p).strip()) for p in parts if str(p).strip())

    @staticmethod
    def _date(
        parsers: list[Callable[[str], dt.date]],
        cell: Any,
        column: str,
        field: str,
        problems: list[RowProblem],
    ) -> Any:
        if isinstance(cell, dt.datetime):
            return cell.date()
        if isinstance(cell, dt.date):
            return cell
        text = str(cell)
        if not text.isascii() and any(char.isdigit() for char in text if not char.isascii()):
            problems.append(RowProblem(field, "date", column))
            return _FAILED
        for parse in parsers:
            try:
                return parse(text)
            except ValueError:
                continue
        iso = _iso_date(text)
        if iso is not None:
            return iso
        problems.append(RowProblem(field, "date", column))
        return _FAILED

    def _bool(self, cell: Any, column: str, field: str, problems: list[RowProblem]) -> Any:
        flag = self._boolean(self._code(field, str(cell)) if field in self._values else cell)
        if flag is None:
            problems.append(RowProblem(field, "boolean", column))
            return _FAILED
        return flag

    @staticmethod
    def _int(cell: Any, column: str, field: str, problems: list[RowProblem]) -> Any:
        if isinstance(cell, int) and not isinstance(cell, bool):
            return cell
        text = str(cell)
        # int() also reads "1_0", Arabic-Indic and other digits: only ASCII digits count.
        if _WHOLE_NUMBER.fullmatch(text) is None:
            problems.append(RowProblem(field, "integer", column))
            return _FAILED
        return int(text)

    @staticmethod
    def _derive_age(values: dict[str, Any], identity: BaseModel) -> None:
        """Age at registration from the date (or year) of birth when the source gave none."""
        if "age" in values or not isinstance(values.get("registration_date"), dt.date):
            return
        registered: dt.date = values["registration_date"]
        born = getattr(identity, "date_of_birth", None)
        birth_year = getattr(identity, "birth_year", None)
        if isinstance(born, dt.date):
            age = (
                registered.year
                - born.year
                - ((registered.month, registered.day) < (born.month, born.day))
            )
        elif isinstance(birth_year, int):
            age = registered.year - birth_year
        else:
            return
        if 0 <= age <= 120:
            values["age"] = age

    def _validate(
        self, number: int, values: dict[str, Any], flags: list[RowProblem], cells: dict[str, Any]
    ) -> ValidRecord | list[RowProblem]:
        """Validate identity first (a bad value is flagged and left out), then the rest."""
        analytic_values = {k: v for k, v in values.items() if k not in self._identity_names}
        identity_values = {k: v for k, v in values.items() if k in self._identity_names}
        return self._validate_split(number, analytic_values, identity_values, flags, cells)

    def _validate_split(
        self,
        number: int,
        analytic_values: dict[str, Any],
        identity_values: dict[str, Any],
        flags: list[RowProblem],
        cells: dict[str, Any],
    ) -> ValidRecord | list[RowProblem]:
        """`_validate` of values already split into the analytic and identity record."""
        registered = (
            identity_values if "registration_date" in self._identity_names else analytic_values
        ).get("registration_date")
        identity = validate_identity(
            self._validate_identity,
            identity_values,
            registered,
            self._problems,
            flags,
        )
        flags = [
            RowProblem(f.field, f.rule, f.column or self._field_column.get(f.field), f.detail)
            for f in flags
        ]
        self._derive_age(analytic_values, identity)
        try:
            analytic = self._validate_analytic(analytic_values)
        except ValidationError as exc:
            return [*self._problems(exc), *flags]
        originals = {
            flag.column: _original(cells.get(flag.column))
            for flag in flags
            if flag.column is not None and cells.get(flag.column) is not None
        }
        return ValidRecord(number, analytic, identity, tuple(flags), originals)

    def _problems(self, exc: ValidationError) -> list[RowProblem]:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            location = error["loc"]
            field = str(location[0]) if location else "(record)"
            message = str(error.get("msg", ""))
            detail = None
            rule = _RULE_OF_TYPE.get(error["type"], "invalid")
            if error["type"] == "value_error":
                text = message.removeprefix("Value error, ")
                if text.startswith("not a code of vocabulary"):
                    rule = "code"
                elif "in the future" in text:
                    rule, field = "future_date", text.split(" ")[0]
                elif "before 1900" in text:
                    rule, field = "range", text.split(" ")[0]
                elif "BSN eleven-test" in text:
                    rule, field = "eleven_test", text.split(" ")[0]
                else:
                    rule, detail = "inconsistent", text
            problems.append(RowProblem(field, rule, self._field_column.get(field), detail))
        return problems


def _original(cell: Any) -> str:
    """A cell as text, as the source sent it (dates of XLSX cells in ISO form)."""
    return cell.isoformat() if isinstance(cell, dt.date) else str(cell)


def _iso_date(text: str) -> dt.date | None:
    """An ISO 8601 date or date-time (as written by XLSX cells and quarantine exports)."""
    if len(text) < 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


_RULE_OF_TYPE = {
    "missing": "required",
    "too_short": "required",
    "string_too_short": "required",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_type": "date",
    "int_parsing": "integer",
    "int_type": "integer",
    "int_from_float": "integer",
    "greater_than_equal": "range",
    "less_than_equal": "range",
    "greater_than": "range",
    "less_than": "range",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "bool_parsing": "boolean",
    "bool_type": "boolean",
    "string_pattern_mismatch": "control_character",
}
