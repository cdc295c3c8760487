"""What the open-data exports read: the analytic fields of a link run's victim registrations.

No identity column is read: the exports need the person a registration belongs to
(the run's person id, which never leaves Zicht) and the coded fields of the standard.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from zicht.store.linkage import PersonRegistrationRow, latest_link_run
from zicht.store.models import VictimRegistrationRow

__all__ = ["OPEN_DATA_FIELDS", "linked_victim_fields"]

OPEN_DATA_FIELDS = (
    "person_id",
    "registration_date",
    "registration_year",
    "forms",
    "sectors",
    "means_of_control",
    "gender",
    "age",
    "age_band",
    "minor",
    "nationality",
    "country_of_exploitation",
    "recruiter_relation",
)


def linked_victim_fields(
    engine: Engine, first_year: int, last_year: int, run_id: int | None = None
) -> tuple[int | None, pd.DataFrame]:
    """The run's id and its victim registrations of `first_year`..`last_year` with their person.

    One row per registration, columns :data:`OPEN_DATA_FIELDS`, ordered by person and
    date. The run is the latest finished one unless `run_id` is given; (None, empty
    frame) when there is none.
    """
    if run_id is None:
        latest = latest_link_run(engine)
        run_id = None if latest is None else latest.id
    if run_id is None:
        return None, pd.DataFrame(columns=list(OPEN_DATA_FIELDS))
    v = VictimRegistrationRow
    statement = (
        select(
            PersonRegistrationRow.person_id,
            v.registration_date,
            v.registration_year,
            v.forms,
            v.sectors,
            v.means_of_control,
            v.gender,
            v.age,
            v.age_band,
            v.minor,
            v.nationality,
            v.country_of_exploitation,
            v.recruiter_relation,
        )
        .join(v, v.id == PersonRegistrationRow.registration_id)
        .where(PersonRegistrationRow.run_id == run_id)
        .where(v.registration_year >= first_year, v.registration_year <= last_year)
        .order_by(PersonRegistrationRow.person_id, v.registration_date, v.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return run_id, pd.DataFrame([tuple(r) for r in rows], columns=list(OPEN_DATA_FIELDS))
