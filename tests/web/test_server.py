"""`zicht serve` under gunicorn: several processes serve and stop cleanly on Ctrl-C, they
build the app from the settings handed to them (not the environment), and the server
gives up on processes that cannot start instead of restarting them forever."""

from __future__ import annotations

import base64
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


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _wait_for_health(port: int, server: subprocess.Popen[bytes]) -> int | None:
    deadline, status = time.monotonic() + 90, None
    while time.monotonic() < deadline and status != 200 and server.poll() is None:
        try:
            status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code
        except httpx.HTTPError:
            time.sleep(0.3)
    return status


def test_serve_with_two_processes_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    url = _store(tmp_path)
    write_key_file(tmp_path / "zicht.key")
    port = _free_port()
    server = subprocess.Popen(
        [ZICHT, "serve", "--port", str(port), "--workers", "2"],
        env=_environment(ZICHT_DATABASE_URL=url, ZICHT_SECRET_KEY_FILE=str(tmp_path / "zicht.key")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    with server:
        status = _wait_for_health(port, server)
        if status != 200:
            server.kill()
        else:
            answers = [httpx.get(f"http://127.0.0.1:{port}/health") for _ in range(20)]
            server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    text = output.decode()
    assert status == 200, text
    assert [answer.status_code for answer in answers] == [200] * 20
    assert server.returncode == 0, text
    assert text.count("Started server process") == 2
    assert text.count("Finished server process") == 2
    assert "SIGKILL" not in text  # each process finished, none was killed at the timeout


def test_server_processes_use_the_settings_they_are_handed(tmp_path: Path) -> None:
    """The environment names no key and another database; the handed settings win."""
    url = _store(tmp_path)
    key = base64.b64encode(os.urandom(32)).decode()
    port = _free_port()
    code = (
        "from zicht.config import Settings; "
        "from zicht.web.serving import ServerOptions, serve_app; "
        f"serve_app(Settings(database_url={url!r}, secret_key={key!r}), "
        f"ServerOptions(port={port}, workers=2, log_level='warning'))"
    )
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere' / 'missing.db'}"
    server = subprocess.Popen(
        [sys.executable, "-c", code],
        env=_environment(ZICHT_DATABASE_URL=elsewhere),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    with server:
        status = _wait_for_health(port, server)
        login = httpx.get(f"http://127.0.0.1:{port}/login") if status == 200 else None
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert status == 200, output.decode()
    assert login is not None and login.status_code == 200
    assert server.returncode == 0, output.decode()
    assert not (tmp_path / "elsewhere").exists()


def test_processes_that_cannot_start_make_the_server_give_up(tmp_path: Path) -> None:
    code = (  # no key: every server process stops at start-up
        "from zicht.config import Settings; "
        "from zicht.web.serving import ServerOptions, serve_app; "
        f"serve_app(Settings(), ServerOptions(port={_free_port()}, workers=2))"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code],
        env=_environment(ZICHT_DATABASE_URL=_store(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode != 0
    assert "ServingError: the server processes could not start" in finished.stderr
    assert "Worker failed to boot" in finished.stderr
    assert finished.stderr.count("Booting worker") <= 4  # no restarts past the first failures
