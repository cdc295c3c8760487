"""A faster `model_validate` for the record models, with the same outcomes (issue 17).

Validating a record through pydantic costs about 10-25 us, most of it in the Python
after-validators (`InVocabulary`, the model validators) that pydantic-core calls back.
`FastValidator` first tries a plain-Python check compiled from the model's own fields:
it only *accepts*, and only values whose outcome it knows exactly (a str already
stripped, an int, a date, a tuple of str, a code of a vocabulary, ...); it then builds
the instance with `model_construct` and runs the model's own after-validators on it.
Anything else -- a value of another type, whitespace to strip, a rule broken, a field
or constraint it does not know -- goes to `model_validate` itself, so every refusal and
its message still come from pydantic. tests/standard/test_fast_validation.py checks,
on generated values, that both give the same instance or the same errors.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import types
import typing
from collections.abc import Callable
from typing import Any

from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import BaseModel, StringConstraints

from zicht.standard._fields import InVocabulary

__all__ = ["FastValidator"]

_DOUBT = object()  # the plain check does not know this value's outcome: ask pydantic
Check = Callable[[Any], Any]
# A pattern of one character class repeated (`_PRINTABLE`): Python's `re` and the Rust
# regex of pydantic-core agree on it; any other pattern is left to pydantic.
_CLASS_PATTERN = re.compile(r"\^\[(\^?(?:\\x[0-9a-fA-F]{2}|[^\\\]\[])*)\]\*\$")
# Set operations inside a class (`--`, `&&`, `~~`) mean something else in Rust's regex.
_CLASS_SET_OPERATIONS = ("--", "&&", "~~")
# The configuration keys the plain check knows; any other (str_max_length,
# str_to_lower, coerce_numbers_to_str ...) may change an outcome: pydantic validates.
_KNOWN_CONFIG = frozenset(
    {"str_strip_whitespace", "strict", "extra", "validate_default", "frozen", "title"}
)
_MEMO_LIMIT = 4096  # distinct codes (or code lists) remembered per field


def _takes_info(validator: Callable[..., Any]) -> bool:
    """Whether an after-validator takes pydantic's `info` (the plain check calls it with
    the instance alone)."""
    function = getattr(validator, "__func__", validator)
    code = getattr(function, "__code__", None)
    return code is None or code.co_argcount > 1


class _Unsupported(Exception):
    """A field or model the plain check does not cover: pydantic validates it."""


# Lone surrogates (from JSON "\\ud800") are no text to pydantic-core: left to it.
_NO_SURROGATE = "\\ud800-\\udfff"


def _text_pattern(item_class: str, shortest: int, longest: int | None) -> re.Pattern[str]:
    """One regex for a str pydantic keeps as it is: nothing to strip at either end (`\\s`
    is `str.isspace`, a superset of what pydantic-core strips), its length in range and
    each character in `item_class` (a class without brackets, negated when it starts
    with ^) and no surrogate."""
    if item_class.startswith("^"):
        item_class = f"{item_class}{_NO_SURROGATE}"
    bounds = f"{{{shortest},{'' if longest is None else longest}}}"
    return re.compile(rf"(?!\s)[{item_class}]{bounds}(?<!\s)", re.DOTALL)


def _optional(test: Callable[[Any], bool], optional: bool) -> Check:
    if optional:
        return lambda value: value if value is None or test(value) else _DOUBT
    return lambda value: value if test(value) else _DOUBT


def _text_check(metadata: list[Any], optional: bool) -> Check:
    shortest, longest, item_class = 0, None, "^"
    for item in metadata:
        if isinstance(item, StringConstraints):
            if item.to_upper or item.to_lower or item.strict or item.ascii_only:
                raise _Unsupported
            shortest = max(shortest, item.min_length or 0)
            longest = item.max_length if item.max_length is not None else longest
            if item.pattern is not None:
                found = _CLASS_PATTERN.fullmatch(str(item.pattern))
                if found is None or any(op in found.group(1) for op in _CLASS_SET_OPERATIONS):
                    raise _Unsupported
                item_class = found.group(1)
        elif isinstance(item, MinLen):
            shortest = max(shortest, item.min_length)
        elif isinstance(item, MaxLen):
            longest = item.max_length
        elif not isinstance(item, InVocabulary):
            raise _Unsupported
    match = _text_pattern(item_class, shortest, longest).fullmatch
    # One function per field, not `_optional` around a test: a call less per value.
    if optional:
        return lambda value: (
            value if value is None or (type(value) is str and match(value) is not None) else _DOUBT
        )
    return lambda value: value if type(value) is str and match(value) is not None else _DOUBT


def _number_check(metadata: list[Any], optional: bool) -> Check:
    low: float = -math.inf
    high: float = math.inf
    for item in metadata:
        if isinstance(item, Ge) and isinstance(item.ge, int):
            low = max(low, item.ge)
        elif isinstance(item, Le) and isinstance(item.le, int):
            high = min(high, item.le)
        else:  # Gt, Lt, MultipleOf, ...: left to pydantic
            raise _Unsupported
    if optional:
        return lambda value: (
            value if value is None or (type(value) is int and low <= value <= high) else _DOUBT
        )
    return lambda value: value if type(value) is int and low <= value <= high else _DOUBT


def _exact(kind: type, metadata: list[Any], optional: bool) -> Check:
    if metadata:
        raise _Unsupported
    if optional:
        return lambda value: value if value is None or type(value) is kind else _DOUBT
    return lambda value: value if type(value) is kind else _DOUBT


def _tuple_check(metadata: list[Any], optional: bool) -> Check:
    shortest, longest = 0, math.inf
    for item in metadata:
        if isinstance(item, MinLen):
            shortest = item.min_length
        elif isinstance(item, MaxLen):
            longest = item.max_length
        elif not isinstance(item, InVocabulary):
            raise _Unsupported
    match = _text_pattern("^", 0, None).fullmatch

    def test(value: Any) -> bool:
        return (
            type(value) is tuple
            and shortest <= len(value) <= longest
            and all(type(item) is str and match(item) is not None for item in value)
        )

    return _optional(test, optional)


def _vocabulary(check: Check, rule: InVocabulary) -> Check:
    """`check`, then the vocabulary's own rule; remembered per value (codes repeat)."""
    memo: dict[Any, Any] = {}

    def checked(value: Any) -> Any:
        # The type is checked before the memo: True == 1 and a str subclass equal to a
        # code must not take the outcome of another value.
        kind = type(value)
        if kind is not str and kind is not tuple:
            return check(value) if value is None else _DOUBT
        try:
            known = memo.get(value, _DOUBT)
        except TypeError:  # a tuple holding something unhashable
            return _DOUBT
        if known is not _DOUBT:
            return known
        result = check(value)
        if result is _DOUBT:
            return _DOUBT
        try:
            result = rule._check(result)
        except ValueError:
            return _DOUBT
        if len(memo) < _MEMO_LIMIT:
            memo[value] = result
        return result

    return checked


