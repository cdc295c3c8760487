"""Count tables of the report, tied together for disclosure control.

Every count cell has a key that is unique across the report; a cell that appears in
two tables (the yearly total under every breakdown, registrations of the report year
per organisation in the data-quality table) has one key, so it is protected once and
consistently. Relations say how totals and parts hang together.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from zicht.i18n import N_
from zicht.monitor._data import NOT_RECORDED, UNKNOWN, MonitorData
from zicht.monitor._i18n import Label
from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Published, Relation, publish
from zicht.standard import AGE_BANDS, COUNTRIES, FORMS, GENDERS, MAJORITY, ORGANISATIONS

__all__ = [
    "ALL_YEARS",
    "TOP_COUNTRIES",
    "CountSystem",
    "CountTable",
    "TableRow",
    "build_system",
]

TOP_COUNTRIES = 8
OTHER_COUNTRIES = "other_countries"
TOTAL = "total"
_TITLES: dict[str, Label] = {
    "organisation": N_("By registering organisation"),
    "form": N_("By form of exploitation"),
    "gender": N_("By gender"),
    "nationality": N_("By nationality"),
}
_FIELDS: dict[str, Label] = {
    "age": N_("Age"),
    "nationality": N_("Nationality"),
    "gender": N_("Gender"),
    "forms": N_("Form of exploitation"),
    "country_of_exploitation": N_("Country of exploitation"),
    "identity_flagged": N_("Identity value left out (flagged)"),
}


@dataclass(frozen=True)
class TableRow:
    """A row of a count table: its code, label and level (0 item, 1 sub-item, 2 total)."""

    code: str
    label: Label
    level: int = 0


@dataclass
class CountTable:
    """A table of counts: rows by columns, each cell a key into the system's values."""

    name: str
    title: Label
    row_header: Label
    rows: list[TableRow]
    columns: list[tuple[str, Label]]
    keys: dict[tuple[str, str], Hashable]
    note: Label | None = None
    dimension: str = ""


