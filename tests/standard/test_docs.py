"""docs/data-standard.md stays in step with the code of the standard."""

from __future__ import annotations

from pathlib import Path

from zicht.standard import RECORD_TYPES, VOCABULARIES
from zicht.standard._docs import data_standard_markdown

DOC = Path(__file__).parents[2] / "docs" / "data-standard.md"


def test_document_is_generated_from_the_code() -> None:
    assert DOC.read_text(encoding="utf-8") == data_standard_markdown(), (
        "docs/data-standard.md is stale: run `zicht standard docs --out docs/data-standard.md`"
    )


def test_document_names_every_field_and_value_in_both_languages() -> None:
    text = DOC.read_text(encoding="utf-8")
    for record_type in RECORD_TYPES.values():
        for name in record_type.fields:
            assert f"`{name}`" in text
    for vocabulary in VOCABULARIES.values():
        for term in vocabulary:
            nl, en = (label.replace("|", "\\|") for label in (term.nl, term.en))
            assert f"| `{term.code}` | {nl} | {en} |" in text
