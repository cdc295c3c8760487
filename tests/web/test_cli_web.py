"""`zicht users`, `zicht tokens`, `zicht audit` and `zicht serve` from the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zicht.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    key = tmp_path / "zicht.key"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    monkeypatch.setenv("ZICHT_DATABASE_URL", database_url)
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return database_url


def test_users_lifecycle(env: str) -> None:
    added = runner.invoke(
        app, ["users", "add", "anna", "--role", "data_steward", "--organisation", "police"]
    )
    assert added.exit_code == 0, added.output
    password = re.search(r"Password \(shown once\): (\S+)", added.output)
    assert password is not None and len(password.group(1)) >= 12
    listed = runner.invoke(app, ["users", "list"])
    assert "anna" in listed.output and password.group(1) not in listed.output
    assert runner.invoke(app, ["users", "disable", "anna"]).exit_code == 0
    assert "disabled" in runner.invoke(app, ["users", "list"]).output
    assert runner.invoke(app, ["users", "enable", "anna"]).exit_code == 0
    reset = runner.invoke(app, ["users", "reset", "anna"])
    assert reset.exit_code == 0 and "shown once" in reset.output
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "4 entries" in verified.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["users", "add", "bob", "--role", "wizard"], "unknown role"),
        (["users", "add", "bob", "--role", "data_steward"], "belongs to an organisation"),
        (["users", "add", "B!", "--role", "analyst"], "a username is"),
        (["users", "disable", "nobody"], "no user"),
        (["users", "reset", "nobody"], "no user"),
        (
            ["tokens", "create", "x", "--organisation", "police", "--actions", "manage_users"],
            "a token's actions",
        ),
        (
            ["tokens", "create", "x", "--organisation", "atlantis", "--actions", "upload"],
            "unknown organisation",
        ),
        (
            [
                "tokens",
                "create",
                "x",
                "--organisation",
                "police",
                "--actions",
                "upload",
                "--days",
                "999",
            ],
            "expires after",
        ),
        (["tokens", "revoke", "42"], "no API token"),
    ],
)
def test_errors_are_one_line_and_exit_2(env: str, arguments: list[str], message: str) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith(f"zicht {' '.join(arguments[:2])}: error: ")
    assert message in lines[0]


def test_tokens_lifecycle(env: str) -> None:
    created = runner.invoke(
        app,
        [
            "tokens",
            "create",
            "police-system",
            "--organisation",
            "police",
            "--actions",
            "upload,list_registrations",
            "--days",
            "30",
        ],
    )
    assert created.exit_code == 0, created.output
    token = re.search(r"Token \(shown once\): (zt_\S+)", created.output)
    assert token is not None
    listed = runner.invoke(app, ["tokens", "list"])
    assert "police-system" in listed.output and token.group(1) not in listed.output
    assert runner.invoke(app, ["tokens", "revoke", "1"]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["tokens", "list"]).output


def test_serve_refuses_without_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_DATABASE_URL", f"sqlite:///{tmp_path / 'z.db'}")
    monkeypatch.delenv("ZICHT_SECRET_KEY_FILE", raising=False)
    monkeypatch.delenv("ZICHT_SECRET_KEY", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert result.output.startswith("zicht serve: error: ")


def test_serve_starts_worker_processes(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from zicht.web import workers

    started: list[tuple[str, int, int]] = []
    single: list[object] = []
    monkeypatch.setattr(workers, "run_workers", lambda h, p, n, _o: started.append((h, p, n)))
    monkeypatch.setattr(uvicorn, "run", lambda app, **_options: single.append(app))
    monkeypatch.setenv("ZICHT_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.delenv("ZICHT_REPORT_DIR", raising=False)
    result = runner.invoke(
        app, ["serve", "--workers", "2", "--port", "8123", "--database-url", env]
    )
    assert result.exit_code == 0, result.output
    assert started == [("127.0.0.1", 8123, 2)]
    # Each worker process builds the app from the environment, set to what was asked.
    assert os.environ["ZICHT_DATABASE_URL"] == env
    assert runner.invoke(app, ["serve", "--workers", "1"]).exit_code == 0
    assert len(single) == 1 and len(started) == 1


def test_workers_share_the_port_and_answer(env: str) -> None:
    """Two server processes on one port, each with its own socket, both serving."""
    import socket
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = (
        "from zicht.web.workers import run_workers; "
        f"run_workers('127.0.0.1', {port}, 2, {{'log_level': 'warning'}})"
    )
    server = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                answers = [httpx.get(f"http://127.0.0.1:{port}/health") for _ in range(20)]
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert all(answer.status_code == 200 for answer in answers)
    finally:
        server.terminate()
        assert server.wait(30) == 0


def test_serve_uses_the_cores_by_default() -> None:
    from zicht.web import default_workers

    assert default_workers() == max(1, min(os.cpu_count() or 1, 4))


def test_importing_the_cli_does_not_import_fastapi() -> None:
    code = "import sys, zicht.cli; print('fastapi' in sys.modules, 'uvicorn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
