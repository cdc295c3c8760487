"""International tables: Eurostat's trafficking data collection and GRETA's questionnaire.

Per year, victims (linked persons registered that year) by sex crossed with age group,
with citizenship group and with form of exploitation, in the long SDMX-CSV layout of
Eurostat's data collection (dimension columns, ``OBS_VALUE``, ``OBS_FLAG``), and the
figures GRETA's evaluation questionnaire asks for (women, men, girls, boys; nationals
and foreigners; per form). Every count is one cell of one system passed through the
publication policy (:func:`zicht.privacy._publish`): cells shared by several tables
(the yearly total, the totals by sex) have one key, so they are protected once.
A suppressed count is published empty with flag ``c`` (confidential), as Eurostat does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from zicht.opendata._persons import LinkedPerson
from zicht.opendata._regions import region_of
from zicht.privacy import PublicationPolicy, Published, Relation, publish

__all__ = [
    "EUROSTAT_COLUMNS",
    "GRETA_COLUMNS",
    "InternationalTables",
    "international_tables",
]

HOME = "NL"
TOTAL = "TOTAL"
SEXES = ("F", "M", "UNK")
AGES = ("Y_LT18", "Y_GE18", "UNK")
CITIZENS = ("NAT", "EU27_2020_FOR", "NEU27_2020_FOR", "UNK")
FORMS = ("SEX", "LAB", "CRIM", "ORG", "OTH")
# The standard's forms in Eurostat's groups (cross-border and domestic sexual are one).
_FORM_GROUPS = {
    "sexual_domestic": "SEX",
    "sexual_cross_border": "SEX",
    "labour": "LAB",
    "criminal": "CRIM",
    "organ_removal": "ORG",
    "other": "OTH",
}
_DIMENSIONS = {"age": AGES, "citizen": CITIZENS, "expl": FORMS}
EUROSTAT_COLUMNS = (
    "DATAFLOW",
    "freq",
    "unit",
    "sex",
    "age",
    "citizen",
    "expl",
    "geo",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_FLAG",
)
GRETA_COLUMNS = ("year", "indicator", "value", "flag")

Cell = tuple[str, ...]
RelationKind = Literal["sum", "cover", "bound"]


def _sex(person: LinkedPerson) -> str:
    return {"female": "F", "transgender_female": "F", "male": "M", "transgender_male": "M"}.get(
        person.gender, "UNK"
    )


def _age(person: LinkedPerson) -> str:
    if person.age is not None:
        return "Y_LT18" if person.age < 18 else "Y_GE18"
    if person.minor is not None:
        return "Y_LT18" if person.minor else "Y_GE18"
    return "UNK"


def _citizen(person: LinkedPerson) -> str:
    if person.nationality is None:
        return "UNK"
    if person.nationality == HOME:
        return "NAT"
    try:
        return "EU27_2020_FOR" if region_of(person.nationality).eu27 else "NEU27_2020_FOR"
    except KeyError:
        return "UNK"


def _forms(person: LinkedPerson) -> set[str]:
    return {_FORM_GROUPS.get(f, "OTH") for f in person.forms} or {"OTH"}


@dataclass(frozen=True)
class InternationalTables:
    """The published system of counts, and how to lay it out."""

    years: tuple[int, ...]
    values: dict[Hashable, int]
    published: Published

    def eurostat_rows(self, geo: str = HOME) -> list[list[str]]:
        """Rows of the SDMX-CSV file (without the header)."""
        rows = []
        for year in self.years:
            for dimension, codes in _DIMENSIONS.items():
                for sex in (TOTAL, *SEXES):
                    for code in (TOTAL, *codes):
                        value = self.published[_key(year, sex, dimension, code)]
                        coordinates = {"age": TOTAL, "citizen": TOTAL, "expl": TOTAL}
                        coordinates[dimension] = code
                        rows.append(
                            [
                                "ESTAT:CRIM_THB_ZICHT(1.0)",
                                "A",
                                "NR",
                                sex,
                                coordinates["age"],
                                coordinates["citizen"],
                                coordinates["expl"],
                                geo,
                                str(year),
                                "" if value is None else str(value),
                                "c" if value is None else "",
                            ]
                        )
        return rows

    def greta_rows(self) -> list[list[str]]:
        """GRETA's figures per year: women, men, girls, boys, nationals, foreigners, forms."""
        rows = []
        for year in self.years:
            for indicator, cell in _greta_cells(year):
                value = self.published[cell]
                rows.append(
                    [
                        str(year),
                        indicator,
                        "" if value is None else str(value),
                        "c" if value is None else "",
                    ]
                )
        return rows


