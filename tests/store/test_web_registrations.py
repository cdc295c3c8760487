"""The registrations list of the store: filters, order and pages, on each database."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select

from zicht.ingest import ingest_file
from zicht.privacy import Cipher
from zicht.store import VictimRegistrationRow
from zicht.store.web_registrations import RegistrationQuery, count_registrations, registration_page

FORMS = ("labour", "criminal", "labour;criminal", "sexual_domestic;labour")


def _store(engine: Engine, cipher: Cipher, folder: Path) -> None:
    for source in ("police", "fairwork"):
        path = folder / f"{source}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source_record_id", "registration_date", "forms", "gender", "age"])
            for i in range(24):
                date = f"20{20 + i % 3}-0{1 + i % 9}-1{i % 9}"
                gender = ("female", "male")[i % 2]
                writer.writerow([f"{source}-{i}", date, FORMS[i % 4], gender, 20 + i])
        ingest_file(path, source=source, engine=engine, cipher=cipher)


def _expected(engine: Engine, query: RegistrationQuery) -> list[int]:
    table = VictimRegistrationRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table)).all()
    kept = [
        r
        for r in rows
        if (not query.organisation or r.source == query.organisation)
        and (not query.year or r.registration_year == query.year)
        and (not query.form or query.form in r.forms.split(";"))
        and (
            not query.search
            or query.search.lower() in r.source_record_id.lower()
            or (query.search.isdigit() and int(query.search) == r.id)
        )
        and (not query.gender or r.gender == query.gender)
        and (not query.since or r.registration_date >= query.since)
        and (not query.until or r.registration_date <= query.until)
        and (not query.batch or r.batch_id == query.batch)
    ]
    key = query.sort.lstrip("-")
    kept.sort(key=lambda r: r.id)
    kept.sort(key=lambda r: getattr(r, key), reverse=query.sort.startswith("-"))
    return [r.id for r in kept]


def test_filters_order_and_pages(engine: Engine, cipher: Cipher, tmp_path: Path) -> None:
    _store(engine, cipher, tmp_path)
    queries = [
        RegistrationQuery(),
        RegistrationQuery(organisation="fairwork", sort="-registration_date", page_size=7),
        RegistrationQuery(year=2021, form="labour", page=2, page_size=5),
        RegistrationQuery(form="criminal", sort="source"),
        RegistrationQuery(form="sexual_domestic", organisation="police", year=2022),
        RegistrationQuery(search="POLICE-1"),  # any case: police-1, police-10 … police-19
        RegistrationQuery(search="3", sort="-id"),  # the number 3, or a reference with a 3
        RegistrationQuery(gender="male", since=dt.date(2021, 1, 1), until=dt.date(2021, 6, 30)),
        RegistrationQuery(batch=2, gender="female", page=2, page_size=3),
    ]
    for query in queries:
        expected = _expected(engine, query)
        assert count_registrations(engine, query) == len(expected)
        start = (query.page - 1) * query.page_size
        page = registration_page(engine, query)
        assert [row.id for row in page] == expected[start : start + query.page_size], query
        assert expected, query


def test_a_search_matches_its_wildcards_as_letters(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "refs.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_record_id", "registration_date", "forms", "gender"])
        for reference in ("A_1", "AB1", "A%1", "XA1"):
            writer.writerow([reference, "2022-03-01", "labour", "female"])
    ingest_file(path, source="police", engine=engine, cipher=cipher)

    def found(search: str) -> list[str]:
        rows = registration_page(engine, RegistrationQuery(search=search))
        return sorted(row.source_record_id for row in rows)

    assert found("a_1") == ["A_1"]  # "_" is a letter, not "any one character"
    assert found("A%") == ["A%1"]
    assert found("a1") == ["XA1"]
    assert found("zzz") == []