@dataclass
class CountSystem:
    """All count cells of a report with their relations; protected as one."""

    values: dict[Hashable, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    tables: dict[str, CountTable] = field(default_factory=dict)

    def cell(self, key: Hashable, value: int) -> Hashable:
        """Register a cell; a shared key must carry the same value everywhere."""
        if key in self.values and self.values[key] != value:
            raise ValueError(f"cell {key!r} has two values")
        self.values[key] = value
        return key

    def relate(self, total: Hashable, parts: Iterable[Hashable], kind: str = "sum") -> None:
        """Add a relation when it holds (one that does not hold tells an attacker nothing)."""
        parts = tuple(parts)
        if not parts:
            return
        t, values = self.values[total], [self.values[p] for p in parts]
        holds = {
            "sum": t == sum(values),
            "cover": max(values) <= t <= sum(values),
            "bound": sum(values) <= t,
        }[kind]
        if holds:
            self.relations.append(Relation(total, parts, kind))  # type: ignore[arg-type]

    def publish(self, policy: PublicationPolicy = DEFAULT_PUBLICATION) -> Published:
        """The system as published: the one publication step over all its cells."""
        return publish(self.values, self.relations, policy)


def _year_columns(years: list[int]) -> list[tuple[str, Label]]:
    return [(str(y), (str(y), str(y))) for y in years]


def _term_label(vocabulary: object, code: str) -> Label:
    try:
        term = vocabulary.get(code)  # type: ignore[attr-defined]
    except KeyError:
        return (code, code)
    return (term.nl, term.en)


def _codes(preferred: Iterable[str], present: Iterable[str], tail: Iterable[str]) -> list[str]:
    present = set(present)
    tail = list(tail)
    ordered = [c for c in preferred if c in present and c not in tail]
    ordered += sorted(present - set(ordered) - set(tail))
    return ordered + [c for c in tail if c in present]


_ROW_HEADERS: dict[str, Label] = {
    "organisation": (ORGANISATIONS.nl, ORGANISATIONS.en),
    "form": (FORMS.nl, FORMS.en),
    "gender": (GENDERS.nl, GENDERS.en),
    "nationality": ("Nationaliteit", "Nationality"),
    "age": (MAJORITY.nl + " / " + AGE_BANDS.nl.lower(), MAJORITY.en + " / " + AGE_BANDS.en.lower()),
}


def _one_way(
    system: CountSystem,
    data: MonitorData,
    dimension: str,
    codes: list[str],
    labels: dict[str, Label],
    *,
    kind: str = "sum",
    note: Label | None = None,
    counts: dict[tuple[int, str], int] | None = None,
) -> CountTable:
    counts = data.by_dimension[dimension] if counts is None else counts
    table = CountTable(
        name=f"victims_by_{dimension}",
        title=_TITLES[dimension],
        row_header=_ROW_HEADERS[dimension],
        rows=[TableRow(c, labels[c]) for c in codes] + [TableRow(TOTAL, N_("Total"), 2)],
        columns=_year_columns(data.years),
        keys={},
        note=note,
        dimension=dimension,
    )
    for year in data.years:
        column = str(year)
        total = system.cell(("registrations", year), data.totals.get(year, 0))
        table.keys[(TOTAL, column)] = total
        parts = []
        for code in codes:
            key = system.cell((dimension, code, year), counts.get((year, code), 0))
            table.keys[(code, column)] = key
            parts.append(key)
        system.relate(total, parts, kind)
    return table


def _victim_tables(system: CountSystem, data: MonitorData) -> None:
    unknown = N_("Unknown")
    present = {d: {c for _, c in data.by_dimension[d]} for d in data.by_dimension}
    # Organisations: all codes in the vocabulary order, then any others found.
    codes = _codes(ORGANISATIONS.codes, present["organisation"], [UNKNOWN])
    labels = {c: _term_label(ORGANISATIONS, c) for c in codes} | {UNKNOWN: unknown}
    system.tables["organisation"] = _one_way(system, data, "organisation", codes, labels)

    codes = _codes(FORMS.codes, set(FORMS.codes) | present["form"], [NOT_RECORDED])
    labels = {c: _term_label(FORMS, c) for c in codes} | {NOT_RECORDED: N_("Not recorded")}
    system.tables["form"] = _one_way(
        system,
        data,
        "form",
        codes,
        labels,
        kind="cover",
        note=N_(
            "A registration can have several forms of exploitation: the rows count it under each "
            "form, the total once."
        ),
    )

    codes = _codes(GENDERS.codes, set(GENDERS.codes) | present["gender"], [UNKNOWN])
    labels = {c: _term_label(GENDERS, c) for c in codes}
    system.tables["gender"] = _one_way(system, data, "gender", codes, labels)

    # Nationality: the most frequent countries over all years, the rest together.
    per_country: dict[str, int] = {}
    for (_, code), n in data.by_dimension["nationality"].items():
        if code != UNKNOWN:
            per_country[code] = per_country.get(code, 0) + n
    top = sorted(per_country, key=lambda c: (-per_country[c], c))[:TOP_COUNTRIES]
    grouped: dict[tuple[int, str], int] = {}
    for (year, code), n in data.by_dimension["nationality"].items():
        row = code if code in top or code == UNKNOWN else OTHER_COUNTRIES
        grouped[(year, row)] = grouped.get((year, row), 0) + n
    codes = [*top, OTHER_COUNTRIES, UNKNOWN]
    labels = {c: _term_label(COUNTRIES, c) for c in top} | {
        OTHER_COUNTRIES: N_("Other countries"),
        UNKNOWN: unknown,
    }
    system.tables["nationality"] = _one_way(
        system, data, "nationality", codes, labels, counts=grouped
    )
    _age_table(system, data)


def _age_table(system: CountSystem, data: MonitorData) -> None:
    """Minor / adult, each split into CTDC age bands (and age unknown)."""
    groups = {"minor": AGE_BANDS.codes[:2], "adult": AGE_BANDS.codes[2:], UNKNOWN: ()}
    present = {(g, b) for _, g, b in data.age}
    rows: list[TableRow] = []
    layout: list[tuple[str, list[tuple[str, str]]]] = []
    for group, bands in groups.items():
        label = N_("Unknown") if group == UNKNOWN else _term_label(MAJORITY, group)
        rows.append(TableRow(group, label))
        subs = [(group, b) for b in bands]
        subs += sorted(p for p in present if p[0] == group and p not in subs)
        if group == UNKNOWN and subs == [(UNKNOWN, UNKNOWN)]:
            subs = []
        for sub in subs:
            band_label = (
                (N_("age unknown")) if sub[1] == UNKNOWN else _term_label(AGE_BANDS, sub[1])
            )
            rows.append(TableRow(f"{sub[0]}:{sub[1]}", band_label, 1))
        layout.append((group, subs))
    rows.append(TableRow(TOTAL, N_("Total"), 2))
    table = CountTable(
        name="victims_by_age",
        title=N_("By age"),
        row_header=_ROW_HEADERS["age"],
        rows=rows,
        columns=_year_columns(data.years),
        keys={},
        dimension="age",
    )
    for year in data.years:
        column = str(year)
        total = system.cell(("registrations", year), data.totals.get(year, 0))
        table.keys[(TOTAL, column)] = total
        group_keys = []
        for group, subs in layout:
            value = sum(n for (y, g, _), n in data.age.items() if y == year and g == group)
            group_key = system.cell(("age", group, year), value)
            table.keys[(group, column)] = group_key
            group_keys.append(group_key)
            sub_keys = []
            for sub in subs:
                key = system.cell(("age", *sub, year), data.age.get((year, *sub), 0))
                table.keys[(f"{sub[0]}:{sub[1]}", column)] = key
                sub_keys.append(key)
            system.relate(group_key, sub_keys)
        system.relate(total, group_keys)
    system.tables["age"] = table


def _linkage_table(system: CountSystem, data: MonitorData) -> None:
    rows = [
        TableRow("registrations", N_("Registrations")),
        TableRow("persons", N_("Unique persons")),
        TableRow("removed", N_("Double counts")),
    ]
    table = CountTable(
        name="registrations_and_persons",
        title=N_("Registrations and unique persons"),
        row_header=N_("Year"),
        rows=rows,
        columns=_year_columns(data.years),
        keys={},
    )
    for year in data.years:
        column = str(year)
        linked, persons = data.linkage.get(year, (0, 0))
        # The same cell as the yearly total when the run covers every registration.
        same = linked == data.totals.get(year, 0)
        reg = system.cell(("registrations", year) if same else ("linked", year), linked)
        per = system.cell(("persons", year), persons)
        removed = system.cell(("removed", year), linked - persons)
        table.keys.update(
            {("registrations", column): reg, ("persons", column): per, ("removed", column): removed}
        )
        system.relate(reg, [per, removed])
    system.tables["linkage"] = table


def _suspect_table(system: CountSystem, data: MonitorData) -> None:
    table = CountTable(
        name="suspects",
        title=N_("Suspects"),
        row_header=N_("Year"),
        rows=[
            TableRow("registered", N_("Suspects registered")),
            TableRow("prosecutor", N_("Brought to the prosecutor")),
        ],
        columns=_year_columns(data.years),
        keys={},
    )
    for year in data.years:
        for row in ("registered", "prosecutor"):
            value = data.suspects[row].get(year, 0)
            table.keys[(row, str(year))] = system.cell(("suspects", row, year), value)
    system.tables["suspects"] = table


def _quality_tables(system: CountSystem, data: MonitorData, year: int) -> None:
    sources = _codes(ORGANISATIONS.codes, data.quarantine_rows, [])
    rules = sorted({rule for _, rule in data.quarantine_rules})
    table = CountTable(
        name="quarantine",
        title=N_("Quarantined rows by source and rule"),
        row_header=N_("Source"),
        rows=[TableRow(s, _term_label(ORGANISATIONS, s)) for s in sources],
        columns=[("rows", N_("Rows"))] + [(r, (r, r)) for r in rules],
        keys={},
        note=N_("A row can break several rules: it counts under each rule, in the total once."),
    )
    for source in sources:
        total = system.cell(("quarantine", source), data.quarantine_rows[source])
        table.keys[(source, "rows")] = total
        parts = []
        for rule in rules:
            key = system.cell(
                ("quarantine", source, rule), data.quarantine_rules.get((source, rule), 0)
            )
            table.keys[(source, rule)] = key
            parts.append(key)
        system.relate(total, parts, "cover")
    system.tables["quarantine"] = table

    sources = _codes(ORGANISATIONS.codes, data.missing, [])
    fields = [
        "age",
        "nationality",
        "gender",
        "forms",
        "country_of_exploitation",
        "identity_flagged",
    ]
    missing = CountTable(
        name="missing_fields",
        title=N_("Missing fields by source, %(year)s"),
        row_header=N_("Source"),
        rows=[TableRow(s, _term_label(ORGANISATIONS, s)) for s in sources],
        columns=[("registrations", N_("Registrations"))] + [(f, _FIELDS[f]) for f in fields],
        keys={},
    )
    for source in sources:
        counts = data.missing[source]
        # The registrations of the report year per source are a cell of the
        # organisation table: the same key.
        total = system.cell(("organisation", source, year), counts["registrations"])
        missing.keys[(source, "registrations")] = total
        for name in fields:
            key = system.cell(("missing", source, name), counts[name])
            missing.keys[(source, name)] = key
            system.relate(total, [key], "bound")
    system.tables["missing"] = missing


ALL_YEARS = "all"


def _all_years(system: CountSystem, data: MonitorData) -> None:
    """Totals over every year, as the dashboard shows them: cells of the same system.

    The report does not print them, but they are protected with its cells, so the
    dashboard and the report suppress the same cells and no subtraction between the
    two undoes a suppression.
    """
    years = data.years
    total = system.cell(("registrations", ALL_YEARS), sum(data.totals.values()))
    system.relate(total, [("registrations", y) for y in years])
    for dimension, kind in (("organisation", "sum"), ("form", "cover")):
        parts = []
        for code in system.tables[dimension].rows:
            if code.code == TOTAL:
                continue
            cells = [(dimension, code.code, y) for y in years]
            key = system.cell(
                (dimension, code.code, ALL_YEARS), sum(system.values[c] for c in cells)
            )
            system.relate(key, cells)
            parts.append(key)
        system.relate(total, parts, kind)
    registered = [("suspects", "registered", y) for y in years]
    key = system.cell(
        ("suspects", "registered", ALL_YEARS), sum(system.values[c] for c in registered)
    )
    system.relate(key, registered)


def build_system(
    data: MonitorData, year: int, persons_by_form: dict[str, int] | None = None
) -> CountSystem:
    """Every count table of the report of `year` in one system, with all-year totals."""
    system = CountSystem()
    _victim_tables(system, data)
    if data.link_run is not None:
        _linkage_table(system, data)
        if persons_by_form:
            parts = [system.cell(("persons_form", form), n) for form, n in persons_by_form.items()]
            system.relate(("persons", year), parts, "cover")
    _suspect_table(system, data)
    _quality_tables(system, data, year)
    _all_years(system, data)
    if data.shelter is not None and data.shelter.year == year:
        # The shelter area's cells of the year (zicht.shelter): tied only to each other.
        for key, value in data.shelter.values.items():
            system.cell(key, value)
        system.relations.extend(data.shelter.relations)
    return system
