"""A bad identity value costs the value, not the registration (issue 13).

An identity field that does not parse or breaks a rule of the standard (a birth date of
31-02-1985, in 1850 or after the registration, a name with a control character, a BSN
that fails the eleven-test) is left out of the stored identity and flagged: the
registration is stored, counted and linked on its other fields, and the original cell
is kept, encrypted, for correction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from zicht.ingest._problems import RowProblem

__all__ = ["flag_labels", "validate_identity"]

Problems = Callable[[ValidationError], list[RowProblem]]

# A field that means nothing without another: left out with it, flagged with its rule
# (so that its cell, too, is kept for correction).
_COMPANIONS = {"national_id_number": ("national_id_country",)}


def _named_fields(problem: RowProblem, values: dict[str, Any]) -> list[str]:
    """The fields a problem is about: its own, or those named in a cross-field rule."""
    if problem.field in values:
        return [problem.field]
    words = (problem.detail or "").replace(",", " ").split()
    return [word for word in words if word in values]


def validate_identity(
    model: type[BaseModel] | Callable[[dict[str, Any]], BaseModel],
    values: dict[str, Any],
    registered: object,
    problems_of: Problems,
    flags: list[RowProblem],
) -> BaseModel:
    """The identity without the fields that break a rule; each left-out field is flagged.

    Args:
        model: the identity model of the record type, or what validates a dict as it
            (a `zicht.standard.FastValidator`'s `validate`).
        values: identity field -> converted value (fields are removed from it).
        registered: the registration date, when it parsed: a birth after it is flagged.
        problems_of: turns a ValidationError into problems naming field and rule.
        flags: receives one problem per left-out field.
    """
    # Not getattr(model, "model_validate", model): on a function that raises and
    # catches an AttributeError, about 1 us a record (issue 17).
    validate: Callable[[dict[str, Any]], BaseModel] = model
    if isinstance(model, type) and issubclass(model, BaseModel):
        validate = model.model_validate
    # Each round returns, or leaves out at least one value (or all of them), so the
    # rounds are bounded by the number of values; a bound, not `while True`, so that a
    # bug that stops the progress fails instead of hanging.
    for _ in range(len(values) + 2):
        try:
            identity = validate(values)
        except ValidationError as exc:
            dropped = False
            for problem in problems_of(exc):
                for name in _named_fields(problem, values):
                    flags.append(RowProblem(name, problem.rule, problem.column, problem.detail))
                    del values[name]
                    dropped = True
                    for companion in _COMPANIONS.get(name, ()):
                        if values.pop(companion, None) is not None:
                            flags.append(RowProblem(companion, problem.rule, None, problem.detail))
            if not dropped:  # a rule that names no field: keep no identity at all
                flags.append(RowProblem("(identity)", "invalid"))
                values.clear()
            continue
        born = getattr(identity, "date_of_birth", None)
        if isinstance(registered, dt.date) and born is not None and born > registered:
            flags.append(RowProblem("date_of_birth", "birth_after_registration"))
            values.pop("date_of_birth", None)
            values.pop("birth_year", None)  # derived from the same birth date
            continue
        return identity
    raise AssertionError("identity validation made no progress")  # pragma: no cover


def flag_labels(flags: list[RowProblem] | tuple[RowProblem, ...]) -> str | None:
    """The stored form of a record's flags: "field:rule" joined by ";", or None."""
    labels = sorted({f"{flag.field}:{flag.rule}" for flag in flags})
    return ";".join(labels) or None
