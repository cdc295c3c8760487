"""Field building blocks of the record models: coded values, labels, identity marks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from zicht.standard._vocabulary import Vocabulary

__all__ = ["InVocabulary", "described"]


@dataclass(frozen=True)
class InVocabulary:
    """Annotation: a str (or each str of a tuple) must be a code of `vocabulary`.

    Tuples come back de-duplicated in the vocabulary's order, so that two sources
    listing the same forms in another order store the same value.
    """

    vocabulary: Vocabulary

    def _check(self, value: Any) -> Any:
        if isinstance(value, tuple):
            for item in value:
                self._check(item)
            return tuple(code for code in self.vocabulary.codes if code in value)
        if value not in self.vocabulary:
            raise ValueError(f"not a code of vocabulary '{self.vocabulary.name}'")
        return value

    def __get_pydantic_core_schema__(
        self, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source_type))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        codes = list(self.vocabulary.codes)
        if json_schema.get("type") == "array":
            json_schema["items"] = {"type": "string", "enum": codes}
            json_schema["uniqueItems"] = True
        else:
            json_schema["enum"] = codes
        return json_schema


def described(
    nl: str,
    en: str,
    *,
    vocabulary: Vocabulary | None = None,
    identity: bool = False,
    **kwargs: Any,
) -> Any:
    """A pydantic Field carrying Dutch and English labels (and its vocabulary)."""
    extra: dict[str, Any] = {"label_nl": nl, "label_en": en, "identity": identity}
    if vocabulary is not None:
        extra["vocabulary"] = vocabulary.name
    return Field(description=en, json_schema_extra=extra, **kwargs)