def _key(year: int, sex: str, dimension: str, code: str) -> Cell:
    # One key for every table's grand total and totals by sex: the same count.
    if code == TOTAL:
        return (str(year), sex, TOTAL, TOTAL)
    return (str(year), sex, dimension, code)


def _greta_cells(year: int) -> list[tuple[str, Cell]]:
    return [
        ("victims_total", _key(year, TOTAL, "age", TOTAL)),
        ("women", _key(year, "F", "age", "Y_GE18")),
        ("men", _key(year, "M", "age", "Y_GE18")),
        ("girls", _key(year, "F", "age", "Y_LT18")),
        ("boys", _key(year, "M", "age", "Y_LT18")),
        ("sex_or_age_unknown", (str(year), "UNK_ANY", "age", "UNK_ANY")),
        ("nationals", _key(year, TOTAL, "citizen", "NAT")),
        ("foreigners", (str(year), TOTAL, "citizen", "FOR")),
        ("citizenship_unknown", _key(year, TOTAL, "citizen", "UNK")),
        ("sexual_exploitation", _key(year, TOTAL, "expl", "SEX")),
        ("labour_exploitation", _key(year, TOTAL, "expl", "LAB")),
        ("forced_criminality", _key(year, TOTAL, "expl", "CRIM")),
        ("organ_removal", _key(year, TOTAL, "expl", "ORG")),
        ("other_forms", _key(year, TOTAL, "expl", "OTH")),
    ]


def _counts(year: int, persons: Iterable[LinkedPerson]) -> Counter[Cell]:
    counts: Counter[Cell] = Counter()
    for person in persons:
        sex = _sex(person)
        age = _age(person)
        citizen = _citizen(person)
        for s in (TOTAL, sex):
            counts[_key(year, s, "age", TOTAL)] += 1
            counts[_key(year, s, "age", age)] += 1
            counts[_key(year, s, "citizen", citizen)] += 1
            for form in _forms(person):
                counts[_key(year, s, "expl", form)] += 1
        if citizen in ("EU27_2020_FOR", "NEU27_2020_FOR"):
            counts[(str(year), TOTAL, "citizen", "FOR")] += 1
        if sex == "UNK" or age == "UNK":
            counts[(str(year), "UNK_ANY", "age", "UNK_ANY")] += 1
    return counts


def _cells_and_relations(year: int) -> tuple[list[Cell], list[Relation]]:
    cells: list[Cell] = []
    relations: list[Relation] = []
    for dimension, codes in _DIMENSIONS.items():
        kind: RelationKind = "cover" if dimension == "expl" else "sum"
        for sex in (TOTAL, *SEXES):
            row = [_key(year, sex, dimension, c) for c in codes]
            cells.extend(c for c in [_key(year, sex, dimension, TOTAL), *row] if c not in cells)
            relations.append(Relation(_key(year, sex, dimension, TOTAL), tuple(row), kind))
        if dimension != "expl":  # a person has one sex: each column sums over sexes
            for code in (TOTAL, *codes):
                parts = tuple(_key(year, s, dimension, code) for s in SEXES)
                relations.append(Relation(_key(year, TOTAL, dimension, code), parts))
        else:
            for code in codes:
                parts = tuple(_key(year, s, dimension, code) for s in SEXES)
                relations.append(Relation(_key(year, TOTAL, dimension, code), parts))
    foreign = (str(year), TOTAL, "citizen", "FOR")
    unknown_any = (str(year), "UNK_ANY", "age", "UNK_ANY")
    cells += [foreign, unknown_any]
    relations.append(
        Relation(
            foreign,
            (
                _key(year, TOTAL, "citizen", "EU27_2020_FOR"),
                _key(year, TOTAL, "citizen", "NEU27_2020_FOR"),
            ),
        )
    )
    # Persons of unknown sex or age: the unknown-sex total plus the known-sex unknown ages.
    relations.append(
        Relation(
            unknown_any,
            (
                _key(year, "UNK", "age", TOTAL),
                _key(year, "F", "age", "UNK"),
                _key(year, "M", "age", "UNK"),
            ),
        )
    )
    return cells, relations


def international_tables(
    persons_by_year: Mapping[int, Sequence[LinkedPerson]], policy: PublicationPolicy
) -> InternationalTables:
    """The tables of the given years, protected as one system by `policy`."""
    values: dict[Hashable, int] = {}
    relations: list[Relation] = []
    years = tuple(sorted(persons_by_year))
    for year in years:
        counts = _counts(year, persons_by_year[year])
        cells, year_relations = _cells_and_relations(year)
        values.update({cell: counts.get(cell, 0) for cell in cells})
        relations.extend(year_relations)
    return InternationalTables(years, values, publish(values, relations, policy))
