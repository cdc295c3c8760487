"""What an audited act costs in commits, time and CPU, alone and with 50 at once.

Each act inserts one row of a scratch table and records one entry in
`zicht.access.audited_transaction`. Per database (a fresh SQLite file; a fresh
PostgreSQL schema with --postgres):

1. `lone`: ACTS acts one after the other (nobody else writes);
2. `concurrent`: 50 threads, each doing PER_USER acts one after the other.

For each: p50 / p95 latency in ms, the CPU seconds of this process (all its threads; the
database server's CPU is not counted), and, counted by SQLAlchemy events on every
engine of the process (the group writer's own included), the commits per act and the
share of acts whose entry waited in `audit_pending` (PostgreSQL: the chain's lock was
busy). Every run ends with `verify` of the chain. Prints JSON with the load average.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_audit_commit.py [--postgres URL]``
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

from sqlalchemy import Engine, event, text

from zicht.access import AuditEvent, audited_transaction, verify
from zicht.store import make_engine, upgrade

ACTS = 200
USERS = 50
PER_USER = 8


class _Counter:
    """Commits and audit_pending inserts of every engine in this process."""

    def __init__(self) -> None:
        self.commits = 0
        self.waiting = 0
        self._lock = threading.Lock()

    def commit(self, _connection: Any) -> None:
        with self._lock:
            self.commits += 1

    def statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_PENDING"):
            with self._lock:
                self.waiting += 1

    def reset(self) -> None:
        with self._lock:
            self.commits = self.waiting = 0


COUNTER = _Counter()
event.listen(Engine, "commit", COUNTER.commit)
event.listen(Engine, "before_cursor_execute", COUNTER.statement)


@contextmanager
def fresh_database(kind: str, postgres: str | None) -> Iterator[Engine]:
    """A migrated, empty database with a scratch table `bench_act`."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(
                f"sqlite:///{Path(folder) / 'bench.db'}", pool_size=60, max_overflow=0
            )
            try:
                yield _prepared(engine)
            finally:
                engine.dispose()
        return
    assert postgres is not None
    schema = f"bench_audit_{uuid.uuid4().hex[:8]}"
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
        yield _prepared(engine)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _prepared(engine: Engine) -> Engine:
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_act (id INTEGER PRIMARY KEY, label TEXT)"))
    return engine


def _act(engine: Engine, number: int) -> float:
    began = time.perf_counter()
    with audited_transaction(engine) as transaction:
        transaction.connection.execute(
            text("INSERT INTO bench_act (id, label) VALUES (:id, :label)"),
            {"id": number, "label": f"act {number}"},
        )
        transaction.log(
            AuditEvent(actor="bench", action="bench_act", object_type="act", object_ids=[number])
        )
    return (time.perf_counter() - began) * 1000


def _figures(latencies: list[float], cpu: float, acts: int) -> dict[str, Any]:
    latencies.sort()
    return {
        "acts": acts,
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "cpu_seconds": round(cpu, 3),
        "cpu_ms_per_act": round(1000 * cpu / acts, 3),
        "commits_per_act": round(COUNTER.commits / acts, 3),
        "waited_share": round(COUNTER.waiting / acts, 3),
    }


def lone(engine: Engine) -> dict[str, Any]:
    _act(engine, 0)  # warm the pool and the writer
    COUNTER.reset()
    cpu = time.process_time()
    latencies = [_act(engine, n) for n in range(1, ACTS + 1)]
    figures = _figures(latencies, time.process_time() - cpu, ACTS)
    figures["chain_ok"] = verify(engine).ok
    return figures


def concurrent(engine: Engine) -> dict[str, Any]:
    _act(engine, 0)
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(USERS)

    def user(index: int) -> None:
        start.wait()
        for n in range(PER_USER):
            elapsed = _act(engine, 1 + index * PER_USER + n)
            with lock:
                latencies.append(elapsed)

    COUNTER.reset()
    cpu = time.process_time()
    with ThreadPoolExecutor(USERS) as pool:
        list(pool.map(user, range(USERS)))
    figures = _figures(latencies, time.process_time() - cpu, USERS * PER_USER)
    figures["chain_ok"] = verify(engine).ok
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("ZICHT_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    report: dict[str, Any] = {"load_average": list(os.getloadavg())}
    for kind in ["sqlite"] + (["postgresql"] if args.postgres else []):
        figures = {}
        for name, measure in (("lone", lone), ("concurrent_50", concurrent)):
            with fresh_database(kind, args.postgres) as engine:
                figures[name] = measure(engine)
        report[kind] = figures
    report["load_average_after"] = list(os.getloadavg())
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
