"""Nothing acknowledged is lost: the server is killed (SIGKILL, every process) while
notices pour in; every notice that got its receipt (201) is in the database afterwards."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from zicht.access import Principal
from zicht.platforms.notices import register_platform
from zicht.privacy import write_key_file
from zicht.store import make_engine, upgrade
from zicht.store.notices import NoticeRow

ZICHT = str(Path(sys.executable).parent / "zicht")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _notice(number: int) -> dict[str, object]:
    return {
        "category": "STATEMENT_CATEGORY_VIOLENCE",
        "explanation": f"Notice {number} of the load test.",
        "items": [{"url": f"https://kinky.example/ad/{number}", "ad_id": f"A-{number}"}],
        "good_faith": True,
        "email": f"notifier{number}@example.org",  # one notifier each: no flood rule
    }


async def _pour(port: int, acknowledged: list[str], killed: asyncio.Event) -> None:
    """16 clients file notices until the server is gone (connection errors before the
    kill are a server still starting: retried)."""
    counter = iter(range(10**9))

    async def client() -> None:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            while True:
                try:
                    response = await http.post(
                        "/api/platforms/kinky-nl/notices", json=_notice(next(counter))
                    )
                except httpx.HTTPError:
                    if killed.is_set():
                        return
                    await asyncio.sleep(0.2)
                    continue
                if response.status_code == 201:
                    acknowledged.append(response.json()["reference"])

    await asyncio.gather(*(client() for _ in range(16)))


def test_every_acknowledged_notice_survives_a_kill(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    admin = Principal.for_user(1, "admin", "administrator", None)
    register_platform(engine, admin, "kinky-nl", "Kinky NL", "dsa@kinky.example")
    write_key_file(tmp_path / "zicht.key")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(ZICHT_DATABASE_URL=url, ZICHT_SECRET_KEY_FILE=str(tmp_path / "zicht.key"))
    server = subprocess.Popen(
        [ZICHT, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill every process at once
    )
    acknowledged: list[str] = []
    try:

        async def load_then_kill() -> None:
            killed = asyncio.Event()
            pouring = asyncio.create_task(_pour(port, acknowledged, killed))
            started = time.monotonic()
            while len(acknowledged) < 100 and time.monotonic() - started < 120:
                await asyncio.sleep(0.05)
            killed.set()
            os.killpg(server.pid, signal.SIGKILL)  # mid-load: no chance to clean up
            await pouring

        asyncio.run(load_then_kill())
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    assert len(acknowledged) >= 100, "the load did not reach the server"
    with engine.connect() as connection:
        stored = set(connection.scalars(select(NoticeRow.reference)))
    engine.dispose()
    assert set(acknowledged) <= stored
