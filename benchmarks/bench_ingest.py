"""Ingest throughput: a large victim-registration CSV into SQLite and PostgreSQL.

Prints JSON: rows, seconds, rows/s and peak RSS (MB) per database, with two worker
processes (what `zicht ingest` uses for files over 8 MB) and, for SQLite, with one. Each
ingest runs in a fresh child process so that its peak memory is its own:
`tree_peak_rss_mb` is the largest sum of resident memory over that process and its
workers, sampled every 50 ms (the figure the goal is about); `peak_rss_mb` is the
writing process alone and `worker_peak_rss_mb` getrusage's figure for the largest
worker, which overstates it: it counts the parent's pages a worker shares between fork
and exec when it is spawned (about 80 MB each while working).

    .venv/bin/python benchmarks/bench_ingest.py [--rows 1000000] [--postgres URL]

Goal (issue 2): at least 20,000 rows/s into SQLite with peak RSS under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

MAPPING = """\
source: police
record_type: victim_registration
columns:
  id: source_record_id
  datum: registration_date
  vorm: forms
  sekse: gender
  leeftijd: age
  nat: nationality
  voornaam: given_names
  achternaam: family_name
  geboren: date_of_birth
  telefoon: phone
  plaats: city
values:
  forms: {SU: sexual_domestic, AU: labour, CU: criminal}
  gender: {V: female, M: male}
separators: {forms: "|"}
date_formats: {registration_date: ["%d-%m-%Y"], date_of_birth: ["%d-%m-%Y"]}
"""
GIVEN = ["Anna", "Ioana", "Pawel", "Olena", "Blessing", "Minh", "Wei", "Youssef", "Ayse", "João"]
FAMILY = ["de Vries", "Popescu", "Kowalski", "Shevchenko", "Okafor", "Nguyen", "Li", "El Amrani"]
NATIONS = ["NL", "RO", "PL", "UA", "NG", "VN", "CN", "MA", "TR", "BR", "BG", "HU"]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    """A synthetic police export of `rows` rows; about 1% deliberately bad."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "id;datum;vorm;sekse;leeftijd;nat;voornaam;achternaam;geboren;telefoon;plaats\n"
        )
        for number in range(rows):
            year = rng.randint(2016, 2023)
            age = rng.randint(14, 60)
            form = rng.choice(["SU", "AU", "CU", "SU|AU"]) if rng.random() > 0.01 else "XX"
            handle.write(
                f"P{number:08d};{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{year};{form};"
                f"{rng.choice('VM')};{age};{rng.choice(NATIONS)};{rng.choice(GIVEN)};"
                f"{rng.choice(FAMILY)};{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-"
                f"{year - age};06{rng.randint(10000000, 99999999)};Utrecht\n"
            )


def _ingest(url: str, csv_path: str, mapping_path: str, workers: int, queue: Any) -> None:
    from zicht.ingest import ingest_file, load_mapping
    from zicht.privacy import Cipher, generate_key
    from zicht.store import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    start, cpu_start = time.perf_counter(), time.process_time()
    result = ingest_file(
        Path(csv_path),
        source="police",
        engine=engine,
        cipher=Cipher(generate_key()),
        mapping=load_mapping(Path(mapping_path)),
        workers=workers,
    )
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    queue.put(
        {
            "rows": result.rows_read,
            "stored": result.stored,
            "quarantined": result.quarantined,
            "seconds": round(seconds, 1),
            "rows_per_second": round(result.rows_read / seconds),
            "cpu_seconds": round(cpu_seconds, 1),
            "rows_per_cpu_second": round(result.rows_read / cpu_seconds),
            "peak_rss_mb": round(peak_mb),
            "workers": workers,
            "worker_peak_rss_mb": round(worker_peak_mb) if workers > 1 else 0,
        }
    )


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, now (Linux /proc)."""
    total_kb, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def measure(url: str, csv_path: Path, mapping_path: Path, workers: int = 2) -> dict[str, Any]:
    """One ingest in a fresh process; its whole process tree's memory sampled every 50 ms."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(
        target=_ingest, args=(url, str(csv_path), str(mapping_path), workers, queue)
    )
    process.start()
    assert process.pid is not None
    peak = 0.0
    while queue.empty() and process.is_alive():
        peak = max(peak, _tree_rss_mb(process.pid))
        time.sleep(0.05)
    result: dict[str, Any] = queue.get()
    process.join()
    result["tree_peak_rss_mb"] = round(peak)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "ZICHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        csv_path, mapping_path = work / "police.csv", work / "police.mapping.yaml"
        mapping_path.write_text(MAPPING, encoding="utf-8")
        start = time.perf_counter()
        write_csv(csv_path, args.rows)
        report: dict[str, Any] = {
            "benchmark": "ingest",
            "rows": args.rows,
            "file_mb": round(csv_path.stat().st_size / 2**20, 1),
            "generate_seconds": round(time.perf_counter() - start, 1),
        }
        report["sqlite"] = measure(f"sqlite:///{work / 'zicht.db'}", csv_path, mapping_path)
        report["sqlite_one_process"] = measure(
            f"sqlite:///{work / 'zicht1.db'}", csv_path, mapping_path, workers=1
        )
        report["postgresql"] = _postgres(args.postgres, csv_path, mapping_path)
    report["goal"] = {"sqlite_rows_per_second": 20000, "peak_rss_mb": 500}
    sqlite = report["sqlite"]
    report["goal_met"] = sqlite["rows_per_second"] >= 20000 and sqlite["tree_peak_rss_mb"] < 500
    print(json.dumps(report, indent=2))


def _postgres(base: str, csv_path: Path, mapping_path: Path) -> dict[str, Any]:
    from sqlalchemy import text

    from zicht.store import make_engine

    schema = f"zicht_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # no server: say so in the JSON rather than fail the whole run
        admin.dispose()
        return {"skipped": f"PostgreSQL not reachable ({type(exc).__name__})"}
    try:
        separator = "&" if "?" in base else "?"
        return measure(f"{base}{separator}options=-csearch_path%3D{schema}", csv_path, mapping_path)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
