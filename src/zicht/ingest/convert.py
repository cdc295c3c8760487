"""One raw row + its mapping -> a valid standard record, or the rules it breaks.

Conversion is pure: text cells become typed candidate values (codes through the
source's value maps, dates through its formats), then the standard's models decide.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from zicht.ingest.mapping import RESERVED_PREFIX, Mapping
from zicht.ingest.problems import RowProblem
from zicht.ingest.readers import RawRow
from zicht.standard import country_code

__all__ = ["Converter", "ValidRecord"]

_COUNTRY_FIELDS = frozenset({"nationality", "country_of_exploitation"})


@dataclass(frozen=True, slots=True)
class ValidRecord:
    """A row that passed: its analytic record and its identity (possibly empty)."""

    number: int
    analytic: BaseModel
    identity: BaseModel


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


class Converter:
    """Turns raw rows of one mapping into standard records."""

    def __init__(self, mapping: Mapping, source: str) -> None:
        self.mapping = mapping
        self.source = source
        kind = mapping.kind
        self._analytic = kind.analytic
        self._identity = kind.identity
        self._kinds = {
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

    def convert(self, row: RawRow) -> ValidRecord | list[RowProblem]:
        """Validate one row."""
        if row.unreadable is not None:
            return [RowProblem(field="(row)", rule=row.unreadable)]
        problems: list[RowProblem] = []
        values: dict[str, Any] = {"source": self.source}
        values.update(self.mapping.constants)
        for column, field in self.mapping.columns.items():
            if column.startswith(RESERVED_PREFIX):
                continue
            cell = self._clean(row.cells.get(column))
            if cell is None:
                continue
            converted = self._typed(field, cell, column, problems)
            if converted is not None:
                values[field] = converted
        for field, flag_columns in self.mapping.flags.items():
            codes = list(values.get(field, ()))
            for column, code in flag_columns.items():
                cell = self._clean(row.cells.get(column))
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
            return problems
        self._derive_age(values)
        return self._validate(row.number, values)

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
            if text in table:
                return table[text]
            folded = self._values_folded[field].get(text.lower())
            if folded is not None:
                return folded
        if field in _COUNTRY_FIELDS:
            return country_code(text) or text
        return text

    def _typed(self, field: str, cell: Any, column: str, problems: list[RowProblem]) -> Any:
        kind = self._kinds.get(field, "text")
        if kind == "multi":
            parts = (
                cell
                if isinstance(cell, list)
                else str(cell).split(self.mapping.separators.get(field, ";"))
            )
            return tuple(self._code(field, str(p).strip()) for p in parts if str(p).strip())
        if kind == "date":
            if isinstance(cell, dt.datetime):
                return cell.date()
            if isinstance(cell, dt.date):
                return cell
            for date_format in self.mapping.formats_for(field):
                try:
                    return dt.datetime.strptime(str(cell), date_format).date()
                except ValueError:
                    continue
            iso = _iso_date(str(cell))
            if iso is not None:
                return iso
            problems.append(RowProblem(field, "date", column))
            return None
        if kind == "bool":
            flag = self._boolean(self._code(field, str(cell)) if field in self._values else cell)
            if flag is None:
                problems.append(RowProblem(field, "boolean", column))
            return flag
        if kind == "int":
            if isinstance(cell, int) and not isinstance(cell, bool):
                return cell
            try:
                return int(str(cell).strip())
            except ValueError:
                problems.append(RowProblem(field, "integer", column))
                return None
        return self._code(field, str(cell))

    @staticmethod
    def _derive_age(values: dict[str, Any]) -> None:
        """Age at registration from the date (or year) of birth when the source gave none."""
        if "age" in values or not isinstance(values.get("registration_date"), dt.date):
            return
        registered: dt.date = values["registration_date"]
        born = values.get("date_of_birth")
        if isinstance(born, dt.date):
            age = (
                registered.year
                - born.year
                - ((registered.month, registered.day) < (born.month, born.day))
            )
        elif isinstance(values.get("birth_year"), int):
            age = registered.year - values["birth_year"]
        else:
            return
        if 0 <= age <= 120:
            values["age"] = age

    def _validate(self, number: int, values: dict[str, Any]) -> ValidRecord | list[RowProblem]:
        analytic_values = {k: v for k, v in values.items() if k not in self._identity_names}
        identity_values = {k: v for k, v in values.items() if k in self._identity_names}
        problems: list[RowProblem] = []
        analytic = identity = None
        try:
            analytic = self._analytic.model_validate(analytic_values)
        except ValidationError as exc:
            problems.extend(self._problems(exc))
        try:
            identity = self._identity.model_validate(identity_values)
        except ValidationError as exc:
            problems.extend(self._problems(exc))
        if problems or analytic is None or identity is None:
            return problems
        return ValidRecord(number, analytic, identity)

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
                else:
                    rule, detail = "inconsistent", text
            problems.append(RowProblem(field, rule, self._field_column.get(field), detail))
        return problems


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
}
