"""Reporting benchmark: 100 concurrent anonymous reporters against `zicht serve`.

Each reporter fetches the form (a signed challenge) and solves the proof of work on
the client side, as a scripted client must (`ZICHT_REPORTING_WORK_BITS`, 18 bits); the
solving is done before the clock starts, since it is the client's cost, not the
server's. Then the 100 reporters submit: once spread over a few seconds (each at a
random moment, as people finishing a form at the same time do), and once, for
information, all at the same instant (a burst). A submission's latency is the POST:
challenge and proof-of-work verification, the single-use check, the receipt's argon2id,
sealing and the write (the receipt's argon2id follows after the acknowledgement, on
each server process's low-priority finisher thread: `zicht.reporting._pending`). The
benchmark then waits until no report is pending (the finishers' backlog, timed) and
opens each acknowledged receipt through `zicht.reporting.open_conversation` against
the database: its text must be there (no lost message). Finally the server is killed
(SIGKILL, every process) while 100 more reporters submit; the server is started again,
its start-up sweep must finish what the killed one left pending, and every receipt that
was acknowledged before the kill must open.

CPU: the server processes' user+system CPU seconds over each phase (from /proc), per
submission, so a figure can be read apart from the machine's load.

Loopback only (127.0.0.1), SQLite in WAL mode, `--workers` server processes (default
2). Prints JSON with the machine's load average before and after.

    .venv/bin/python benchmarks/bench_reporting.py [--reporters 100] [--spread 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from zicht.access import Actor, add_user, list_users
from zicht.config import Settings
from zicht.privacy import load_cipher, write_key_file
from zicht.reporting import (
    ReportingError,
    ReportingPolicy,
    create_organisation_key,
    open_conversation,
    solve,
)
from zicht.store import make_engine, upgrade

ZICHT = str(Path(sys.executable).parent / "zicht")
AUDIENCES = ("worker", "victim", "witness", "client")
LANGUAGES = ("nl", "en", "pl", "ro", "bg", "uk")
CHALLENGE = re.compile(r'name="challenge" value="([^"]+)"')
RECEIPT = re.compile(r'data-testid="receipt">([^<]+)<')


def _server_cpu(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user + system) used so far by the server's processes (its session)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == server.pid:  # the process group started with the server
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _pending(url: str) -> int:
    """Reports whose receipt is not derived yet."""
    from sqlalchemy import func, select

    from zicht.reporting._pending import PENDING_PREFIX
    from zicht.store.reporting import ReportRow

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            statement = select(func.count()).where(ReportRow.lookup.startswith(PENDING_PREFIX))
            return int(connection.execute(statement).scalar_one())
    finally:
        engine.dispose()


def _wait_finished(url: str, limit: float = 300) -> float:
    """Seconds until no report is pending (the finishers' backlog)."""
    began = time.perf_counter()
    while _pending(url) and time.perf_counter() - began < limit:
        time.sleep(0.1)
    return round(time.perf_counter() - began, 2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(folder: Path, url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(ZICHT_DATABASE_URL=url, ZICHT_SECRET_KEY_FILE=str(folder / "zicht.key"))
    server = subprocess.Popen(
        [ZICHT, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def _prepared(base: str, count: int, bits: int, seed: int) -> list[dict[str, Any]]:
    """`count` reporters, each with a form's challenge solved (the client's work)."""
    rng = random.Random(seed)
    reporters = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for number in range(count):
            lang, audience = rng.choice(LANGUAGES), rng.choice(AUDIENCES)
            form = client.get(f"/meld/{lang}/report/{audience}")
            found = CHALLENGE.search(form.text)
            if form.status_code != 200 or found is None:
                raise RuntimeError(f"the form did not load ({form.status_code})")
            reporters.append(
                {
                    "path": f"/meld/{lang}/report/{audience}",
                    "challenge": found[1],
                    "nonce": solve(found[1], bits),
                    "what": f"Synthetic report {seed}-{number}: {rng.random():.12f}",
                }
            )
    return reporters


def _submit(
    base: str,
    reporters: list[dict[str, Any]],
    spread: float,
    on_acknowledged: threading.Semaphore | None = None,
) -> list[dict[str, Any]]:
    """Submit every reporter from its own thread (at a random moment in `spread` s);
    `on_acknowledged` is released once per acknowledged report."""
    start = threading.Barrier(len(reporters))
    results: list[dict[str, Any]] = []
    lock = threading.Lock()

    def one(reporter: dict[str, Any], delay: float) -> None:
        outcome: dict[str, Any] = {"what": reporter["what"], "receipt": None}
        with httpx.Client(base_url=base, timeout=60) as client:
            start.wait()
            time.sleep(delay)
            began = time.perf_counter()
            try:
                answer = client.post(
                    reporter["path"],
                    data={k: reporter[k] for k in ("challenge", "nonce", "what")},
                )
                outcome["seconds"] = time.perf_counter() - began
                outcome["status"] = answer.status_code
                found = RECEIPT.search(answer.text)
                if answer.status_code == 200 and found is not None:
                    outcome["receipt"] = found[1]
                    if on_acknowledged is not None:
                        on_acknowledged.release()
            except httpx.HTTPError as exc:
                outcome["error"] = type(exc).__name__
        with lock:
            results.append(outcome)

    rng = random.Random(len(reporters))
    threads = [threading.Thread(target=one, args=(r, rng.uniform(0, spread))) for r in reporters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _service_ms(url: str, policy: ReportingPolicy, bits: int, count: int = 20) -> dict[str, float]:
    """Median milliseconds of one submission, and of finishing one (the receipt's
    argon2id), in this process, one at a time (no HTTP, no concurrency): what a report
    costs the server, apart from waiting for a CPU."""
    from zicht.reporting import NewReport, finish_pending, issue_challenge, submit_report

    engine = make_engine(url)
    submit, finish = [], []
    try:
        for number in range(count):
            challenge = issue_challenge(policy.work_key)
            nonce = solve(challenge, bits)
            new = NewReport(audience="witness", language="nl", what=f"Service time {number}")
            began = time.perf_counter()
            receipt = submit_report(engine, policy, new, challenge=challenge, nonce=nonce)
            submit.append(time.perf_counter() - began)
            began = time.perf_counter()
            finish_pending(engine, policy, [receipt.report_id])
            finish.append(time.perf_counter() - began)
    finally:
        engine.dispose()
    return {
        "submit_ms_median": round(sorted(submit)[count // 2] * 1000, 1),
        "finish_ms_median": round(sorted(finish)[count // 2] * 1000, 1),
    }


def _lost(url: str, policy: ReportingPolicy, results: list[dict[str, Any]]) -> int:
    """Acknowledged reports whose receipt does not open their text in the database."""
    engine = make_engine(url)
    lost = 0
    try:
        for outcome in results:
            if outcome["receipt"] is None:
                continue
            try:
                conversation = open_conversation(engine, policy, outcome["receipt"])
                lost += conversation.messages[0].text != outcome["what"]
            except ReportingError:
                lost += 1
    finally:
        engine.dispose()
    return lost


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    times = sorted(o["seconds"] for o in results if "seconds" in o)
    return {
        "submitted": len(results),
        "acknowledged": sum(o["receipt"] is not None for o in results),
        "p50_ms": round(times[len(times) // 2] * 1000, 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
        "max_ms": round(times[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reporters", type=int, default=100)
    parser.add_argument("--spread", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="zicht-bench-meld-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'zicht.db'}"
        write_key_file(folder / "zicht.key")
        engine = make_engine(url)
        upgrade(engine)
        for organisation in ("comensha", "fairwork"):
            name = f"handler-{organisation}"
            add_user(engine, Actor("bench"), name, "report_handler", organisation, "bench pw 12345")
            user_id = next(u.id for u in list_users(engine) if u.username == name)
            create_organisation_key(engine, organisation, user_id, "bench pw 12345", "bench")
        engine.dispose()
        settings = Settings()
        policy = ReportingPolicy.of(settings, load_cipher(str(folder / "zicht.key"), None))
        bits = settings.reporting_work_bits
        service_ms = _service_ms(url, policy, bits)
        server, base = _start(folder, url, args.workers)
        try:
            phases = {}
            for name, seed, spread_seconds in (("spread", 1, args.spread), ("burst", 2, 0.0)):
                prepared = _prepared(base, args.reporters, bits, seed)
                cpu = _server_cpu(server)
                results = _submit(base, prepared, spread_seconds)
                answered = _server_cpu(server) - cpu
                backlog = _wait_finished(url)
                phases[name] = {
                    **_summary(results),
                    "server_cpu_ms_per_submission": round(answered / len(results) * 1000, 1),
                    "seconds_until_every_receipt_derived": backlog,
                    "server_cpu_ms_per_report_with_derivation": round(
                        (_server_cpu(server) - cpu) / len(results) * 1000, 1
                    ),
                    "results": results,
                }
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(60)
        lost = _lost(url, policy, phases["spread"]["results"] + phases["burst"]["results"])

        # Killed mid-load: SIGKILL to every server process once a quarter is acknowledged.
        server, base = _start(folder, url, args.workers)
        reporters = _prepared(base, args.reporters, bits, 3)
        acknowledged = threading.Semaphore(0)

        def kill_after_a_quarter() -> None:
            for _ in range(max(1, args.reporters // 4)):
                acknowledged.acquire()
            os.killpg(server.pid, signal.SIGKILL)

        killer = threading.Thread(target=kill_after_a_quarter, daemon=True)
        killer.start()
        try:
            killed = _submit(base, reporters, args.spread, acknowledged)
        finally:
            killer.join(60)
            server.wait(60)
        left_pending = _pending(url)
        # Started again: its start-up sweep finishes what the killed processes left.
        server, base = _start(folder, url, args.workers)
        try:
            recovered_in = _wait_finished(url)
            still_pending = _pending(url)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(60)
        killed_lost = _lost(url, policy, killed)
    spread_summary = {k: v for k, v in phases["spread"].items() if k != "results"}
    burst_summary = {k: v for k, v in phases["burst"].items() if k != "results"}
    print(
        json.dumps(
            {
                "benchmark": "reporting",
                "reporters": args.reporters,
                "workers": args.workers,
                "work_bits": bits,
                "spread_seconds": args.spread,
                "cpu_count": os.cpu_count(),
                "one_at_a_time_in_process": service_ms,
                "submission_spread": spread_summary,
                "submission_burst": burst_summary,
                "lost_acknowledged": lost,
                "killed_mid_load": {
                    "acknowledged_before_kill": sum(o["receipt"] is not None for o in killed),
                    "refused_or_cut": sum(o["receipt"] is None for o in killed),
                    "pending_after_the_kill": left_pending,
                    "seconds_to_finish_them_after_a_restart": recovered_in,
                    "pending_after_the_restart": still_pending,
                    "lost_acknowledged": killed_lost,
                },
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "goal": {"p95_ms": 300, "lost_acknowledged": 0, "cases": "spread and burst"},
                "met": max(spread_summary["p95_ms"], burst_summary["p95_ms"]) < 300
                and lost == 0
                and killed_lost == 0,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
