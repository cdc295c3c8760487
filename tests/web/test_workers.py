"""`zicht serve` with several server processes: it serves, stops cleanly, and gives up on
processes that cannot start instead of restarting them forever."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from zicht.privacy import write_key_file
from zicht.store import make_engine, upgrade

ZICHT = str(Path(sys.executable).parent / "zicht")  # the console script, as a user runs it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    return {**env, **values}


def test_serve_with_two_processes_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    write_key_file(tmp_path / "zicht.key")
    port = _free_port()
    server = subprocess.Popen(
        [ZICHT, "serve", "--port", str(port), "--workers", "2"],
        env=_environment(ZICHT_DATABASE_URL=url, ZICHT_SECRET_KEY_FILE=str(tmp_path / "zicht.key")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    with server:
        deadline, status = time.monotonic() + 60, None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code
            except httpx.HTTPError:
                time.sleep(0.3)
        if status != 200:
            server.kill()
        else:
            server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert status == 200, output.decode()
    assert server.returncode == 0, output.decode()
    assert output.decode().count("Started server process") == 2


def test_processes_that_cannot_start_make_serve_give_up(tmp_path: Path) -> None:
    code = (
        "from zicht.web.workers import run_workers; "
        f"run_workers('127.0.0.1', {_free_port()}, 1, {{'log_level': 'warning'}})"
    )
    finished = subprocess.run(  # no key: every server process stops at start-up
        [sys.executable, "-c", code],
        env=_environment(ZICHT_DATABASE_URL=f"sqlite:///{tmp_path / 'zicht.db'}"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode != 0
    assert "keep ending right after they start" in finished.stderr
    assert finished.stderr.count("starting another") == 2
