"""The cost of an export's ids beside the audit chain: writing one export of N ids with its
entry (`AuditedTransaction.log_export`), `verify` with E such exports, and the search by a
record id. Prints JSON (wall and CPU seconds, the load average).

    PYTHONPATH=src python benchmarks/bench_audit_exports.py [--ids 100000] [--exports 5]
        [--postgres URL]   # a fresh schema zicht_bench_exportids_* is made and dropped
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from zicht.access import AuditEvent, audited_transaction, search, verify
from zicht.store import make_engine, upgrade


def _timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _run(engine: Engine, ids: int, exports: int) -> dict[str, Any]:
    upgrade(engine)
    written = []
    for n in range(exports):
        chosen = list(range(n * 7 + 1, n * 7 + 1 + ids))

        def one(chosen: list[int] = chosen) -> None:
            with audited_transaction(engine) as transaction:
                transaction.log_export(
                    AuditEvent(actor="bench", action="export_registrations"), chosen
                )

        _, wall, cpu = _timed(one)
        written.append({"wall_s": round(wall, 3), "cpu_s": round(cpu, 3)})
    report, v_wall, v_cpu = _timed(lambda: verify(engine))
    (_found, total), s_wall, s_cpu = _timed(lambda: search(engine, object_id=str(ids // 2)))
    return {
        "dialect": engine.dialect.name,
        "ids_per_export": ids,
        "exports": exports,
        "write_one_export": written,
        "verify": {"ok": report.ok, "wall_s": round(v_wall, 3), "cpu_s": round(v_cpu, 3)},
        "search_by_id": {"found": total, "wall_s": round(s_wall, 3), "cpu_s": round(s_cpu, 3)},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ids", type=int, default=100_000)
    parser.add_argument("--exports", type=int, default=5)
    parser.add_argument("--postgres", default=os.environ.get("ZICHT_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        results.append(_run(engine, args.ids, args.exports))
        engine.dispose()
    if args.postgres:
        schema = f"zicht_bench_exportids_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.postgres)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in args.postgres else "?"
        engine = make_engine(f"{args.postgres}{separator}options=-csearch_path%3D{schema}")
        try:
            results.append(_run(engine, args.ids, args.exports))
        finally:
            engine.dispose()
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps({"results": results, "loadavg": load}, indent=1))


if __name__ == "__main__":
    main()
