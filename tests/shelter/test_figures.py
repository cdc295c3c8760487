"""Figures through the publication policy: counts from hand-made placements."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, text

from tests.shelter.conftest import CASEWORKER, COORDINATOR, STAFF_A
from zicht.privacy import PublicationPolicy
from zicht.shelter import (
    RequestInput,
    accept,
    discharge,
    make_request,
    refuse,
    reserve,
    shelter_figures,
    wait_band,
    waiting_times,
)


def test_wait_bands() -> None:
    assert [wait_band(h) for h in (0, 3.9, 4, 23.9, 24, 71, 72, 1000)] == [
        "under_4h",
        "under_4h",
        "4h_24h",
        "4h_24h",
        "1d_3d",
        "1d_3d",
        "over_3d",
        "over_3d",
    ]


def test_figures_count_what_happened_and_suppress_small_counts(places: Engine) -> None:
    day = dt.datetime(2026, 3, 2, 9)
    request_id = make_request(
        places, CASEWORKER, RequestInput("crisis_labour", 4, "rotterdam", "labour", urgency="days")
    )
    placed = reserve(places, COORDINATOR, request_id, now=day).placed
    accept(places, STAFF_A, placed[0].reservation_id, now=day + dt.timedelta(hours=2))
    accept(places, STAFF_A, placed[1].reservation_id, now=day + dt.timedelta(hours=5))
    refuse(places, STAFF_A, placed[2].reservation_id, "language", now=day)
    discharge(places, STAFF_A, placed[0].reservation_id, now=day + dt.timedelta(days=1))
    # the request was stored at the real time of the test; put it at `day`
    with places.begin() as connection:
        connection.execute(text("UPDATE shelter_request SET created_at = :at"), {"at": day})
    exact = shelter_figures(
        places, today=dt.date(2026, 3, 4), days=3, policy=PublicationPolicy(k=1)
    )
    assert exact.occupancy == {
        dt.date(2026, 3, 2): 2,
        dt.date(2026, 3, 3): 1,
        dt.date(2026, 3, 4): 1,
    }
    assert exact.waits == {"under_4h": 1, "4h_24h": 1, "1d_3d": 0, "over_3d": 0, "*": 2}
    assert exact.refusals["language"] == 1 and exact.refusals["*"] == 1
    assert exact.placements == {
        ("rotterdam", "labour"): 2,
        ("rotterdam", "*"): 2,
        ("*", "labour"): 2,
        ("*", "*"): 2,
    }
    default = shelter_figures(places, today=dt.date(2026, 3, 4), days=3)
    assert default.waits["under_4h"] is None and default.refusals["language"] is None
    assert default.placements[("*", "*")] is None


def test_waiting_times_of_a_year_count_its_placements(places: Engine) -> None:
    day = dt.datetime(2025, 3, 2, 9)
    request_id = make_request(
        places, CASEWORKER, RequestInput("crisis_labour", 3, "rotterdam", "labour", urgency="days")
    )
    placed = reserve(places, COORDINATOR, request_id, now=day).placed
    accept(places, STAFF_A, placed[0].reservation_id, now=day + dt.timedelta(hours=2))
    accept(places, STAFF_A, placed[1].reservation_id, now=day + dt.timedelta(hours=10))
    accept(places, STAFF_A, placed[2].reservation_id, now=day + dt.timedelta(hours=20))
    asked = day - dt.timedelta(hours=10)  # waits of 12, 20 and 30 hours
    with places.begin() as connection:
        connection.execute(text("UPDATE shelter_request SET created_at = :at"), {"at": asked})
    exact = waiting_times(places, 2025, PublicationPolicy(k=1))
    assert exact.placements == 3
    assert exact.bands == {"under_4h": 0, "4h_24h": 2, "1d_3d": 1, "over_3d": 0}
    assert exact.median_days == round(20 / 24, 1)
    assert waiting_times(places, 2024, PublicationPolicy(k=1)).placements == 0
    hidden = waiting_times(places, 2025)  # k = 10: three placements are not published
    assert hidden.placements is None and hidden.median_days is None
    assert hidden.bands == {"under_4h": 0, "4h_24h": None, "1d_3d": None, "over_3d": 0}
