"""Web benchmark: requests/s and p95 latency of the dashboard and the registrations list.

The list is measured as it opens and, for information, with identities shown (asked
for with a purpose, as a coordinator must).

50 concurrent keep-alive clients on loopback (127.0.0.1 only), a bounded number of
requests and a time limit per run, against the app served as `zicht serve` serves it
(gunicorn with uvicorn workers, one process per CPU core unless --workers says
otherwise) in separate processes; once with SQLite and once with PostgreSQL (a fresh
schema, dropped afterwards). Every response is checked for status 200. Prints JSON,
with the load average of the machine before and after each database's runs.

`--baseline-src DIR` serves each database a second time at once with the source of
another checkout (e.g. the previous main's `src`), the way it served before gunicorn
(its own supervisor `zicht.web.workers`, a socket per process), and measures both
interleaved page by page, so that both see the same load from other work.

    .venv/bin/python benchmarks/bench_web.py [--requests 3000] [--registrations 5000]
        [--workers N] [--baseline-src ../main/src] [--pages /dashboard,/registrations]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import csv
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from proc_cpu import tree_cpu_seconds
from sqlalchemy import Engine, text

from zicht.access import Actor, add_user, create_session
from zicht.ingest import ingest_file
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.web import default_workers

CONCURRENCY = 50
# The two pages of the goal, then (for information) the list with the identities a
# coordinator asks for with a purpose: decrypted per row, audited as view_identity. The
# purpose is POSTed (never in a URL); a baseline from before that asks in the URL.
IDENTITY_LOOK = "identities"
PATHS = ("/dashboard", "/registrations", IDENTITY_LOOK)
PURPOSE = "benchmark of identity views"
BASELINE_IDENTITY_PATH = "/registrations?identities=1&purpose=benchmark+of+identity+views"
TIME_LIMIT = 60.0
START_SECONDS = 180
FORMS = ("labour", "sexual_domestic", "criminal", "sexual_cross_border")
SOURCES = ("police", "fairwork", "shelter", "comensha", "inspectorate")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _populate(url: str, key: bytes, registrations: int, folder: Path) -> tuple[str, str]:
    """Synthetic registrations (no real person), a coordinator, and its session token
    with the session's CSRF token."""
    engine = make_engine(url)
    upgrade(engine)
    cipher = Cipher(key)
    per_source = registrations // len(SOURCES)
    for number, source in enumerate(SOURCES):
        path = folder / f"{source}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [
                    "source_record_id",
                    "registration_date",
                    "forms",
                    "gender",
                    "age",
                    "given_names",
                    "family_name",
                ]
            )
            for i in range(per_source):
                writer.writerow(
                    [
                        f"{source}-{i}",
                        f"20{19 + i % 5}-0{1 + i % 9}-1{i % 9}",
                        FORMS[(i + number) % 4],
                        ("female", "male")[i % 2],
                        18 + i % 50,
                        f"Naam{i}",
                        f"Synth{number}",
                    ]
                )
        ingest_file(path, source=source, engine=engine, cipher=cipher)
    token, csrf = coordinator_session(engine, "bench-coordinator")
    engine.dispose()
    return token, csrf


def coordinator_session(engine: Engine, username: str) -> tuple[str, str]:
    """A new coordinator `username`'s session token and its CSRF token."""
    add_user(engine, Actor("bench"), username, "coordinator", "comensha", "bench-password-0123")
    with engine.connect() as connection:
        user_id = connection.execute(
            text("SELECT id FROM app_user WHERE username = :name"), {"name": username}
        ).scalar_one()
    token = create_session(engine, int(user_id), "bench")
    with engine.connect() as connection:
        csrf = connection.execute(
            text("SELECT csrf_token FROM app_session WHERE user_id = :user"), {"user": user_id}
        ).scalar_one()
    return token, str(csrf)


