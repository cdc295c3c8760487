"""From a link run's registrations to one record per linked person of a period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd

__all__ = ["LinkedPerson", "linked_persons"]


@dataclass(frozen=True)
class LinkedPerson:
    """What the registrations of one person in a period say, combined.

    Single values come from the earliest registration that records them; forms,
    sectors, means of control and recruiter relations are the union over all of them.
    """

    year: int
    gender: str
    age: int | None
    age_band: str | None
    minor: bool | None
    nationality: str | None
    country_of_exploitation: str | None
    forms: frozenset[str]
    sectors: frozenset[str]
    means_of_control: frozenset[str]
    recruiter_relations: frozenset[str]


def _codes(values: pd.Series) -> frozenset[str]:
    return frozenset(c for value in values.dropna() for c in str(value).split(";") if c)


def _first(values: pd.Series, missing: tuple[object, ...] = ("",)) -> object | None:
    for value in values:
        if value is None or pd.isna(value) or value in missing:
            continue
        return cast(object, value)
    return None


def linked_persons(registrations: pd.DataFrame) -> list[LinkedPerson]:
    """One :class:`LinkedPerson` per person of `registrations`, in order of person id.

    Args:
        registrations: the columns of ``zicht.store.opendata.OPEN_DATA_FIELDS``, one
            row per registration, in order of date within each person.
    """
    persons: list[LinkedPerson] = []
    for _, rows in registrations.groupby("person_id", sort=True):
        age = _first(rows["age"])
        minor = _first(rows["minor"])
        gender = _first(rows["gender"], ("", "unknown"))
        persons.append(
            LinkedPerson(
                year=int(rows["registration_year"].iloc[0]),
                gender=str(gender) if gender is not None else "unknown",
                age=None if age is None else int(float(str(age))),
                age_band=_text(_first(rows["age_band"])),
                minor=None if minor is None else bool(minor),
                nationality=_text(_first(rows["nationality"])),
                country_of_exploitation=_text(_first(rows["country_of_exploitation"])),
                forms=_codes(rows["forms"]),
                sectors=_codes(rows["sectors"]),
                means_of_control=_codes(rows["means_of_control"]),
                recruiter_relations=_codes(rows["recruiter_relation"]),
            )
        )
    return persons


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)
