"""`zicht ingest` as a process: hostile workbooks stay small, kill -9 leaves nothing behind,
--json tells every count, a fresh folder needs no `zicht db upgrade` first."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.ingest.hostile_files import write_xlsx_parts
from zicht.privacy import generate_key
from zicht.store import IngestBatch, QuarantineRow, VictimRegistrationRow, make_engine, upgrade

ZICHT = [sys.executable, "-c", "from zicht.cli import app; app()"]
HEADER = ["source_record_id", "registration_date", "forms"]


def _env(url: str) -> dict[str, str]:
    src = str(Path(__file__).parents[2] / "src")
    return {
        **os.environ,
        "PYTHONPATH": src,
        "ZICHT_DATABASE_URL": url,
        "ZICHT_SECRET_KEY": base64.b64encode(generate_key()).decode(),
        "ZICHT_SECRET_KEY_FILE": "",
    }


def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return tuple(  # type: ignore[return-value]
                int(connection.execute(select(func.count()).select_from(m)).scalar_one())
                for m in (IngestBatch, VictimRegistrationRow, QuarantineRow)
            )
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "huge_cell"),
    [("bomb.xlsx", 200 << 20), ("long.xlsx", 300 << 10)],
)
def test_a_hostile_workbook_stays_under_300_mb(tmp_path: Path, name: str, huge_cell: int) -> None:
    path = tmp_path / name
    rows = [HEADER, ["R1", "2021-03-01", "labour"]]
    write_xlsx_parts(path, rows, huge_cell=(1, 2, huge_cell))
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    measure = (
        "import json, resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
        "print(json.dumps([done.returncode, peak, done.stderr]))\n"
    )
    command = [sys.executable, "-c", measure, *ZICHT, "ingest", str(path), "--source", "police"]
    output = subprocess.run(
        command, env=_env(url), capture_output=True, text=True, timeout=300, check=True
    ).stdout
    code, peak_mb, stderr = json.loads(output)
    lines = stderr.strip().splitlines()
    assert (code, len(lines)) == (2, 1), stderr
    assert lines[0].startswith("zicht ingest: error: ") and "refused before reading" in lines[0]
    assert peak_mb < 300
    assert _counts(url) == (0, 0, 0)


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_kill_9_leaves_no_workers_and_no_partial_store(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(HEADER) + ",given_names,family_name\n")
        for number in range(400_000):
            handle.write(f"R{number},2021-03-01,labour,Anna{number % 97},Jansen{number % 89}\n")
    command = [*ZICHT, "ingest", str(path), "--source", "police", "--workers", "2"]
    process = subprocess.Popen(
        command, env=_env(database_url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        below: set[int] = set()
        while time.monotonic() < deadline and len(below) < 3:  # two workers and the tracker
            time.sleep(0.2)
            below = _descendants(process.pid)
        assert len(below) >= 3, "the workers never started"
        time.sleep(1.0)  # let some chunks reach the store
        assert process.poll() is None, "the ingest ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(pid) for pid in below):
            time.sleep(0.2)
        assert [pid for pid in below if _alive(pid)] == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert _counts(database_url) == (0, 0, 0)


def test_json_counts_and_a_fresh_folder(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "source_record_id,registration_date,forms\n"
        "R1,2021-03-01,labour\nR2,2021-03-01,nonsense\nR3,2021-13-01,labour\nR4,2021-03-02,labour\n",
        encoding="utf-8",
    )
    env = _env("")
    env.pop("ZICHT_DATABASE_URL")  # the default: var/zicht.db in the working folder
    done = subprocess.run(
        [*ZICHT, "ingest", str(path), "--source", "police", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    outcome = json.loads(done.stdout)
    expected = {"rows_read": 4, "stored": 2, "new": 2, "quarantined": 2, "flagged": 0}
    assert {key: outcome[key] for key in expected} == expected
    assert outcome["rules"] == {"code": 1, "date": 1}
    assert (tmp_path / "var" / "zicht.db").is_file()


def test_a_fifo_ends_with_one_line_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    os.mkfifo(path)
    done = subprocess.run(
        [*ZICHT, "ingest", str(path), "--source", "police"],
        env=_env(f"sqlite:///{tmp_path / 'zicht.db'}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = done.stderr.strip().splitlines()
    assert (done.returncode, len(lines)) == (2, 1)
    assert "not a regular file" in lines[0]
