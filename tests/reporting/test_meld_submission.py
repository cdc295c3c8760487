"""The public submission page under a busy or failing database: the store call runs on a
worker thread, never on the event loop (a SQLite write waits up to its busy timeout for
the lock, which would freeze every request of the worker), and a database error is a
clear page in the reporter's language with their text kept in the form, not a 500 and
not a half-written report."""

from __future__ import annotations

import asyncio
import html
import re
import warnings
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from starlette.exceptions import StarletteDeprecationWarning

from tests.reporting.conftest import Channel
from zicht.config import Settings
from zicht.privacy import Cipher
from zicht.reporting import solve
from zicht.store.reporting import ReportMessageRow, ReportRow
from zicht.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

WHAT = "Synthetisch: ze houden onze paspoorten vast"
# The catalogue's own Dutch and Polish texts (the oracle is the .po file, not the code).
UNAVAILABLE = {
    "nl": "Wij kunnen nu geen meldingen ontvangen. Probeer het later opnieuw.",
    "pl": "Nie możemy teraz przyjmować zgłoszeń. Spróbuj ponownie później.",
}


def _client(channel: Channel, cipher: Cipher, tmp_path: Path) -> TestClient:
    app = create_app(
        Settings(database_url=str(channel.engine.url)),
        engine=channel.engine,
        cipher=cipher,
        report_dir=tmp_path,
    )
    app.state.reporting = channel.policy
    # No lifespan: the finisher thread is not started, notify() is a no-op.
    return TestClient(app, raise_server_exceptions=False)


def _send(client: TestClient, channel: Channel, lang: str) -> tuple[int, str]:
    form = client.get(f"/meld/{lang}/report/victim")
    assert form.status_code == 200
    match = re.search(r'name="challenge" value="([^"]+)"', form.text)
    assert match is not None
    challenge = html.unescape(match.group(1))
    nonce = solve(challenge, channel.policy.work_bits)
    response = client.post(
        f"/meld/{lang}/report/victim",
        data={"what": WHAT, "challenge": challenge, "nonce": nonce, "passphrase": ""},
    )
    return response.status_code, response.text


def _reports(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        reports = connection.execute(select(func.count()).select_from(ReportRow)).scalar_one()
        messages = connection.execute(
            select(func.count()).select_from(ReportMessageRow)
        ).scalar_one()
        return reports, messages


@pytest.mark.parametrize("lang", ["nl", "pl"])
def test_a_database_error_is_a_try_again_page_and_files_nothing(
    channel: Channel,
    cipher: Cipher,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    def locked(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    # The store's write fails as SQLite's does after its busy timeout.
    monkeypatch.setattr("zicht.store.reporting.file_report", locked)
    client = _client(channel, cipher, tmp_path)
    status, text = _send(client, channel, lang)
    assert status == 503
    assert UNAVAILABLE[lang] in html.unescape(text)
    assert WHAT in html.unescape(text)  # their text is back in the form
    assert "database is locked" not in text
    assert _reports(channel.engine) == (0, 0)


def test_the_submission_runs_off_the_event_loop(
    channel: Channel, cipher: Cipher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zicht.web.routers import meld

    on_loop: list[bool] = []
    real = meld.submit_report

    def watched(*args: object, **kwargs: object) -> object:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:  # no loop in this thread: a worker thread
            on_loop.append(False)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(meld, "submit_report", watched)
    client = _client(channel, cipher, tmp_path)
    status, text = _send(client, channel, "nl")
    assert status == 200, text
    assert on_loop == [False]
    assert _reports(channel.engine) == (1, 1)
