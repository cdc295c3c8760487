"""`zicht users`, `zicht tokens` and `zicht audit verify` run without the web stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import zicht

# Runs the commands in one fresh interpreter, then reports what it had to import.
_SCRIPT = """
import json, sys
from typer.testing import CliRunner
from zicht.cli import app

runner = CliRunner()
steps = [
    ["keys", "new", "--out", sys.argv[1]],
    ["db", "upgrade"],
    ["users", "add", "anna", "--role", "data_steward", "--organisation", "police"],
    ["users", "list"],
    ["users", "disable", "anna"],
    ["users", "reset", "anna"],
    ["tokens", "create", "partner", "--organisation", "police", "--actions", "upload"],
    ["tokens", "list"],
    ["tokens", "revoke", "1"],
    ["audit", "verify"],
]
codes = [runner.invoke(app, step).exit_code for step in steps]
verified = runner.invoke(app, ["audit", "verify"]).output
loaded = sorted(m for m in ("fastapi", "starlette", "uvicorn", "zicht.web") if m in sys.modules)
print(json.dumps({"codes": codes, "verified": verified, "loaded": loaded}))
"""


def test_accounts_commands_never_import_fastapi(database_url: str, tmp_path: Path) -> None:
    source = str(Path(zicht.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": source,
        "ZICHT_DATABASE_URL": database_url,
        "ZICHT_SECRET_KEY_FILE": str(tmp_path / "zicht.key"),
    }
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "zicht.key")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["codes"] == [0] * 10
    # user_added, user_disabled, password_reset, token_created, token_revoked
    assert "5 entries" in outcome["verified"]
    assert outcome["loaded"] == []
