"""200 concurrent reservation attempts on the last 10 beds: exactly 10 succeed.

On SQLite and PostgreSQL, from 20 threads with their own connections, started together.
Every other attempt gets a clear answer (nothing reserved, the person named as unplaced),
and the database holds each bed at most once.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from tests.shelter.conftest import CASEWORKER, COORDINATOR
from zicht.privacy import Cipher
from zicht.shelter import (
    RequestInput,
    ReservationOutcome,
    ShelterInput,
    make_request,
    reserve,
    save_shelter,
    set_availability,
)
from zicht.store import make_engine, upgrade

ATTEMPTS = 200
THREADS = 20


def test_200_attempts_on_the_last_10_beds(database_url: str, cipher: Cipher) -> None:
    engine = make_engine(database_url, pool_size=THREADS, max_overflow=2, pool_timeout=120)
    upgrade(engine)
    try:
        for code in ("a", "b"):
            save_shelter(
                engine,
                COORDINATOR,
                cipher,
                ShelterInput(code, code.upper(), "crisis", "rotterdam", "secret", ("pl",)),
            )
            set_availability(engine, COORDINATOR, code, "crisis_labour", 20, 20)
        crowd = make_request(
            engine, CASEWORKER, RequestInput("crisis_labour", 30, "rotterdam", "labour")
        )
        assert len(reserve(engine, COORDINATOR, crowd).placed) == 30  # 10 beds left
        requests = [
            make_request(
                engine, CASEWORKER, RequestInput("crisis_labour", 1, "rotterdam", "labour")
            )
            for _ in range(ATTEMPTS)
        ]
        start = threading.Barrier(THREADS)

        def attempt(request_id: int) -> ReservationOutcome:
            if request_id <= requests[THREADS - 1]:
                start.wait()
            return reserve(engine, COORDINATOR, request_id)

        with ThreadPoolExecutor(THREADS) as pool:
            outcomes = list(pool.map(attempt, requests))
        won = [o for o in outcomes if o.reserved]
        lost = [o for o in outcomes if not o.reserved]
        assert len(won) == 10 and all(len(o.placed) == 1 and not o.unplaced for o in won)
        assert len(lost) == ATTEMPTS - 10
        assert all(not o.placed and [u.person_index for u in o.unplaced] == [0] for o in lost)
        with engine.connect() as connection:
            active = connection.execute(
                text(
                    "SELECT count(*), count(DISTINCT bed_id) FROM shelter_reservation "
                    "WHERE status IN ('held', 'accepted')"
                )
            ).one()
            taken = connection.execute(
                text("SELECT count(*) FROM shelter_bed WHERE taken")
            ).scalar_one()
        assert tuple(active) == (40, 40) and taken == 40
    finally:
        engine.dispose()
