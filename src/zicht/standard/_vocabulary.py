"""Controlled vocabularies: stable codes with Dutch and English labels.

A vocabulary is an ordered set of terms. Each term has a stable code (what the store
and the files of the standard hold), a Dutch and an English label, and where one
exists the matching value of the IOM standards: CTDC (Counter Trafficking Data
Collaborative, global dataset) and HTCDS 2.0 (Human Trafficking Case Data Standard).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["Term", "Vocabulary"]


@dataclass(frozen=True, slots=True)
class Term:
    """One value of a vocabulary."""

    code: str
    nl: str
    en: str
    ctdc: str | None = None
    htcds: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def label(self, lang: str) -> str:
        """The label in `lang` ("nl" or "en")."""
        return self.nl if lang == "nl" else self.en

    def attribute(self, name: str) -> str | None:
        """A vocabulary-specific attribute (e.g. an organisation's kind)."""
        return dict(self.extra).get(name)


@dataclass(frozen=True)
class Vocabulary:
    """An ordered set of terms with a name and labels of its own."""

    name: str
    nl: str
    en: str
    terms: tuple[Term, ...]
    description_en: str = ""
    _by_code: dict[str, Term] = field(init=False, repr=False, compare=False)
    _codes: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code = {term.code: term for term in self.terms}
        if len(by_code) != len(self.terms):
            raise ValueError(f"vocabulary {self.name} has duplicate codes")
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_codes", tuple(by_code))

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes in their defined order."""
        return self._codes

    def get(self, code: str) -> Term:
        """The term with `code`; KeyError names the vocabulary, not the value."""
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"not a code of vocabulary {self.name}") from None

    def label(self, code: str, lang: str) -> str:
        """The label of `code` in `lang`."""
        return self.get(code).label(lang)
