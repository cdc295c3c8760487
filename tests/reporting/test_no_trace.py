"""No trace of the reporter: a real server (gunicorn and uvicorn as `zicht serve` runs
them) takes reports from 127.0.0.2; afterwards no file the run wrote — the database with
its WAL, the server's log, the audit checkpoints — holds that address, the report's
cleartext, the receipt or the attachment's metadata. A staff login from the same
address, which is recorded on purpose, shows the search does find what is there."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from PIL import Image
from sqlalchemy import inspect, select

from zicht.access import Actor, add_user, create_session, list_users
from zicht.privacy import write_key_file
from zicht.reporting import create_organisation_key
from zicht.store import make_engine, upgrade

ZICHT = str(Path(sys.executable).parent / "zicht")
REPORTER = "127.0.0.2"
SECRETS = (
    "Synthetisch geheim: de kas aan de Veilingweg",
    "synthcontact-0612345678",
    "Synthetisch antwoord van de melder",
    "SynthExifMarker",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _photo() -> bytes:
    image = Image.new("RGB", (16, 16), "green")
    exif = image.getexif()
    exif[0x010F] = "SynthExifMarker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _found(folder: Path, needles: list[str]) -> dict[str, list[str]]:
    """needle -> files under `folder` whose bytes hold it (UTF-8)."""
    hits: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for needle in needles:
            if needle.encode() in data:
                hits.setdefault(needle, []).append(path.name)
    return hits


def _in_columns(url: str, needles: list[str]) -> set[str]:
    """Needles found in any value of any column of any table (read through SQL)."""
    engine = make_engine(url)
    found = set()
    try:
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                from sqlalchemy import MetaData, Table

                reflected = Table(table, MetaData(), autoload_with=connection)
                for row in connection.execute(select(reflected)):
                    text = " ".join(
                        v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row
                    )
                    found |= {needle for needle in needles if needle in text}
    finally:
        engine.dispose()
    return found


def test_a_report_leaves_no_address_and_no_cleartext(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    add_user(engine, Actor("test"), "handler", "report_handler", "comensha", "handler password 1")
    handler_id = next(u.id for u in list_users(engine) if u.username == "handler")
    create_organisation_key(engine, "comensha", handler_id, "handler password 1", "test")
    engine.dispose()
    write_key_file(tmp_path / "zicht.key")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(
        ZICHT_DATABASE_URL=url,
        ZICHT_SECRET_KEY_FILE=str(tmp_path / "zicht.key"),
        ZICHT_REPORTING_FORM_WAIT="0",
        ZICHT_LOG_LEVEL="DEBUG",
        ZICHT_AUDIT_CHECKPOINT_DIR=str(tmp_path / "audit"),
    )
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [ZICHT, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    transport = httpx.HTTPTransport(local_address=REPORTER)
    try:
        with httpx.Client(base_url=base, transport=transport, timeout=30) as client:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            form = client.get("/meld/nl/report/witness")
            challenge = re.search(r'name="challenge" value="([^"]+)"', form.text)
            assert challenge is not None, form.text
            sent = client.post(
                "/meld/nl/report/witness",
                data={"challenge": challenge[1], "what": SECRETS[0], "contact": SECRETS[1]},
                files={"attachments": ("photo.jpg", _photo(), "image/jpeg")},
            )
            assert sent.status_code == 200 and "set-cookie" not in sent.headers
            receipt = re.search(r'data-testid="receipt">([^<]+)<', sent.text)
            assert receipt is not None
            number = receipt[1].replace(" ", "")
            back = client.post("/meld/nl/back", data={"receipt": number})
            assert SECRETS[0] in back.text
            reply = client.post("/meld/nl/reply", data={"receipt": number, "message": SECRETS[2]})
            assert SECRETS[2] in reply.text
            wrong = client.post("/meld/nl/back", data={"receipt": "1111222233334444"})
            assert wrong.status_code == 400
            # an empty reply, or one to an unknown receipt, is refused, not a server error
            for data in ({}, {"receipt": "1111222233334444", "message": ""}):
                refused = client.post("/meld/nl/reply", data=data)
                assert refused.status_code == 400, refused.status_code
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        log.close()
    assert "Started server process" in (tmp_path / "server.log").read_text()
    needles = [REPORTER, *SECRETS, number]
    assert _found(tmp_path, needles) == {}
    assert _in_columns(url, needles) == set()

    # The search finds what is there: a staff session records its client on purpose.
    engine = make_engine(url)
    create_session(engine, handler_id, REPORTER)
    engine.dispose()
    assert REPORTER in _found(tmp_path, needles)
    assert _in_columns(url, needles) == {REPORTER}