def _field_check(annotation: Any, metadata: list[Any]) -> Check:
    """The plain check of one field: its value as pydantic gives it, or _DOUBT."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise _Unsupported
        optional, annotation = True, args[0]
        origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        annotation, *inner = typing.get_args(annotation)
        metadata = [*inner, *metadata]
        origin = typing.get_origin(annotation)
    vocabularies = [item for item in metadata if isinstance(item, InVocabulary)]
    if annotation is str:
        check = _text_check(metadata, optional)
    elif annotation is int:
        check = _number_check(metadata, optional)
    elif annotation is bool or annotation is dt.date:
        check = _exact(annotation, metadata, optional)
    elif origin is tuple and typing.get_args(annotation) == (str, ...):
        check = _tuple_check(metadata, optional)
    else:
        raise _Unsupported
    if len(vocabularies) > 1:
        raise _Unsupported
    return _vocabulary(check, vocabularies[0]) if vocabularies else check


_new = object.__new__
_set = object.__setattr__


class FastValidator:
    """`model_validate(values)` of one model, by a plain check when it can decide."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self._checks: dict[str, Check] | None = None
        self._after: list[Callable[[Any], Any]] = []
        self._defaults: dict[str, Any] = {}
        self._required: frozenset[str] = frozenset()
        try:
            self._compile(model)
        except (_Unsupported, TypeError):
            self._checks = None

    def _compile(self, model: type[BaseModel]) -> None:
        config = model.model_config
        if not _KNOWN_CONFIG.issuperset(config):
            raise _Unsupported
        if not config.get("str_strip_whitespace") or config.get("strict"):
            raise _Unsupported
        if config.get("extra") not in (None, "ignore", "forbid") or config.get("validate_default"):
            raise _Unsupported
        decorators = model.__pydantic_decorators__
        if decorators.field_validators or decorators.validators or decorators.root_validators:
            raise _Unsupported
        if model.__pydantic_post_init__ is not None or decorators.field_serializers:
            raise _Unsupported
        for validator in decorators.model_validators.values():
            if validator.info.mode != "after" or _takes_info(validator.func):
                raise _Unsupported
            self._after.append(validator.func)
        if model.__private_attributes__ or model.__pydantic_root_model__:
            raise _Unsupported
        checks: dict[str, Check] = {}
        required = set()
        for name, info in model.model_fields.items():
            if info.alias is not None or info.validation_alias is not None:
                raise _Unsupported
            if info.default_factory is not None:
                raise _Unsupported
            checks[name] = _field_check(info.annotation, list(info.metadata))
            if info.is_required():
                required.add(name)
                self._defaults[name] = None  # a place in the order; always given
            else:
                hash(info.default)  # a shared default must be immutable: else TypeError
                self._defaults[name] = info.default
        self._required = frozenset(required)
        self._checks = checks

    def validate(self, values: dict[str, Any]) -> BaseModel:
        """The model of `values`: as `model_validate` gives it (and raises as it does)."""
        checks = self._checks
        if checks is None or not self._required <= values.keys():
            return self.model.model_validate(values)
        fields = self._defaults.copy()  # every field, in the model's order
        for name, value in values.items():
            check = checks.get(name)
            if check is None:
                return self.model.model_validate(values)
            checked = check(value)
            if checked is _DOUBT:
                return self.model.model_validate(values)
            fields[name] = checked
        # What `model_construct` does, without its per-field loop over aliases and defaults.
        instance = _new(self.model)
        _set(instance, "__dict__", fields)
        _set(instance, "__pydantic_fields_set__", set(values))
        _set(instance, "__pydantic_extra__", None)
        _set(instance, "__pydantic_private__", None)
        try:
            for validator in self._after:
                instance = validator(instance)
        except (ValueError, AssertionError):
            return self.model.model_validate(values)  # raises with pydantic's message
        return instance
