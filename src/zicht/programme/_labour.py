"""Reports of labour exploitation per organisation and per definition.

The partners do not agree on what "a report of labour exploitation" is, so their
counts cannot be compared or added up. Zicht counts its own data by each definition
side by side, per registering organisation, for one registration year:

- ``named``: reports (meldingen) that name labour exploitation among their forms;
- ``only``: reports of labour exploitation alone (no other form named);
- ``victims``: registrations of (possible) victims of labour exploitation.

The table is its own system of counts (it is no part of the monitor's, whose
suppression it leaves as it is), published by the one publication step with the
report's policy: per definition the total is the sum of the organisations, and per
organisation ``only`` is a part of ``named``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.i18n import N_
from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Relation, publish
from zicht.store import statistics

__all__ = ["ALL", "DEFINITIONS", "LABOUR", "LabourReports", "labour_reports"]

LABOUR = "labour"
ALL = "*"
# Definition code -> its name (a message) and what it counts.
DEFINITIONS: dict[str, str] = {
    "named": N_("Reports naming labour exploitation"),
    "only": N_("Reports of labour exploitation alone"),
    "victims": N_("Registered possible victims of labour exploitation"),
}


@dataclass(frozen=True)
class LabourReports:
    """The published table: ``cells[(organisation or ALL, definition)]``, None where
    suppressed; organisations in code order, those with no count in the year left out."""

    year: int
    organisations: tuple[str, ...]
    cells: dict[tuple[str, str], int | None]
    policy: PublicationPolicy

    def row(self, organisation: str) -> list[int | None]:
        """The organisation's (or ALL's) published counts, in the order of DEFINITIONS."""
        return [self.cells[(organisation, code)] for code in DEFINITIONS]


def _classify(rows: list[tuple[str, str, int]], *, alone: bool) -> Counter[tuple[str, str]]:
    counted: Counter[tuple[str, str]] = Counter()
    for source, forms, n in rows:
        codes = {code for code in forms.split(";") if code}
        if LABOUR in codes:
            counted[(source, "named" if not alone else "victims")] += n
            if not alone and codes == {LABOUR}:
                counted[(source, "only")] += n
    return counted


def labour_reports(
    engine: Engine, year: int, policy: PublicationPolicy = DEFAULT_PUBLICATION
) -> LabourReports:
    """Reports of labour exploitation registered in `year`, per organisation and
    definition, as they may be published."""
    counted = _classify(statistics.forms_by_source(engine, "report", year), alone=False)
    counted.update(
        _classify(statistics.forms_by_source(engine, "victim_registration", year), alone=True)
    )
    organisations = tuple(sorted({source for source, _ in counted}))
    values: dict[Hashable, int] = {}
    relations: list[Relation] = []
    for code in DEFINITIONS:
        for organisation in organisations:
            values[(organisation, code)] = counted[(organisation, code)]
        values[(ALL, code)] = sum(counted[(o, code)] for o in organisations)
        relations.append(Relation((ALL, code), tuple((o, code) for o in organisations)))
    for organisation in (*organisations, ALL):
        relations.append(Relation((organisation, "named"), ((organisation, "only"),), "bound"))
    published = publish(values, relations, policy)
    cells = {
        (organisation, code): published[(organisation, code)]
        for organisation in (*organisations, ALL)
        for code in DEFINITIONS
    }
    return LabourReports(year, organisations, cells, policy)
