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


def test_serve_hands_its_settings_to_gunicorn_and_writes_no_environment(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zicht.config import Settings
    from zicht.web import serving
    from zicht.web.serving import ServerOptions

    served: list[tuple[Settings, ServerOptions]] = []
    monkeypatch.setattr(serving, "serve_app", lambda s, o: served.append((s, o)))
    monkeypatch.setenv("ZICHT_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("ZICHT_REPORT_DIR", "/srv/reports")
    before = dict(os.environ)
    result = runner.invoke(
        app, ["serve", "--workers", "2", "--port", "8123", "--database-url", env]
    )
    assert result.exit_code == 0, result.output
    assert dict(os.environ) == before
    [(settings, options)] = served
    assert (settings.database_url, settings.report_dir) == (env, Path("/srv/reports"))
    assert settings.secret_key_file == Path(os.environ["ZICHT_SECRET_KEY_FILE"])
    assert options == ServerOptions(host="127.0.0.1", port=8123, workers=2)


def test_gunicorn_is_configured_for_a_socket_per_process() -> None:
    from zicht.config import Settings
    from zicht.web.serving import ServerOptions, _Application

    options = ServerOptions(host="::1", port=8124, workers=3, keep_alive=7)
    cfg = _Application(Settings(database_url="sqlite://"), options).cfg
    assert cfg.bind == ["[::1]:8124"]
    assert (cfg.workers, cfg.reuse_port, cfg.keepalive) == (3, True, 7)
    assert cfg.worker_class_str == "zicht.web.serving.ZichtWorker"
    assert cfg.accesslog is None  # request paths carry record ids: no access log


def test_serve_uses_the_cores_by_default() -> None:
    from zicht.web import default_workers

    assert default_workers() == max(1, min(os.cpu_count() or 1, 4))


def test_importing_the_cli_does_not_import_fastapi() -> None:
    code = (
        "import sys, zicht.cli; "
        "print(*(name in sys.modules for name in ('fastapi', 'uvicorn', 'gunicorn')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False False"
