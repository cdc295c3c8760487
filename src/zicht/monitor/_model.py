"""The report as plain data in one language: what every renderer draws from."""

from __future__ import annotations

from dataclasses import dataclass, field

from zicht.monitor._charts import Chart

__all__ = ["Headline", "PublishedTable", "Report", "Section", "Value"]

Value = int | float | str | None
"""A published cell: a count, a number, a text, or None when suppressed."""


@dataclass(frozen=True)
class PublishedTable:
    """A table as published: header, rows (first cell the row label) and notes."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    levels: tuple[int, ...] = ()
    note: str | None = None
    digits: int = 0
    """Decimals shown for floats."""


@dataclass(frozen=True)
class Headline:
    """One figure of the summary page."""

    name: str
    label: str
    value: str
    detail: str = ""


@dataclass
class Section:
    """A chapter: paragraphs, then charts and tables in order."""

    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[Chart | PublishedTable] = field(default_factory=list)


@dataclass
class Report:
    """The whole report in one language."""

    lang: str
    year: int
    title: str
    subtitle: str
    cutoff: str
    headlines: list[Headline]
    sections: list[Section]
    suppressed_note: str
    built_at: str = ""

    @property
    def tables(self) -> list[PublishedTable]:
        """Every table in reading order."""
        return [
            item
            for section in self.sections
            for item in section.items
            if isinstance(item, PublishedTable)
        ]
