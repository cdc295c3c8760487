"""Programme benchmark: all 342 municipalities fill in the self-assessment at once.

Each municipality is an account of its own with a session; all 342 clients connect at
the same moment (one keep-alive connection each, on loopback) to the app served as
`zicht serve` serves it (gunicorn with uvicorn workers), and each one, per round: opens
the form, saves three building blocks, opens the form again, and saves the other three
(changing one of the first). Before each request a municipality "thinks" for a random
time, uniform between 0 and twice `--think` seconds (people read and answer between
requests); `--think 0` sends every request back to back, a stress test in which the
latency is the queue of 342 waiting requests. After the last round every answer is read
back from the database and compared with what that municipality last sent: a missing or different
answer is a lost answer. Once with SQLite and once with PostgreSQL (a fresh schema).
Prints JSON: p50/p95 per request kind and overall, errors, lost answers, and the load
average before and after.

    .venv/bin/python benchmarks/bench_programme.py [--rounds 3] [--think 3] [--workers N]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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
from sqlalchemy import select, text

from zicht.access import Actor, add_user, create_session, hash_token
from zicht.privacy import write_key_file
from zicht.programme import import_programme, seed_programme
from zicht.standard import municipalities
from zicht.store import make_engine, upgrade
from zicht.store import programme as store
from zicht.store.accounts import SessionRow, UserRow
from zicht.web import default_workers

GOAL_P95_MS = 200
ANSWERS = ("yes", "partly", "no")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _populate(url: str) -> dict[str, tuple[str, str]]:
    """The 2021 programme and one account per municipality: code -> (session, csrf)."""
    engine = make_engine(url)
    upgrade(engine)
    actor = Actor("bench", "system")
    import_programme(engine, actor, seed_programme())
    sessions = {}
    for code in municipalities():
        add_user(engine, actor, f"bench-{code.lower()}", "municipality", code)
        with engine.connect() as connection:
            user_id = connection.execute(
                select(UserRow.id).where(UserRow.username == f"bench-{code.lower()}")
            ).scalar_one()
        token = create_session(engine, int(user_id), "bench")
        with engine.connect() as connection:
            csrf = connection.execute(
                select(SessionRow.csrf_token).where(SessionRow.token_hash == hash_token(token))
            ).scalar_one()
        sessions[code] = (token, str(csrf))
    engine.dispose()
    return sessions


def _start_server(url: str, key_file: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    code = (
        "from zicht.config import Settings; "
        "from zicht.web.serving import ServerOptions, serve_app; "
        f"serve_app(Settings(database_url={url!r}, secret_key_file={str(key_file)!r}), "
        f"ServerOptions(port={port}, workers={workers}, log_level='warning', keep_alive=60))"
    )
    process = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def _plan(code: str, round_: int) -> tuple[dict[str, str], dict[str, str]]:
    """The two saves of a municipality in a round (deterministic, different per round)."""
    blocks = [block.code for block in seed_programme().assessment.blocks]
    pick = [ANSWERS[(int(code[2:]) + round_ + i) % 3] for i in range(len(blocks))]
    first = dict(zip(blocks[:3], pick[:3], strict=True))
    second = dict(zip(blocks[3:], pick[3:], strict=True))
    second[blocks[0]] = ANSWERS[(ANSWERS.index(pick[0]) + 1) % 3]  # changes a saved one
    return first, second


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[bytes, float]:
    started = time.perf_counter()
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return head, time.perf_counter() - started


async def _municipality(
    port: int,
    code: str,
    session: tuple[str, str],
    rounds: int,
    think: float,
    gate: asyncio.Event,
    state: dict[str, Any],
) -> None:
    token, csrf = session
    pause = random.Random(code)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cookie = f"Cookie: zicht_session={token}\r\n"
    get = f"GET /programme/assessment HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}\r\n".encode()
    await gate.wait()
    try:
        for round_ in range(rounds):
            for answers in _plan(code, round_):
                await asyncio.sleep(pause.uniform(0, 2 * think))
                head, seconds = await _exchange(reader, writer, get)
                state["get"].append(seconds)
                state["errors"] += not head.startswith(b"HTTP/1.1 200")
                fields = {"csrf_token": csrf}
                fields |= {f"answer-{b}": a for b, a in answers.items()}
                fields |= {f"note-{b}": f"bench {code} {round_}" for b in answers}
                body = urlencode(fields).encode()
                post = (
                    "POST /programme/assessment HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"{cookie}Content-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode() + body
                await asyncio.sleep(pause.uniform(0, 2 * think))
                head, seconds = await _exchange(reader, writer, post)
                state["post"].append(seconds)
                state["errors"] += not head.startswith(b"HTTP/1.1 303")
    finally:
        writer.close()


async def _load(
    port: int, sessions: dict[str, tuple[str, str]], rounds: int, think: float
) -> dict[str, Any]:
    state: dict[str, Any] = {"get": [], "post": [], "errors": 0}
    gate = asyncio.Event()
    tasks = [
        asyncio.create_task(_municipality(port, code, session, rounds, think, gate, state))
        for code, session in sessions.items()
    ]
    await asyncio.sleep(1.0)  # every connection open before anyone starts
    started = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "requests": len(ordered),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
        }

    return {
        "seconds": round(elapsed, 2),
        "errors": state["errors"],
        "form": summary(state["get"]),
        "save": summary(state["post"]),
        "all": summary(state["get"] + state["post"]),
    }


def _lost(url: str, rounds: int) -> dict[str, int]:
    """Answers missing or different from what each municipality last sent."""
    engine = make_engine(url)
    stored = {(a.municipality, a.block): a.answer for a in store.answers(engine, 2021)}
    engine.dispose()
    expected: dict[tuple[str, str], str] = {}
    for code in municipalities():
        first, second = _plan(code, rounds - 1)
        expected |= {(code, b): a for b, a in first.items()}
        expected |= {(code, b): a for b, a in second.items()}
    lost = sum(1 for key, answer in expected.items() if stored.get(key) != answer)
    return {"expected": len(expected), "stored": len(stored), "lost": lost}


def _run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="zicht-bench-programme-") as folder:
        key_file = Path(folder) / "zicht.key"
        write_key_file(key_file)
        sessions = _populate(url)
        port = _free_port()
        before = os.getloadavg()
        process = _start_server(url, key_file, port, args.workers)
        try:
            measured = asyncio.run(_load(port, sessions, args.rounds, args.think))
        finally:
            process.terminate()
            process.wait(30)
        after = os.getloadavg()
    return (
        measured
        | _lost(url, args.rounds)
        | {
            "load_before": [round(x, 2) for x in before],
            "load_after": [round(x, 2) for x in after],
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between requests")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "municipalities": len(municipalities()),
        "rounds": args.rounds,
        "think_seconds_mean": args.think,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "goal": {"p95_ms": GOAL_P95_MS, "lost": 0},
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
