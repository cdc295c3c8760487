"""The shelter waiting time and the anonymous reports are computed by the shelter's and
the reporting channel's own services, for the programme's year."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, text

from tests.shelter.conftest import CASEWORKER, COORDINATOR, STAFF_A, add_places
from zicht.privacy import Cipher, PublicationPolicy
from zicht.programme import compute_indicators, seed_programme
from zicht.reporting import reporting_counts
from zicht.shelter import RequestInput, accept, make_request, reserve, waiting_times

YEAR = 2021
EXACT = PublicationPolicy(k=1)


def _figure(engine: Engine, code: str, policy: PublicationPolicy) -> object:
    figures = compute_indicators(engine, seed_programme(), YEAR, policy)
    return next(f for f in figures if f.indicator == code)


def test_the_shelter_waiting_time_is_the_shelters_own_figure(
    engine: Engine, cipher: Cipher
) -> None:
    add_places(engine, cipher)
    day = dt.datetime(YEAR, 5, 3, 8)
    request_id = make_request(
        engine, CASEWORKER, RequestInput("crisis_labour", 2, "rotterdam", "labour", urgency="days")
    )
    placed = reserve(engine, COORDINATOR, request_id, now=day).placed
    accept(engine, STAFF_A, placed[0].reservation_id, now=day + dt.timedelta(hours=2))
    accept(engine, STAFF_A, placed[1].reservation_id, now=day + dt.timedelta(hours=20))
    asked = day - dt.timedelta(hours=22)  # waits of 24 and 42 hours
    with engine.begin() as connection:
        connection.execute(text("UPDATE shelter_request SET created_at = :at"), {"at": asked})

    exact = _figure(engine, "shelter_waiting_days", EXACT)
    assert exact.value == 1.4  # median of 24 and 42 hours: 33 hours  # type: ignore[attr-defined]
    assert exact.value == waiting_times(engine, YEAR, EXACT).median_days  # type: ignore[attr-defined]
    assert exact.source == "shelter"  # type: ignore[attr-defined]
    published = _figure(engine, "shelter_waiting_days", PublicationPolicy())
    assert published.value is None and published.suppressed  # type: ignore[attr-defined]


def test_no_anonymous_report_in_the_year_is_zero_as_the_channel_publishes(engine: Engine) -> None:
    figure = _figure(engine, "anonymous_reports", EXACT)
    assert figure.value == 0 == reporting_counts(engine, EXACT, year=YEAR).total  # type: ignore[attr-defined]
    assert figure.source == "reporting"  # type: ignore[attr-defined]