def _start_server(
    server: str, url: str, key_file: Path, port: int, args: argparse.Namespace
) -> subprocess.Popen[bytes]:
    workers = args.workers
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    if server == "gunicorn":
        # As `zicht serve --workers N` runs it, quieter; the settings object is passed.
        code = (
            "from zicht.config import Settings; "
            "from zicht.web.serving import ServerOptions, serve_app; "
            f"serve_app(Settings(database_url={url!r}, secret_key_file={str(key_file)!r}), "
            f"ServerOptions(port={port}, workers={workers}, log_level='warning', "
            "keep_alive=60))"
        )
    else:
        # The earlier supervisor, from the baseline's source, builds the app from the
        # ZICHT_* environment.
        env |= {
            "ZICHT_DATABASE_URL": url,
            "ZICHT_SECRET_KEY_FILE": str(key_file),
            "PYTHONPATH": str(Path(args.baseline_src).resolve()),
        }
        options = {"access_log": False, "log_level": "warning", "timeout_keep_alive": 60}
        code = (
            "from zicht.web.workers import run_workers; "
            f"run_workers('127.0.0.1', {port}, {workers}, {options!r})"
        )
    command = [sys.executable, "-c", code]
    process = subprocess.Popen(command, env=env)
    # Generous: on a loaded machine a server process takes long to import its modules.
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def _request(path: str, token: str, csrf: str, baseline: bool) -> bytes:
    """The bytes of one request for `path` (IDENTITY_LOOK: the list with identities)."""
    if path == IDENTITY_LOOK and baseline:
        path = BASELINE_IDENTITY_PATH
    if path != IDENTITY_LOOK:
        return (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: zicht_session={token}\r\n\r\n"
        ).encode()
    body = urlencode({"purpose": PURPOSE, "csrf_token": csrf}).encode()
    head = (
        "POST /registrations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: zicht_session={token}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _client(port: int, request: bytes, state: dict[str, Any]) -> None:
    """One client: a keep-alive HTTP/1.1 connection issuing requests back to back.

    A minimal client on asyncio streams: a full HTTP library in the same Python process
    costs more CPU per request than the server and would measure itself.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while state["issued"] < state["total"] and time.perf_counter() < state["deadline"]:
            state["issued"] += 1
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            state["latencies"].append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200"):
                state["errors"] += 1
    finally:
        writer.close()


async def _load(port: int, path: str, request: bytes, total: int) -> dict[str, Any]:
    warm: dict[str, Any] = {
        "issued": 0,
        "total": min(200, total),
        "latencies": [],
        "errors": 0,
        "deadline": time.perf_counter() + TIME_LIMIT,
    }
    await asyncio.gather(*(_client(port, request, warm) for _ in range(5)))
    state: dict[str, Any] = {
        "issued": 0,
        "total": total,
        "latencies": [],
        "errors": 0,
        "deadline": time.perf_counter() + TIME_LIMIT,
    }
    started = time.perf_counter()
    await asyncio.gather(*(_client(port, request, state) for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    latencies = sorted(state["latencies"])
    return {
        "path": path,
        "requests": len(latencies),
        "warm_requests": len(warm["latencies"]),
        "errors": state["errors"],
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
    }


def _run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    servers = ("baseline", "gunicorn") if args.baseline_src else ("gunicorn",)
    key = generate_key()
    with tempfile.TemporaryDirectory(prefix="zicht-bench-web-") as folder:
        key_file = Path(folder) / "zicht.key"
        key_file.write_text(base64.b64encode(key).decode())
        key_file.chmod(0o600)
        token, csrf = _populate(url, key, args.registrations, Path(folder))
        ports = {server: _free_port() for server in servers}
        processes = {}
        load_before = os.getloadavg()
        try:
            for server in servers:
                processes[server] = _start_server(server, url, key_file, ports[server], args)
            results: dict[str, list[dict[str, Any]]] = {server: [] for server in servers}
            for number, path in enumerate(args.pages):
                # Interleaved, and each page's first turn alternating between the servers.
                for server in servers[::-1] if number % 2 else servers:
                    request = _request(path, token, csrf, server == "baseline")
                    cpu = tree_cpu_seconds(processes[server].pid)
                    measured = asyncio.run(_load(ports[server], path, request, args.requests))
                    # The server's own CPU per request (its processes, not the database's):
                    # what the load of other work on the machine disturbs least.
                    measured["server_cpu_ms_per_request"] = round(
                        (tree_cpu_seconds(processes[server].pid) - cpu)
                        * 1000
                        / max(1, measured["requests"] + measured["warm_requests"]),
                        2,
                    )
                    results[server].append(measured)
        finally:
            for process in processes.values():
                process.terminate()
                process.wait(15)
    report: dict[str, Any] = {
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    if args.baseline_src:
        return report | {f"{server}_endpoints": results[server] for server in servers}
    return report | {"endpoints": results["gunicorn"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--registrations", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--pages",
        type=lambda value: tuple(value.split(",")),
        default=PATHS,
        help=f"comma-separated pages to measure, of {','.join(PATHS)}",
    )
    parser.add_argument(
        "--baseline-src",
        default=None,
        help="src folder of another checkout to serve with its supervisor beside gunicorn",
    )
    args = parser.parse_args()
    report: dict[str, Any] = {
        "concurrency": CONCURRENCY,
        "requests_per_endpoint": args.requests,
        "registrations": args.registrations,
        "workers": args.workers,
        "baseline_src": args.baseline_src,
        "cpus": os.cpu_count(),
        "goal": {"requests_per_second": 300, "p95_ms": 100},
    }
    with tempfile.TemporaryDirectory(prefix="zicht-bench-sqlite-") as folder:
        report["sqlite"] = _run(f"sqlite:///{Path(folder) / 'zicht.db'}", args)
    if not args.skip_postgres:
        schema = f"zicht_bench_{uuid.uuid4().hex[:10]}"
        admin = make_engine(args.postgres_url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            separator = "&" if "?" in args.postgres_url else "?"
            url = f"{args.postgres_url}{separator}options=-csearch_path%3D{schema}"
            report["postgresql"] = _run(url, args)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
