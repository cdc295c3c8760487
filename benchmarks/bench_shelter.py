"""Reservations under load, per database: no bed twice, a crisis group, single requests.

1. 200 concurrent reservation attempts (20 threads, own connections) on the last 10
   free beds: attempts, successes, clear refusals and double bookings (beds held by more
   than one active reservation, or taken beds without exactly one).
2. A crisis request for 30 people over 8 shelters of 4 crisis beds each (32 beds): the
   seconds `reserve` takes to place everyone in one transaction (target < 1 s).
3. 50 concurrent users each reserving single-person requests one after the other
   (match + reserve, audited): p50 / p95 / max latency in ms (target p95 < 200 ms), and
   the CPU seconds this process spent on them (all its threads; the database server's
   own CPU is not counted).

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_shelter.py
[--postgres URL]``; prints JSON (SQLite always, PostgreSQL when a URL is given).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from zicht.access import Principal
from zicht.privacy import Cipher, generate_key
from zicht.shelter import (
    RequestInput,
    ShelterInput,
    make_request,
    reserve,
    save_shelter,
    set_availability,
)
from zicht.store import make_engine, upgrade

COORDINATOR = Principal.for_user(1, "bench", "coordinator", "comensha")
CASEWORKER = Principal.for_user(2, "bench-case", "caseworker", "inspectorate")
REGIONS = ("rotterdam", "amsterdam", "limburg", "den-haag")


@contextmanager
def fresh_database(kind: str, postgres: str | None) -> Iterator[Engine]:
    """A migrated, empty database: an SQLite file, or a new PostgreSQL schema."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(
                f"sqlite:///{Path(folder) / 'bench.db'}", pool_size=60, max_overflow=0
            )
            upgrade(engine)
            try:
                yield engine
            finally:
                engine.dispose()
        return
    assert postgres is not None
    schema = f"bench_shelter_{uuid.uuid4().hex[:8]}"
    admin = make_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres else "?"
    engine = make_engine(
        f"{postgres}{separator}options=-csearch_path%3D{schema}",
        pool_size=20,
        max_overflow=5,
        pool_timeout=120,
    )
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _shelters(engine: Engine, cipher: Cipher, count: int, kind: str, beds: int) -> None:
    for n in range(count):
        save_shelter(
            engine,
            COORDINATOR,
            cipher,
            ShelterInput(f"s{n}", f"S{n}", "crisis", REGIONS[n % len(REGIONS)], "x", ("pl",)),
        )
        set_availability(engine, COORDINATOR, f"s{n}", kind, beds, beds)


def _double_bookings(engine: Engine) -> int:
    with engine.connect() as connection:
        held_twice = connection.execute(
            text(
                "SELECT count(*) FROM (SELECT bed_id FROM shelter_reservation "
                "WHERE status IN ('held', 'accepted') GROUP BY bed_id HAVING count(*) > 1) d"
            )
        ).scalar_one()
        mismatched = connection.execute(
            text(
                "SELECT count(*) FROM shelter_bed b WHERE b.taken <> ("
                "(SELECT count(*) FROM shelter_reservation r WHERE r.bed_id = b.id "
                "AND r.status IN ('held', 'accepted')) = 1)"
            )
        ).scalar_one()
    return int(held_twice) + int(mismatched)


def last_beds(engine: Engine, cipher: Cipher) -> dict[str, Any]:
    """200 attempts from 20 threads on the last 10 free beds."""
    _shelters(engine, cipher, 2, "crisis_labour", 20)
    crowd = make_request(
        engine, CASEWORKER, RequestInput("crisis_labour", 30, "rotterdam", "labour")
    )
    reserve(engine, COORDINATOR, crowd)
    requests = [
        make_request(engine, CASEWORKER, RequestInput("crisis_labour", 1, "rotterdam", "labour"))
        for _ in range(200)
    ]
    start = threading.Barrier(20)

    def attempt(request_id: int) -> bool:
        if request_id <= requests[19]:
            start.wait()
        outcome = reserve(engine, COORDINATOR, request_id)
        assert outcome.reserved or len(outcome.unplaced) == 1  # a clear answer either way
        return outcome.reserved

    began = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(attempt, requests))
    return {
        "attempts": len(results),
        "successes": sum(results),
        "clear_refusals": len(results) - sum(results),
        "double_bookings": _double_bookings(engine),
        "seconds": round(time.perf_counter() - began, 3),
    }


def crisis_group(engine: Engine, cipher: Cipher) -> dict[str, Any]:
    """One request for 30 people over 8 shelters of 4 crisis beds each."""
    _shelters(engine, cipher, 8, "crisis_labour", 4)
    request_id = make_request(
        engine, CASEWORKER, RequestInput("crisis_labour", 30, "rotterdam", "labour")
    )
    began = time.perf_counter()
    outcome = reserve(engine, COORDINATOR, request_id)
    seconds = time.perf_counter() - began
    return {
        "people": 30,
        "placed": len(outcome.placed),
        "shelters_used": len({p.shelter_code for p in outcome.placed}),
        "seconds": round(seconds, 4),
        "double_bookings": _double_bookings(engine),
    }


def single_requests(
    engine: Engine, cipher: Cipher, users: int = 50, each: int = 8
) -> dict[str, Any]:
    """`users` threads, each reserving `each` single-person requests one after the other."""
    _shelters(engine, cipher, 8, "women", 80)
    requests = [
        make_request(engine, CASEWORKER, RequestInput("women", 1, REGIONS[n % 4], "labour"))
        for n in range(users * each)
    ]
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(users)

    def user(index: int) -> None:
        start.wait()
        for request_id in requests[index * each : (index + 1) * each]:
            began = time.perf_counter()
            outcome = reserve(engine, COORDINATOR, request_id)
            elapsed = time.perf_counter() - began
            assert outcome.reserved
            with lock:
                latencies.append(elapsed * 1000)

    cpu = time.process_time()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, range(users)))
    cpu = time.process_time() - cpu
    latencies.sort()
    return {
        "users": users,
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "max_ms": round(latencies[-1], 1),
        "cpu_seconds": round(cpu, 2),
        "double_bookings": _double_bookings(engine),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("ZICHT_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    cipher = Cipher(generate_key())
    report: dict[str, Any] = {"load_average": os.getloadavg()[0]}
    kinds = ["sqlite"] + (["postgresql"] if args.postgres else [])
    for kind in kinds:
        figures = {}
        for name, measure in (
            ("last_10_beds", last_beds),
            ("crisis_30_over_8", crisis_group),
            ("single_requests_50_users", single_requests),
        ):
            with fresh_database(kind, args.postgres) as engine:
                figures[name] = measure(engine, cipher)
        report[kind] = figures
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
