"""Reservations under load, per database: no bed twice, a crisis group, single requests.

1. 200 concurrent reservation attempts (20 threads, own connections) on the last 10
   free beds: attempts, successes, clear refusals and double bookings (beds held by more
   than one active reservation, or taken beds without exactly one).
2. A crisis request for 30 people over 8 shelters of 4 crisis beds each (32 beds): the
   seconds `reserve` takes to place everyone in one transaction (target < 1 s).
3. 50 concurrent users each reserving single-person requests one after the other
   (match + reserve, audited), as 50 threads of this process calling `reserve`: p50 /
   p95 / max latency in ms (target p95 < 200 ms), the CPU seconds this process spent on
   them (all its threads; the database server's own CPU is not counted), per
   reservation, and the SQL statements per reservation.
4. The same load as a user meets it (unless --no-http): the app served as `zicht serve`
   serves it (gunicorn, uvicorn workers, one process per core unless --workers says
   otherwise) and 50 keep-alive HTTP clients, each a coordinator session posting the
   reserve form of 8 requests one after the other (no pause), each answered with the
   request's page: p50 / p95 / max in ms, the server processes' CPU per request, and on
   PostgreSQL the database server's CPU per request and the connections opened.
   Closed loops both: a client sends its next request as soon as the last is answered.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_shelter.py
[--postgres URL] [--no-http] [--workers N]``; prints JSON (SQLite always, PostgreSQL
when a URL is given).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
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
from urllib.parse import urlencode

from bench_web import _free_port, _start_server, coordinator_session
from proc_cpu import postgres_cpu_seconds, tree_cpu_seconds
from sqlalchemy import Engine, event, text

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
from zicht.store.shelter_queries import requests as requests_read
from zicht.web import default_workers

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

    statements = itertools.count()

    def count(*_args: object) -> None:
        next(statements)  # atomic under the GIL

    event.listen(engine, "before_cursor_execute", count)
    cpu = time.process_time()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, range(users)))
    cpu = time.process_time() - cpu
    event.remove(engine, "before_cursor_execute", count)
    return {
        "users": users,
        "requests": len(latencies),
        **_percentiles(latencies),
        "cpu_seconds": round(cpu, 2),
        "cpu_ms_per_reservation": round(cpu * 1000 / len(latencies), 2),
        "statements_per_reservation": round(next(statements) / len(latencies), 2),
        "double_bookings": _double_bookings(engine),
    }


def _percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


async def _reserving_client(
    port: int, posts: list[bytes], latencies: list[float], errors: list[int]
) -> None:
    """One user: a keep-alive connection posting the reserve form of each request in turn
    (a minimal client: an HTTP library in this process would cost more CPU than the
    server, and measure itself)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for post in posts:
            started = time.perf_counter()
            writer.write(post)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            if not head.startswith(b"HTTP/1.1 200"):
                errors.append(int(head[9:12]))
    finally:
        writer.close()


def _posts(request_ids: list[int], token: str, csrf: str) -> list[bytes]:
    body = urlencode({"csrf_token": csrf}).encode()
    return [
        (
            f"POST /shelter/requests/{request_id}/reserve HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: zicht_session={token}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
        for request_id in request_ids
    ]


async def _serve_load(port: int, groups: list[list[bytes]]) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    await asyncio.gather(*(_reserving_client(port, g, latencies, errors) for g in groups))
    return latencies, errors


def served_requests(
    engine: Engine, key: bytes, workers: int, users: int = 50, each: int = 8
) -> dict[str, Any]:
    """`users` HTTP clients of the served app, each posting the reserve form of `each`
    single-person requests one after the other; 5 clients warm the server first."""
    cipher = Cipher(key)
    _shelters(engine, cipher, 8, "women", 80)
    warm, measured = 5 * 4, users * each
    requests = [
        make_request(engine, CASEWORKER, RequestInput("women", 1, REGIONS[n % 4], "labour"))
        for n in range(warm + measured)
    ]
    token, csrf = coordinator_session(engine, "bench-web")
    with tempfile.TemporaryDirectory(prefix="zicht-bench-shelter-") as folder:
        key_file = Path(folder) / "zicht.key"
        key_file.write_text(base64.b64encode(key).decode())
        key_file.chmod(0o600)
        url = engine.url.render_as_string(hide_password=False)
        port = _free_port()
        server = _start_server("gunicorn", url, key_file, port, argparse.Namespace(workers=workers))
        try:
            posts = _posts(requests, token, csrf)
            asyncio.run(_serve_load(port, [posts[n:warm:5] for n in range(5)]))
            sessions, database_cpu = _sessions(engine), postgres_cpu_seconds()
            cpu = tree_cpu_seconds(server.pid)
            began = time.perf_counter()
            latencies, errors = asyncio.run(
                _serve_load(
                    port, [posts[warm + n * each : warm + (n + 1) * each] for n in range(users)]
                )
            )
            seconds = time.perf_counter() - began
            cpu = tree_cpu_seconds(server.pid) - cpu
            database_cpu = postgres_cpu_seconds() - database_cpu
            sessions = _sessions(engine) - sessions
        finally:
            server.terminate()
            server.wait(15)
    with engine.connect() as connection:
        placed = len(requests_read(connection, statuses=("placed",), limit=len(requests)))
    return {
        "users": users,
        "workers": workers,
        "requests": len(latencies),
        "errors": len(errors),
        **_percentiles(latencies),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "server_cpu_ms_per_request": round(cpu * 1000 / len(latencies), 2),
        **(
            {
                # PostgreSQL on this machine: its CPU per request, and the connections
                # the server processes opened during the run (a pool too small for the
                # request threads opens them all the time, ~10 ms of CPU each)
                "database_cpu_ms_per_request": round(database_cpu * 1000 / len(latencies), 2),
                "database_sessions_opened": sessions,
            }
            if engine.dialect.name == "postgresql"
            else {}
        ),
        "requests_placed": int(placed),
        "double_bookings": _double_bookings(engine),
    }


def _sessions(engine: Engine) -> int:
    """Connections opened to the database so far (PostgreSQL; 0 on SQLite)."""
    if engine.dialect.name != "postgresql":
        return 0
    with engine.connect() as connection:
        opened = connection.execute(
            text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        ).scalar_one()
    return int(opened)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("ZICHT_TEST_POSTGRES_URL"))
    parser.add_argument("--no-http", action="store_true", help="skip the served measurement")
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    key = generate_key()
    cipher = Cipher(key)
    report: dict[str, Any] = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
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
        if not args.no_http:
            with fresh_database(kind, args.postgres) as engine:
                figures["served_50_clients"] = served_requests(engine, key, args.workers)
        report[kind] = figures
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
